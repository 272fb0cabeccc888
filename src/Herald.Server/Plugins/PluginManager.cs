using System.Collections.Concurrent;
using Herald.PluginHosting.Compatibility;
using Herald.PluginHosting.Staging;
using Herald.Server.Model;
using Herald.Server.Plugins.Catalog;
using Herald.Server.Plugins.Instances;
using Herald.Server.Plugins.Invocation;
using Herald.Server.Plugins.Loading;
using Herald.Server.Services;
using Herald.Server.Storage;

namespace Herald.Server.Plugins;

/// <summary>
/// Gotify's plugin manager, rebuilt: loads every entry of the plugins folder into its own load context, keeps one
/// instance per (plugin, user), applies folder changes while running, and answers the /plugin API. One mutex
/// serializes everything that changes which plugins and instances exist or run (as Gotify's manager mutex does);
/// request paths read immutable snapshots and never wait on it.
/// </summary>
internal sealed partial class PluginManager : IAsyncDisposable
{
    private readonly PluginHostOptions options;
    private readonly IHeraldStore store;
    private readonly MessageService messages;
    private readonly SubscriptionHub subscriptions;
    private readonly PluginInvoker invoker;
    private readonly ILoggerFactory loggerFactory;
    private readonly ILogger<PluginManager> logger;
    private readonly TimeProvider time;
    private readonly PluginConfWriter confs;
    private readonly SemaphoreSlim mutex = new(1, 1);
    private readonly Dictionary<string, PluginEntry> entries = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<long, PluginInstance> instances = new();
    private readonly ConcurrentDictionary<string, PluginInstance> instancesByToken = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource stopping = new();
    private IReadOnlyList<PluginEntry> entrySnapshot = [];
    private IReadOnlyDictionary<string, string> crashedLastRun = new Dictionary<string, string>();
    private CrashJournal? crashJournal;
    private Task? watcher;

    public PluginManager(
        PluginHostOptions options,
        IHeraldStore store,
        MessageService messages,
        SubscriptionHub subscriptions,
        PluginInvoker invoker,
        UnloadTracker unloads,
        ILoggerFactory loggerFactory,
        TimeProvider time)
    {
        this.options = options;
        this.store = store;
        this.messages = messages;
        this.subscriptions = subscriptions;
        this.invoker = invoker;
        this.loggerFactory = loggerFactory;
        this.time = time;
        Unloads = unloads;
        logger = loggerFactory.CreateLogger<PluginManager>();
        confs = new PluginConfWriter(store);
        // Describing the server reads the metadata of every framework assembly: done when the first plugin needs it,
        // so a server without plugins neither pays for it at start nor keeps those pages resident.
        environment = new Lazy<ServerEnvironment>(() => ServerEnvironment.Current(typeof(PluginApi.IPlugin).Assembly.GetName().Version!));
        checker = new Lazy<CompatibilityChecker>(() => new CompatibilityChecker(Environment));
        loader = new Lazy<PluginLoader>(() => new PluginLoader(invoker, Environment, options, loggerFactory.CreateLogger<PluginLoader>()));
        Stager = new PluginStager(Path.Combine(options.StateDirectory, "staging"));
    }

    private readonly Lazy<ServerEnvironment> environment;
    private readonly Lazy<CompatibilityChecker> checker;
    private readonly Lazy<PluginLoader> loader;

    /// <summary>What this server provides to plugins.</summary>
    public ServerEnvironment Environment => environment.Value;

    public CompatibilityChecker Checker => checker.Value;

    public PluginStager Stager { get; }

    public PluginLoader Loader => loader.Value;

    public UnloadTracker Unloads { get; }

    public PluginHostOptions Options => options;

    /// <summary>The database, for the listing.</summary>
    public Storage.IHeraldStore Store => store;

    /// <summary>Whether plugins are enabled at all (a non-empty <c>pluginsdir</c>).</summary>
    public bool IsEnabled => !string.IsNullOrEmpty(options.PluginsDirectory);

    /// <summary>Every folder entry and its state, in folder order.</summary>
    public IReadOnlyList<PluginEntry> Entries => Volatile.Read(ref entrySnapshot);

