using System.Reflection;
using Herald.PluginApi;
using Herald.PluginHosting.Compatibility;
using Herald.Server.Plugins.Invocation;

namespace Herald.Server.Plugins.Loading;

/// <summary>The outcome of loading one checked package: the plugin, or the sentence saying why not.</summary>
internal sealed record PluginLoadResult(LoadedPlugin? Plugin, string? Error);

/// <summary>
/// Loads a package that passed the <see cref="CompatibilityChecker"/> into its own load context and runs the plugin
/// type's constructor (through the invoker, so a throwing or hanging constructor is contained).
/// </summary>
internal sealed class PluginLoader(PluginInvoker invoker, ServerEnvironment environment, PluginHostOptions options, ILogger<PluginLoader> logger)
{
    private readonly IReadOnlySet<string> shared = new HashSet<string>(environment.SharedAssemblies.Keys, StringComparer.OrdinalIgnoreCase);

    /// <summary>Loads <paramref name="descriptor"/>; on failure the context is unloaded again and the error says why.</summary>
    public async Task<PluginLoadResult> LoadAsync(PluginDescriptor descriptor, CancellationToken cancellationToken)
    {
        var context = new PluginLoadContext(descriptor.ModulePath, descriptor.EntryAssemblyPath, shared, environment.RuntimeIdentifiers);
        var plugin = new LoadedPlugin(descriptor, context, DataDirectoryOf(descriptor.ModulePath), new CallSlots(options.ConcurrencyLimit, options.InstanceConcurrencyLimit));
        try
        {
            var type = ResolvePluginType(descriptor, context, out var error);
            if (type is null)
            {
                plugin.Unload();
                return new PluginLoadResult(null, error);
            }

            Directory.CreateDirectory(plugin.DataDirectory);
            try
            {
                plugin.Factory = await invoker.InvokeAsync(
                    new PluginCall(plugin, null, $"{type.Name} constructor", options.LifecycleTimeout, Offload: true),
                    _ => Task.FromResult((IPluginFactory)Activator.CreateInstance(type)!),
                    cancellationToken);
            }
            catch (PluginCallException e) when (e.Failure == PluginCallFailure.Threw)
            {
                plugin.Unload();
                return new PluginLoadResult(null, $"Plugin '{descriptor.SourceName}' could not be instantiated: the constructor of {type.FullName} threw {e.ExceptionType}: {e.Message.TrimEnd('.')}; fix the constructor (start work in EnableAsync, not in the constructor).");
            }
            catch (PluginCallException e)
            {
                plugin.Unload();
                return new PluginLoadResult(null, $"Plugin '{descriptor.SourceName}' could not be instantiated: {e.Message}; fix the constructor of {type.FullName} (start work in EnableAsync, not in the constructor).");
            }

            logger.LogInformation("Loaded plugin {ModulePath} {Version} from {Source}", descriptor.ModulePath, descriptor.Version, descriptor.SourceName);
            return new PluginLoadResult(plugin, null);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            if (plugin.Context is not null)
            {
                plugin.Unload();
            }

            return new PluginLoadResult(null, CompatibilityMessages.TypeLoadFailed(descriptor.SourceName, e.Message));
        }
    }

    /// <summary>The per-plugin data folder: a file-system-safe form of the module path under the state folder.</summary>
    public string DataDirectoryOf(string modulePath) =>
        Path.Combine(options.StateDirectory, "data", new string(modulePath.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' ? c : '_').ToArray()));

    private static Type? ResolvePluginType(PluginDescriptor descriptor, PluginLoadContext context, out string? error)
    {
        error = null;
        var assembly = context.LoadFromAssemblyPath(descriptor.EntryAssemblyPath);
        try
        {
            // Resolving every type up front turns a missing or too-new dependency into one clear message now, instead
            // of a TypeLoadException in the middle of some later request.
            _ = assembly.GetTypes();
        }
        catch (ReflectionTypeLoadException e)
        {
            var details = e.LoaderExceptions.Where(x => x is not null).Select(x => x!.Message).Distinct().Take(3);
            error = CompatibilityMessages.TypeLoadFailed(descriptor.SourceName, string.Join(" ", details));
            return null;
        }

        var type = assembly.GetType(descriptor.PluginTypeName, throwOnError: false);
        if (type is null || !typeof(IPluginFactory).IsAssignableFrom(type))
        {
            error = CompatibilityMessages.NoPluginType(descriptor.SourceName, Path.GetFileName(descriptor.EntryAssemblyPath));
            return null;
        }

        if (type.GetConstructor(Type.EmptyTypes) is null)
        {
            error = $"Plugin '{descriptor.SourceName}' cannot be instantiated: its plugin type {type.FullName} has no public parameterless constructor; add one.";
            return null;
        }

        return type;
    }
}
