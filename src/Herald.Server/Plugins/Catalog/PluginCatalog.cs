using Herald.PluginApi;
using Herald.PluginHosting.Compatibility;
using Herald.PluginHosting.Staging;
using Herald.Server.Plugins.Invocation;
using Herald.Server.Plugins.Loading;

namespace Herald.Server.Plugins.Catalog;

/// <summary>What a change of the plugins folder means: the entries to unload (removed or replaced), then the ones to load.</summary>
/// <param name="Unload">Entries to unload, their instances torn down first.</param>
/// <param name="Load">Entries to load, in name order: new, replaced, and duplicates that may now be the only copy.</param>
internal sealed record FolderChanges(IReadOnlyList<PluginEntry> Unload, IReadOnlyList<(string Name, string Path)> Load);

/// <summary>
/// Which plugins the folder holds and which of them are loaded: scans the plugins folder, stages, checks and loads each
/// entry (running its factory's constructor through the invoker), unloads, and works out what a folder change means
/// for a hot swap. Never throws for a bad plugin: the entry then carries the sentence saying why. Not thread-safe
/// (the manager calls it under its lock), except <see cref="Scan"/>.
/// </summary>
internal sealed class PluginCatalog
{
    private readonly string pluginsDirectory;
    private readonly TimeSpan constructorTimeout;
    private readonly PluginInvoker invoker;
    private readonly UnloadTracker unloads;
    private readonly ILogger logger;
    private readonly PluginStager stager;
    private readonly Lazy<CompatibilityChecker> checker;
    private readonly Lazy<PluginLoader> loader;
    private readonly Dictionary<string, PluginEntry> entries = new(StringComparer.Ordinal);

    /// <param name="pluginsDirectory">Gotify's <c>pluginsdir</c>.</param>
    /// <param name="stateDirectory">Herald's plugin state folder (staged copies, data folders).</param>
    /// <param name="constructorTimeout">How long a factory's constructor may take.</param>
    /// <param name="newSlots">Makes the call slots of each loaded plugin.</param>
    /// <param name="invoker">The door into plugin code.</param>
    /// <param name="unloads">Watches unloaded versions go away.</param>
    /// <param name="logger">Says what was loaded and why not.</param>
    public PluginCatalog(string pluginsDirectory, string stateDirectory, TimeSpan constructorTimeout, Func<CallSlots> newSlots, PluginInvoker invoker, UnloadTracker unloads, ILogger logger)
    {
        this.pluginsDirectory = pluginsDirectory;
        this.constructorTimeout = constructorTimeout;
        this.invoker = invoker;
        this.unloads = unloads;
        this.logger = logger;
        stager = new PluginStager(Path.Combine(stateDirectory, "staging"));

        // Describing the server reads the metadata of every framework assembly: done when the first plugin needs it,
        // so a server without plugins neither pays for it at start nor keeps those pages resident.
        var environment = new Lazy<ServerEnvironment>(() => ServerEnvironment.Current(typeof(IPlugin).Assembly.GetName().Version!));
        checker = new Lazy<CompatibilityChecker>(() => new CompatibilityChecker(environment.Value));
        loader = new Lazy<PluginLoader>(() => new PluginLoader(environment.Value, stateDirectory, newSlots));
    }

    /// <summary>The loaded plugins.</summary>
    public IReadOnlyList<LoadedPlugin> Loaded => [.. entries.Values.Select(e => e.Plugin).OfType<LoadedPlugin>()];

    /// <summary>The module paths of the loaded plugins.</summary>
    public IReadOnlySet<string> LoadedModulePaths => Loaded.Select(p => p.ModulePath).ToHashSet(StringComparer.Ordinal);

    /// <summary>Every entry and its state, in folder order: what the manager publishes.</summary>
    public IReadOnlyList<PluginEntry> Snapshot() => [.. entries.Values.OrderBy(e => e.SourceName, StringComparer.Ordinal)];

    /// <summary>
    /// The folder's plugin entries: every name not starting with a dot, in ordinal order (Gotify reads in name order).
    /// Reads only the folder, so the watcher calls it without the manager's lock.
    /// </summary>
    public List<(string Name, string Path)> Scan()
    {
        var list = new List<(string, string)>();
        if (!Directory.Exists(pluginsDirectory))
        {
            return list;
        }

        foreach (var path in Directory.EnumerateFileSystemEntries(pluginsDirectory))
        {
            var name = Path.GetFileName(path);
            if (!name.StartsWith('.'))
            {
                list.Add((name, path));
            }
        }

        list.Sort((a, b) => string.CompareOrdinal(a.Item1, b.Item1));
        return list;
    }

