using Herald.PluginApi;
using Herald.Server.Plugins.Invocation;

namespace Herald.Server.Plugins.Instances;

/// <summary>
/// Calls into a live instance on its user's behalf outside its lifecycle: reading and changing the configuration,
/// the display, and what a failed call means for the instance. Each call refuses with a
/// <see cref="PluginRequestException"/>; none takes the manager's lock.
/// </summary>
/// <param name="confs">The instance rows.</param>
/// <param name="invoker">The door into plugin code.</param>
/// <param name="timeout">How long default config, validation and display calls may take.</param>
/// <param name="requestFault">Disables an instance whose call timed out (the manager, under its lock).</param>
internal sealed class InstanceCalls(PluginConfWriter confs, PluginInvoker invoker, TimeSpan timeout, Func<PluginInstance, string, Task> requestFault)
{
    /// <summary>The stored YAML, exactly as last saved.</summary>
    public async Task<byte[]> GetConfigAsync(PluginInstance instance, CancellationToken cancellationToken)
    {
        if (instance.Config is null)
        {
            throw PluginRequestException.NotAConfigurer();
        }

        var conf = await confs.ReadAsync(instance.ConfId, cancellationToken) ?? throw PluginRequestException.UnknownPlugin();
        return conf.Config ?? [];
    }

    /// <summary>
    /// Gotify's config update: parse onto a fresh default (refused with the YAML error), let the live instance validate
    /// and apply it whether or not it is enabled (refused with the plugin's text), then store the raw body, comments
    /// included.
    /// </summary>
    public async Task UpdateConfigAsync(PluginInstance instance, byte[] yaml, CancellationToken cancellationToken)
    {
        var adapter = instance.Config ?? throw PluginRequestException.NotAConfigurer();
        object parsed;
        try
        {
            var target = await invoker.InvokeAsync(instance.Call("DefaultConfig", timeout), _ => Task.FromResult(adapter.DefaultConfig()), cancellationToken);
            parsed = adapter.Deserialize(yaml, target);
        }
        catch (YamlDotNet.Core.YamlException e)
        {
            throw new PluginRequestException(PluginRefusal.Rejected, e.Message);
        }
        catch (PluginCallException e)
        {
            throw await FailedAsync(instance, e, PluginRefusal.Failed);
        }

        try
        {
            await invoker.InvokeAsync(instance.Call("ValidateAndSetConfigAsync", timeout), ct => adapter.ValidateAndSetAsync(parsed, ct), cancellationToken);
        }
        catch (PluginCallException e)
        {
            throw await FailedAsync(instance, e, PluginRefusal.Rejected);
        }

        var raw = yaml.ToArray();
        await confs.UpdateAsync(instance.ConfId, c => c with { Config = raw }, cancellationToken);
    }

    /// <summary>The plugin's markdown for its page; empty for plugins that are not displayers (enabled or not).</summary>
    public async Task<string> GetDisplayAsync(PluginInstance instance, Uri? location, CancellationToken cancellationToken)
    {
        if (instance.Object is not IDisplayer displayer)
        {
            return string.Empty;
        }

        try
        {
            return await invoker.InvokeAsync(instance.Call("GetDisplayAsync", timeout), ct => displayer.GetDisplayAsync(location, ct), cancellationToken) ?? string.Empty;
        }
        catch (PluginCallException e)
        {
            throw await FailedAsync(instance, e, PluginRefusal.Failed);
        }
    }

    /// <summary>
    /// The one answer to a failed call of an instance, for every route: a timeout disables the instance (the abandoned
    /// work may still run) and fails the request; no free slot is <see cref="PluginRefusal.Busy"/> and changes nothing;
    /// a throw is <paramref name="whenThrew"/> with the plugin's text. See <see cref="PluginCallException.DisablesInstance"/>.
    /// </summary>
    public async Task<PluginRequestException> FailedAsync(PluginInstance instance, PluginCallException e, PluginRefusal whenThrew)
    {
        if (e.DisablesInstance)
        {
            await requestFault(instance, e.Message);
        }

        return PluginRequestException.For(e, whenThrew);
    }
}
