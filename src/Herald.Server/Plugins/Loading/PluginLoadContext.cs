using System.Reflection;
using System.Runtime.Loader;

namespace Herald.Server.Plugins.Loading;

/// <summary>
/// The load context of one plugin version. Shares with the server exactly the plugin API and the framework (the
/// runtime answers those from the default context); everything else comes from the plugin's own package, so two
/// plugins, or a plugin and the server, can use different versions of the same library side by side.
/// </summary>
/// <remarks>
/// Collectible, so that a replaced or deleted plugin can be unloaded without a restart. Built from the entry assembly's
/// path, not its folder: <see cref="AssemblyDependencyResolver"/> reads the entry's <c>.deps.json</c> and resolves
/// nothing when given a directory.
/// </remarks>
internal sealed class PluginLoadContext : AssemblyLoadContext
{
    private readonly AssemblyDependencyResolver resolver;
    private readonly IReadOnlySet<string> shared;
    private readonly string packageDirectory;
    private readonly IReadOnlyList<string> runtimeIdentifiers;

    public PluginLoadContext(string modulePath, string entryAssemblyPath, IReadOnlySet<string> shared, IReadOnlyList<string> runtimeIdentifiers)
        : base("plugin:" + modulePath, isCollectible: true)
    {
        ModulePath = modulePath;
        resolver = new AssemblyDependencyResolver(entryAssemblyPath);
        this.shared = shared;
        packageDirectory = Path.GetDirectoryName(entryAssemblyPath)!;
        this.runtimeIdentifiers = runtimeIdentifiers;
    }

    /// <summary>The plugin this context belongs to; crash attribution maps stack frames to it.</summary>
    public string ModulePath { get; }

    /// <summary>The module path of the plugin <paramref name="assembly"/> was loaded for; null for the server's and the framework's.</summary>
    public static string? ModulePathOf(Assembly assembly) => GetLoadContext(assembly) is PluginLoadContext context ? context.ModulePath : null;

    protected override Assembly? Load(AssemblyName assemblyName)
    {
        if (assemblyName.Name is null || shared.Contains(assemblyName.Name))
        {
            // The server's copy from the default context; a copy in the plugin package is never loaded.
            return null;
        }

        var path = resolver.ResolveAssemblyToPath(assemblyName);
        if (path is null)
        {
            var probe = Path.Combine(packageDirectory, assemblyName.Name + ".dll");
            path = File.Exists(probe) ? probe : null;
        }

        if (path is null)
        {
            // Returning null would let the default context hand out the server's private copy (its YamlDotNet, its
            // SQLite): a hidden coupling that breaks on the next server upgrade. The compatibility check reports this
            // before loading; this is the backstop for assemblies only reached through reflection.
            throw new FileNotFoundException(
                $"{assemblyName.Name} {assemblyName.Version} is not in the package of plugin {ModulePath} and is not shared by the server; publish the plugin with its dependencies.",
                assemblyName.Name);
        }

        return LoadFromAssemblyPath(path);
    }

    protected override IntPtr LoadUnmanagedDll(string unmanagedDllName)
    {
        var path = resolver.ResolveUnmanagedDllToPath(unmanagedDllName) ?? ProbeNative(unmanagedDllName);
        return path is null ? IntPtr.Zero : LoadUnmanagedDllFromPath(path);
    }

    /// <summary>
    /// runtimes/&lt;rid&gt;/native/ of the package, walking the portable RIDs from specific to generic; covers packages
    /// without a .deps.json (a hand-made zip) and the platform's file-name conventions (foo → libfoo.so, foo.dll).
    /// </summary>
    private string? ProbeNative(string name)
    {
        var candidates = new List<string> { name };
        if (OperatingSystem.IsWindows())
        {
            candidates.Add(name + ".dll");
        }
        else
        {
            var extension = OperatingSystem.IsMacOS() ? ".dylib" : ".so";
            candidates.Add(name + extension);
            candidates.Add("lib" + name + extension);
            candidates.Add("lib" + name);
        }

        foreach (var rid in runtimeIdentifiers)
        {
            foreach (var candidate in candidates)
            {
                var path = Path.Combine(packageDirectory, "runtimes", rid, "native", candidate);
                if (File.Exists(path))
                {
                    return path;
                }
            }
        }

        foreach (var candidate in candidates)
        {
            var path = Path.Combine(packageDirectory, candidate);
            if (File.Exists(path))
            {
                return path;
            }
        }

        return null;
    }
}
