using Herald.Server.Model;
using Herald.Server.Plugins.Catalog;
using Herald.Server.Plugins.Instances;
using Herald.Server.Plugins.Invocation;
using Herald.Server.Plugins.Loading;
using Herald.Server.Services;
using Herald.Server.Storage;

namespace Herald.Server.Plugins;

/// <summary>
/// Gotify's plugin manager, rebuilt from named parts: the <see cref="PluginCatalog"/> (what the folder holds and what
/// is loaded), the <see cref="InstanceLifecycle"/> (one instance per plugin and user, from creation to teardown) and
/// <see cref="InstanceCalls"/> (config and display on a user's behalf). The manager keeps what they share: one mutex
/// serializing everything that changes which plugins and instances exist or run (as Gotify's manager mutex does), the
/// user events, and the snapshots request paths read without waiting on it. It knows no HTTP: a refused request is a
/// <see cref="PluginRequestException"/>, which Plugins/Http answers in Gotify's format.
/// </summary>
internal sealed class PluginManager : IAsyncDisposable
{
    private readonly PluginHostOptions options;
    private readonly IHeraldStore store;
    private readonly PluginCatalog catalog;
    private readonly InstanceRegistry registry;
    private readonly InstanceRecords records;
    private readonly PluginConfWriter confs;
    private readonly InstanceLifecycle lifecycle;
    private readonly UnloadTracker unloads;
    private readonly TimeProvider time;
    private readonly ILogger<PluginManager> logger;
    private readonly SemaphoreSlim mutex = new(1, 1);
    private readonly CancellationTokenSource stopping = new();
    private IReadOnlyList<PluginEntry> entrySnapshot = [];
    private IReadOnlyDictionary<string, string> crashedLastRun = new Dictionary<string, string>();
    private CrashJournal? crashJournal;
    private Task? watcher;

    public PluginManager(
        PluginHostOptions options,
        IHeraldStore store,
        ApplicationService applications,
        MessageService messages,
        SubscriptionHub subscriptions,
        PluginInvoker invoker,
        UnloadTracker unloads,
        ILoggerFactory loggerFactory,
        TimeProvider time)
    {
        this.options = options;
        this.store = store;
        this.unloads = unloads;
        this.time = time;
        logger = loggerFactory.CreateLogger<PluginManager>();
        confs = new PluginConfWriter(store);
        records = new InstanceRecords(store, applications, time);
        registry = new InstanceRegistry(subscriptions);
        catalog = new PluginCatalog(
            options.PluginsDirectory,
            options.StateDirectory,
            options.LifecycleTimeout,
            () => new CallSlots(options.ConcurrencyLimit, options.InstanceConcurrencyLimit),
            invoker,
            unloads,
            loggerFactory.CreateLogger<PluginCatalog>());
        var timeouts = new InstanceTimeouts(options.LifecycleTimeout, options.ConfigTimeout, options.MessageTimeout, options.BackgroundStopTimeout);
        var setup = new ServerSetupSteps(records, confs, store, messages, invoker, options.ConfigTimeout, loggerFactory.CreateLogger<ServerSetupSteps>());
        lifecycle = new InstanceLifecycle(registry, records, confs, setup, invoker, timeouts, loggerFactory, FaultAsync);
        Calls = new InstanceCalls(confs, invoker, options.ConfigTimeout, FaultAsync);
    }

    /// <summary>Config and display calls into live instances.</summary>
    public InstanceCalls Calls { get; }

    /// <summary>How long a webhook call may take once the host has its whole request body.</summary>
    public TimeSpan WebhookTimeout => options.WebhookTimeout;

    /// <summary>Whether plugins are enabled at all (a non-empty <c>pluginsdir</c>).</summary>
    public bool IsEnabled => !string.IsNullOrEmpty(options.PluginsDirectory);

    /// <summary>Every folder entry and its state, in folder order.</summary>
    public IReadOnlyList<PluginEntry> Entries => Volatile.Read(ref entrySnapshot);

    /// <summary>The live instance with <paramref name="confId"/>, if any.</summary>
    public PluginInstance? FindInstance(long confId) => registry.Find(confId);

    /// <summary>The live instance whose webhook token is <paramref name="token"/>, if any.</summary>
    public PluginInstance? FindInstanceByToken(string token) => registry.FindByToken(token);

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
        crashJournal = new CrashJournal(options.StateDirectory, PluginLoadContext.ModulePathOf, time, logger);
        crashedLastRun = crashJournal.TakeRecords();
        crashJournal.Attach();
        catalog.CleanAllStaging();