    /// <summary>The live instance with <paramref name="confId"/>, if any.</summary>
    public PluginInstance? FindInstance(long confId) => instances.GetValueOrDefault(confId);

    /// <summary>The live instance whose webhook token is <paramref name="token"/>, if any.</summary>
    public PluginInstance? FindInstanceByToken(string token) => instancesByToken.GetValueOrDefault(token);

    /// <summary>
    /// Loads the folder, creates every user's instances (enabling those left enabled), and starts watching the folder.
    /// A plugin that fails never stops the start: it is listed with the reason instead.
    /// </summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!IsEnabled)
        {
            logger.LogInformation("Plugins are disabled (empty pluginsdir)");
            return;
        }

        Directory.CreateDirectory(options.PluginsDirectory);
        Directory.CreateDirectory(options.StateDirectory);
        crashJournal = new CrashJournal(options.StateDirectory, logger);
        crashedLastRun = crashJournal.TakeRecords();
        crashJournal.Attach();

        // Nothing is loaded yet, so every staged copy is left over from the previous run.
        Stager.Clean(new HashSet<string>());

        await mutex.WaitAsync(cancellationToken);
        try
        {
            foreach (var (name, path) in ScanFolder())
            {
                var entry = await LoadEntryAsync(name, path, cancellationToken);
                entries[name] = entry;
            }

            PublishEntries();
            var users = await store.GetUsersAsync(cancellationToken);
            foreach (var user in users)
            {
                foreach (var entry in entries.Values.Where(e => e.Plugin is not null))
                {
                    await InitializeInstanceAsync(entry.Plugin!, user, cancellationToken);
                }

                await UpdateInternalApplicationsAsync(user.Id, cancellationToken);
            }
        }
        finally
        {
            mutex.Release();
        }

        var loaded = Entries.Count(e => e.Plugin is not null);
        logger.LogInformation("Plugins: {Loaded} loaded, {Failed} failed, from {Directory}", loaded, Entries.Count - loaded, Path.GetFullPath(options.PluginsDirectory));
        if (options.WatchFolder)
        {
            watcher = Task.Run(() => WatchFolderAsync(stopping.Token), CancellationToken.None);
        }
    }

    /// <summary>
    /// Stops watching, stops every instance's work (calling DisableAsync, without persisting it) and detaches the crash
    /// journal. Never throws: the host's shutdown must end with exit code 0 whatever a plugin does.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await stopping.CancelAsync();
        try
        {
            if (watcher is not null)
            {
                await watcher.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }

            await mutex.WaitAsync(cancellationToken);
            try
            {
                foreach (var instance in instances.Values)
                {
                    await TeardownInstanceAsync(instance, callDisable: instance.Enabled, cancellationToken);
                }

                instances.Clear();
                instancesByToken.Clear();
            }
            finally
            {
                mutex.Release();
            }
        }
        catch (OperationCanceledException)
        {
            logger.LogWarning("Shutdown did not wait for every plugin instance to stop");
        }
        finally
        {
            crashJournal?.Detach();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!stopping.IsCancellationRequested)
        {
            await StopAsync(CancellationToken.None);
        }

        // Not disposed: a fault report or unload check still in flight may read the token or the writer.
        await Unloads.WhenIdleAsync().ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    /// <summary>The folder's plugin entries: every name not starting with a dot, in ordinal order (Gotify reads in name order).</summary>
    private List<(string Name, string Path)> ScanFolder()
    {
        var list = new List<(string, string)>();
        if (!Directory.Exists(options.PluginsDirectory))
        {
            return list;
        }

        foreach (var path in Directory.EnumerateFileSystemEntries(options.PluginsDirectory))
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

    private void PublishEntries() =>
        Volatile.Write(ref entrySnapshot, entries.Values.OrderBy(e => e.SourceName, StringComparer.Ordinal).ToList());

    private static PluginSourceKind? KindOf(string path) =>
        Directory.Exists(path) ? PluginSourceKind.Folder
        : path.EndsWith(".zip", StringComparison.OrdinalIgnoreCase) ? PluginSourceKind.Zip
        : path.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) ? PluginSourceKind.Dll
        : null;
}
