using Herald.PluginApi;
using Herald.Server.Plugins.Invocation;
using Herald.Server.Plugins.Loading;

namespace Herald.Server.Plugins.Instances;

/// <summary>
/// The <see cref="IPluginContext"/> of one instance, and the owner of its background work: the host, not the plugin,
/// starts and stops it, so nothing keeps running (or keeps the old version in memory) after a disable or an upgrade.
/// </summary>
internal sealed class InstanceContext(LoadedPlugin plugin, long userId, ILogger logger, PluginInvoker invoker, Action<string> onBackgroundFailure) : IPluginContext, IDisposable
{
    private readonly Lock gate = new();
    private readonly List<Task> running = [];
    private CancellationTokenSource stopping = new();
    private bool closed;

    public ILogger Logger { get; } = logger;

    public string DataDirectory => plugin.DataDirectory;

    public void RunInBackground(string name, Func<CancellationToken, Task> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        CancellationToken token;
        lock (gate)
        {
            if (closed)
            {
                throw new InvalidOperationException("The plugin instance was unloaded; it cannot start background work.");
            }

            token = stopping.Token;
            running.RemoveAll(t => t.IsCompleted);
        }

        var task = invoker.RunBackgroundAsync(plugin.ModulePath, userId, name, work, onBackgroundFailure, token);
        lock (gate)
        {
            running.Add(task);
        }
    }

    /// <summary>Cancels the background work and waits up to <paramref name="timeout"/> for it to end; later work gets a fresh token.</summary>
    public async Task StopBackgroundAsync(TimeSpan timeout, bool close)
    {
        Task[] tasks;
        CancellationTokenSource old;
        lock (gate)
        {
            tasks = [.. running];
            running.Clear();
            old = stopping;
            stopping = new CancellationTokenSource();
            closed |= close;
        }

        await old.CancelAsync();
        if (tasks.Length > 0)
        {
            try
            {
                await Task.WhenAll(tasks).WaitAsync(timeout);
            }
            catch (TimeoutException)
            {
                Logger.LogWarning("Background work of plugin {ModulePath} for user {UserId} did not stop within {Timeout} of being cancelled", plugin.ModulePath, userId, timeout);
            }
        }

        old.Dispose();
    }

    public void Dispose()
    {
        lock (gate)
        {
            closed = true;
            stopping.Dispose();
        }
    }
}
