using System.Runtime.CompilerServices;
using Herald.PluginApi;
using Herald.PluginHosting.Compatibility;
using Herald.PluginHosting.Instances;
using Herald.Plugins.Tests.Infrastructure;
using Herald.Server.Plugins.Instances;
using Herald.Server.Plugins.Invocation;
using Herald.Server.Plugins.Loading;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Herald.Plugins.Tests;

/// <summary>
/// The loader in-process: a plugin version that was used (created, configured through YAML, called) and then unloaded
/// must actually be garbage-collected, unless the plugin itself holds on to its code.
/// </summary>
[Collection(PluginCollection.Name)]
public sealed class UnloadTests(FixturePlugins fixtures) : IDisposable
{
    private readonly TempDirectory temp = new("herald-plugins");

    public void Dispose() => temp.Dispose();

    // Invariant: nothing on the host's side (config bridge, invoker, caches) keeps an unloaded plugin alive.
    [Fact]
    public async Task Unload_UsedPluginWithoutLeaks_LoadContextIsCollected()
    {
        var weak = await LoadUseAndUnloadAsync(fixtures.DeployFolder("Echo", temp.Path, "echo"), useConfig: true);
        Assert.False(await IsAliveAfterCollectingAsync(weak));
    }

    // Invariant: a plugin that subscribes a framework static event keeps its context alive; the host must notice (the
    // server then logs that memory is freed on restart) rather than pretend it was unloaded.
    [Fact]
    public async Task Unload_PluginHoldingStaticEvent_LoadContextStaysAlive()
    {
        var weak = await LoadUseAndUnloadAsync(fixtures.DeployFolder("StaticLeak", temp.Path, "leak"), useConfig: false);
        Assert.True(await IsAliveAfterCollectingAsync(weak));
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private async Task<WeakReference> LoadUseAndUnloadAsync(string folder, bool useConfig)
    {
        var environment = ServerEnvironment.Current(typeof(IPlugin).Assembly.GetName().Version!);
        var invoker = new PluginInvoker(NullLogger<PluginInvoker>.Instance);
        var loader = new PluginLoader(environment, temp.Combine("state"), () => new CallSlots(64, 16));
        var report = new CompatibilityChecker(environment).Check(Path.GetFileName(folder), PluginSourceKind.Folder, folder);
        Assert.True(report.IsCompatible, report.Error);
        var loaded = loader.Load(report.Descriptor!);
        var plugin = loaded.Plugin!;
        plugin.Factory = await invoker.InvokeAsync(plugin.Call(null, "constructor", TimeSpan.FromSeconds(5)), _ => Task.FromResult((IPluginFactory)Activator.CreateInstance(loaded.FactoryType!)!), CancellationToken.None);

        var context = new InstanceContext(plugin, 1, NullLogger.Instance, invoker, _ => { });
        var instance = plugin.Factory!.Create(new UserContext(1, "admin", true), context);
        if (useConfig)
        {
            var adapter = ConfigAdapter.For(instance)!;
            var yaml = adapter.Serialize(adapter.DefaultConfig());
            var parsed = adapter.Deserialize(System.Text.Encoding.UTF8.GetBytes("magic_string: changed\n" + yaml), adapter.DefaultConfig());
            await adapter.ValidateAndSetAsync(parsed, CancellationToken.None);
            ((IStorager)instance).SetStorageHandler(new MemoryStorage());
            await instance.EnableAsync(CancellationToken.None);
            await Task.Delay(300);
        }

        await invoker.InvokeAsync(plugin.Call(1, "DisableAsync", TimeSpan.FromSeconds(5)), instance.DisableAsync, CancellationToken.None);
        await context.StopBackgroundAsync(TimeSpan.FromSeconds(1), close: true);
        context.Dispose();
        return plugin.Unload();
    }

    private sealed class MemoryStorage : IStorageHandler
    {
        private byte[] data = [];

        public Task<byte[]> LoadAsync(CancellationToken cancellationToken) => Task.FromResult(data);

        public Task SaveAsync(byte[] data, CancellationToken cancellationToken)
        {
            this.data = data;
            return Task.CompletedTask;
        }
    }

    private static async Task<bool> IsAliveAfterCollectingAsync(WeakReference weak)
    {
        for (var i = 0; i < 20 && weak.IsAlive; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            await Task.Delay(20);
        }

        return weak.IsAlive;
    }
}
