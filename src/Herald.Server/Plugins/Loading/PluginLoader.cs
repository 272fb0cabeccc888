using System.Reflection;
using Herald.PluginApi;
using Herald.PluginHosting.Compatibility;
using Herald.Server.Plugins.Invocation;

namespace Herald.Server.Plugins.Loading;

/// <summary>The outcome of loading one checked package: the plugin and its factory type, or the sentence saying why not.</summary>
internal sealed record PluginLoadResult(LoadedPlugin? Plugin, Type? FactoryType, string? Error);

/// <summary>
/// Loads a package that passed the <see cref="CompatibilityChecker"/> into its own load context and finds its factory
/// type. No plugin code runs here: the caller runs the type's constructor through the invoker.
/// </summary>
/// <param name="environment">What the server shares with plugins.</param>
/// <param name="stateDirectory">Herald's plugin state folder; the per-plugin data folders are below it.</param>
/// <param name="newSlots">Makes the call slots of each loaded plugin.</param>
internal sealed class PluginLoader(ServerEnvironment environment, string stateDirectory, Func<CallSlots> newSlots)
{
    private readonly IReadOnlySet<string> shared = new HashSet<string>(environment.SharedAssemblies.Keys, StringComparer.OrdinalIgnoreCase);

    /// <summary>Loads <paramref name="descriptor"/>; on failure the context is unloaded again and the error says why.</summary>
    public PluginLoadResult Load(PluginDescriptor descriptor)
    {
        var context = new PluginLoadContext(descriptor.ModulePath, descriptor.EntryAssemblyPath, shared, environment.RuntimeIdentifiers);
        var plugin = new LoadedPlugin(descriptor, context, DataDirectoryOf(descriptor.ModulePath), newSlots());
        try
        {
            var type = ResolvePluginType(descriptor, context, out var error);
            if (type is null)
            {
                plugin.Unload();
                return new PluginLoadResult(null, null, error);
            }

            Directory.CreateDirectory(plugin.DataDirectory);
            return new PluginLoadResult(plugin, type, null);
        }
        catch (Exception e)
        {
            if (plugin.Context is not null)
            {
                plugin.Unload();
            }

            return new PluginLoadResult(null, null, CompatibilityMessages.TypeLoadFailed(descriptor.SourceName, e.Message));
        }
    }

    /// <summary>The per-plugin data folder: a file-system-safe form of the module path under the state folder.</summary>
    public string DataDirectoryOf(string modulePath) =>
        Path.Combine(stateDirectory, "data", new string(modulePath.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' ? c : '_').ToArray()));

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
