using Herald.PluginHosting.Staging;

namespace Herald.Server.Plugins.Loading;

/// <summary>The result of unloading one plugin version.</summary>
/// <param name="Collected">True when the load context was garbage-collected; false when something still references it.</param>
internal sealed record UnloadOutcome(string ModulePath, string Version, string SourceName, bool Collected);

/// <summary>
/// Watches unloaded load contexts until the garbage collector takes them, and says so in the log; when a plugin holds on
/// to its own code (a static event subscription, a timer, a thread), says that its memory is freed on restart.
/// </summary>
internal sealed class UnloadTracker(ILogger<UnloadTracker> logger)
{
    private readonly Lock gate = new();
    private readonly List<Task<UnloadOutcome>> pending = [];

    /// <summary>Raised after each check; tests await it.</summary>
    public event Action<UnloadOutcome>? Completed;

    /// <summary>Starts checking <paramref name="context"/> (a weak reference to the unloaded context).</summary>
    public Task<UnloadOutcome> Watch(WeakReference context, string modulePath, string version, string sourceName, string stagedDirectory)
    {
        var task = Task.Run(async () =>
        {
            // The docs' recipe: collect and finalize repeatedly; unloading needs several rounds because finalizers of
            // the plugin's objects run first, then the context's own.
            for (var attempt = 0; attempt < 20 && context.IsAlive; attempt++)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
                if (context.IsAlive)
                {
                    await Task.Delay(50);
                }
            }

            var collected = !context.IsAlive;
            if (collected)
            {
                logger.LogInformation("Plugin {ModulePath} {Version} from {Source} was unloaded and its memory freed", modulePath, version, sourceName);
                PluginStager.TryDelete(stagedDirectory);
            }
            else
            {
                logger.LogWarning(
                    "Plugin {ModulePath} {Version} from {Source} was disabled and unloaded, but something still references its code (a static field, event handler, timer or thread of the plugin), so its memory is freed on restart",
                    modulePath,
                    version,
                    sourceName);
            }

            var outcome = new UnloadOutcome(modulePath, version, sourceName, collected);
            Completed?.Invoke(outcome);
            return outcome;
        });
        lock (gate)
        {
            pending.RemoveAll(t => t.IsCompleted);
            pending.Add(task);
        }

        return task;
    }

    /// <summary>Waits for every check in progress (shutdown, tests).</summary>
    public Task WhenIdleAsync()
    {
        lock (gate)
        {
            return Task.WhenAll(pending);
        }
    }
}