    /// <summary>Stages, checks and loads one folder entry and adds it, loaded or with the sentence saying why not.</summary>
    public async Task<PluginEntry> LoadAsync(string name, string path, CancellationToken cancellationToken)
    {
        var kind = PluginSource.KindOf(path);
        var entry = new PluginEntry(name, path, kind, PluginStager.Fingerprint(path));
        entries[name] = entry;
        if (kind is null)
        {
            return Failed(entry, CompatibilityMessages.NotAPlugin(name));
        }

        if (stager.TryStage(name, path, kind.Value, out var stageError) is not { } staged)
        {
            return Failed(entry, stageError!);
        }

        var report = checker.Value.Check(name, kind.Value, staged, kind == PluginSourceKind.Dll ? name : null);
        entry.ModulePath = report.ModulePath;
        entry.Descriptor = report.Descriptor;
        entry.Warnings = report.Warnings;
        foreach (var warning in report.Warnings)
        {
            logger.LogWarning("{PluginWarning}", warning);
        }

        if (report.Descriptor is not { } descriptor)
        {
            return Failed(entry, report.Error!);
        }

        var other = entries.Values.FirstOrDefault(e => e.Plugin is not null && e.ModulePath == report.ModulePath && e.SourceName != name);
        if (other is not null)
        {
            entry.IsDuplicate = true;
            return Failed(entry, CompatibilityMessages.Duplicate(name, report.ModulePath!, other.SourceName));
        }

        var loaded = loader.Value.Load(descriptor);
        if (loaded.Plugin is not { } plugin)
        {
            return Failed(entry, loaded.Error!);
        }

        if (await ConstructAsync(plugin, loaded.FactoryType!, cancellationToken) is { } constructorError)
        {
            plugin.Unload();
            return Failed(entry, constructorError);
        }

        logger.LogInformation("Loaded plugin {ModulePath} {Version} from {Source}", descriptor.ModulePath, descriptor.Version, descriptor.SourceName);
        entry.Plugin = plugin;
        return entry;
    }

    /// <summary>Drops an entry and unloads its plugin; its instances must be torn down first.</summary>
    public void Unload(PluginEntry entry)
    {
        entries.Remove(entry.SourceName);
        if (entry.Plugin is not { } plugin)
        {
            return;
        }

        entry.Plugin = null;
        var version = plugin.Descriptor.Version;
        var weak = plugin.Unload();
        _ = unloads.Watch(weak, plugin.ModulePath, version, entry.SourceName, plugin.Descriptor.PackageDirectory);
    }

    /// <summary>
    /// Compares the folder with what is loaded: removed and changed entries are to be unloaded, new and changed ones
    /// loaded, and a duplicate is retried once anything went away (it may have become the only copy).
    /// </summary>
    public FolderChanges CompareWithFolder()
    {
        var current = Scan();
        var currentNames = current.Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        var unload = new List<PluginEntry>();
        var load = new List<(string Name, string Path)>();
        foreach (var entry in entries.Values)
        {
            if (!currentNames.Contains(entry.SourceName))
            {
                logger.LogInformation("Plugin {Source} was removed from the plugins folder; unloading it", entry.SourceName);
                unload.Add(entry);
            }
        }

        foreach (var (name, path) in current)
        {
            if (!entries.TryGetValue(name, out var entry))
            {
                logger.LogInformation("Plugin {Source} appeared in the plugins folder; loading it", name);
                load.Add((name, path));
            }
            else if (entry.Fingerprint != PluginStager.Fingerprint(path))
            {
                logger.LogInformation("Plugin {Source} changed in the plugins folder; replacing it", name);
                unload.Add(entry);
                load.Add((name, path));
            }
        }

        if (unload.Count > 0)
        {
            foreach (var duplicate in entries.Values.Where(e => e.IsDuplicate && !unload.Contains(e)).ToList())
            {
                entries.Remove(duplicate.SourceName);
                load.Add((duplicate.SourceName, duplicate.SourcePath));
            }
        }

        return new FolderChanges(unload, [.. load.OrderBy(c => c.Name, StringComparer.Ordinal)]);
    }

    /// <summary>Removes staged copies of versions no longer loaded.</summary>
    public void CleanStaging() =>
        stager.Clean(Loaded.Select(p => Path.GetFullPath(p.Descriptor.PackageDirectory)).ToHashSet());

    /// <summary>Removes every staged copy: at start nothing is loaded yet, so they are all left over from the previous run.</summary>
    public void CleanAllStaging() => stager.Clean(new HashSet<string>());

    /// <summary>Runs the factory's constructor (through the invoker, so a throwing or hanging one is contained); the sentence when it fails.</summary>
    private async Task<string?> ConstructAsync(LoadedPlugin plugin, Type type, CancellationToken cancellationToken)
    {
        var source = plugin.Descriptor.SourceName;
        try
        {
            plugin.Factory = await invoker.InvokeAsync(
                plugin.Call(null, $"{type.Name} constructor", constructorTimeout),
                _ => Task.FromResult((IPluginFactory)Activator.CreateInstance(type)!),
                cancellationToken);
            return null;
        }
        catch (PluginCallException e) when (e.Failure == PluginCallFailure.Threw)
        {
            return $"Plugin '{source}' could not be instantiated: the constructor of {type.FullName} threw {e.ExceptionType}: {e.Message.TrimEnd('.')}; fix the constructor (start work in EnableAsync, not in the constructor).";
        }
        catch (PluginCallException e)
        {
            return $"Plugin '{source}' could not be instantiated: {e.Message}; fix the constructor of {type.FullName} (start work in EnableAsync, not in the constructor).";
        }
    }

    private PluginEntry Failed(PluginEntry entry, string error)
    {
        entry.Error = error;
        logger.LogError("Plugin {Source} was not loaded: {Reason}", entry.SourceName, error);
        return entry;
    }
}