        await mutex.WaitAsync(cancellationToken);
        try
        {
            foreach (var (name, path) in catalog.Scan())
            {
                await catalog.LoadAsync(name, path, cancellationToken);
            }

            PublishEntries();
            foreach (var user in await store.GetUsersAsync(cancellationToken))
            {
                await InitializeForUserAsync(catalog.Loaded, user, cancellationToken);
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
            var folder = new PluginFolderWatcher(catalog, () => Entries, SyncFolderAsync, options.PollInterval, time, logger);
            watcher = Task.Run(() => folder.RunAsync(stopping.Token), CancellationToken.None);
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
                foreach (var instance in registry.All())
                {
                    await lifecycle.TeardownAsync(instance, callDisable: instance.Enabled, cancellationToken);
                }

                registry.Clear();
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
        await unloads.WhenIdleAsync().ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    /// <summary>
    /// Applies the folder as it is now (the hot swap): removed and changed entries are unloaded (their instances
    /// disabled first), new and changed ones loaded, and their instances created for every user from the stored state,
    /// so an upgrade keeps each user's enabled state, config and storage.
    /// </summary>
    public async Task SyncFolderAsync(CancellationToken cancellationToken)
    {
        await mutex.WaitAsync(cancellationToken);
        try
        {
            var changes = catalog.CompareWithFolder();
            foreach (var entry in changes.Unload)
            {
                if (entry.Plugin is { } plugin)
                {
                    foreach (var instance in registry.OfPlugin(plugin))
                    {
                        await lifecycle.TeardownAsync(instance, callDisable: instance.Enabled, cancellationToken);
                    }
                }

                catalog.Unload(entry);
            }

            var users = await store.GetUsersAsync(cancellationToken);
            foreach (var (name, path) in changes.Load)
            {
                if ((await catalog.LoadAsync(name, path, cancellationToken)).Plugin is { } plugin)
                {
                    foreach (var user in users)
                    {
                        await InitializeForUserAsync([plugin], user, cancellationToken);
                    }
                }
            }

            foreach (var user in users)
            {
                await UpdateInternalApplicationsAsync(user.Id, cancellationToken);
            }

            PublishEntries();
            catalog.CleanStaging();
        }
        finally
        {
            mutex.Release();
        }
    }

    /// <summary>Creates the instances of a new user (Gotify: OnUserAdded → InitializeForUserID).</summary>
    public async Task OnUserCreatedAsync(User user, CancellationToken cancellationToken)
    {
        if (!IsEnabled)
        {
            return;
        }

        await mutex.WaitAsync(cancellationToken);
        try
        {
            await InitializeForUserAsync(catalog.Loaded, user, cancellationToken);
            await UpdateInternalApplicationsAsync(user.Id, cancellationToken);
        }
        finally
        {
            mutex.Release();
        }
    }

    /// <summary>
    /// Disables and drops a user's instances before the user's rows are deleted. As in Gotify, a plugin whose
    /// DisableAsync throws aborts the deletion; one that hangs does not (it is abandoned).
    /// </summary>
    public async Task OnUserDeletingAsync(User user, CancellationToken cancellationToken)
    {
        if (!IsEnabled)
        {
            return;
        }

        await mutex.WaitAsync(cancellationToken);
        try
        {
            foreach (var instance in registry.OfUser(user.Id))
            {
                await lifecycle.RemoveForDeletedUserAsync(instance, cancellationToken);
            }
        }
        finally
        {
            mutex.Release();
        }
    }

    /// <summary>
    /// The /plugin/{id} lookup, with Gotify's refusals: <see cref="PluginRefusal.UnknownPlugin"/> for a missing conf or
    /// one of another user, <see cref="PluginRefusal.InstanceNotFound"/> for a conf whose plugin is not loaded.
    /// </summary>
    public async Task<PluginInstance> RequireInstanceAsync(long userId, long confId, CancellationToken cancellationToken)
    {
        var conf = await store.GetPluginConfByIdAsync(confId, cancellationToken);
        if (conf is null || conf.UserId != userId)
        {
            throw PluginRequestException.UnknownPlugin();
        }

        return FindInstance(confId) ?? throw PluginRequestException.InstanceNotFound();
    }

    /// <summary>
    /// Enables or disables an instance, as Gotify's SetPluginEnabled: refused when already in that state, failed with
    /// the plugin's error text when its EnableAsync/DisableAsync throws (state unchanged). A call that times out
    /// disables the instance, with the reason shown to the user; one that finds no free slot is busy and changes nothing.
    /// </summary>
    public async Task SetEnabledAsync(PluginInstance instance, bool enable, CancellationToken cancellationToken)
    {
        await mutex.WaitAsync(cancellationToken);
        try
        {
            var conf = await confs.ReadAsync(instance.ConfId, cancellationToken) ?? throw PluginRequestException.UnknownPlugin();
            if (!registry.Contains(instance.ConfId))
            {
                throw PluginRequestException.InstanceNotFound();
            }

            if (conf.Enabled == enable)
            {
                throw PluginRequestException.AlreadyInState();
            }

            if (enable)
            {
                await lifecycle.EnableRequestedAsync(instance, cancellationToken);
            }
            else
            {
                await lifecycle.DisableRequestedAsync(instance, cancellationToken);
            }

            // Re-read before writing: the plugin may have saved storage while enabling (Gotify's #188).
            await confs.UpdateAsync(instance.ConfId, c => c with { Enabled = enable }, cancellationToken);
        }
        finally
        {
            mutex.Release();
        }
    }

    /// <summary>
    /// Disables a misbehaving instance (background work failed, a call timed out) under the lock. Runs on its own: it
    /// may be triggered from inside a call the manager is waiting on.
    /// </summary>
    private async Task FaultAsync(PluginInstance instance, string reason)
    {
        await Task.Yield();
        await mutex.WaitAsync(stopping.Token).ConfigureAwait(false);
        try
        {
            if (registry.Contains(instance.ConfId))
            {
                await lifecycle.DisableFaultedAsync(instance, reason, stopping.Token);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Shutting down.
        }
        finally
        {
            mutex.Release();
        }
    }

    private async Task InitializeForUserAsync(IReadOnlyList<LoadedPlugin> plugins, User user, CancellationToken cancellationToken)
    {
        foreach (var plugin in plugins)
        {
            await lifecycle.InitializeAsync(plugin, user, crashedLastRun.GetValueOrDefault(plugin.ModulePath), cancellationToken);
        }
    }

    private Task UpdateInternalApplicationsAsync(long userId, CancellationToken cancellationToken) =>
        records.UpdateInternalApplicationsAsync(userId, catalog.LoadedModulePaths, cancellationToken);

    private void PublishEntries() => Volatile.Write(ref entrySnapshot, catalog.Snapshot());
}
