using Herald.PluginApi;
using Microsoft.Extensions.Logging;

namespace Herald.PluginTesting;

/// <summary>The <see cref="IPluginContext"/> the harness hands the factory: a recording logger, a temp data folder, tracked background work.</summary>
internal sealed class HarnessContext(string dataDirectory) : IPluginContext, ILogger
{
    private readonly Lock gate = new();
    private readonly List<string> log = [];
    private readonly List<(string Name, Task Work, CancellationTokenSource Stop)> background = [];
    private readonly List<Exception> failures = [];

    public ILogger Logger => this;

    public string DataDirectory { get; } = dataDirectory;

    public IReadOnlyList<string> Log
    {
        get
        {
            lock (gate)
            {
                return log.ToList();
            }
        }
    }

    public IReadOnlyList<Exception> BackgroundFailures
    {
        get
        {
            lock (gate)
            {
                return failures.ToList();
            }
        }
    }

    public void RunInBackground(string name, Func<CancellationToken, Task> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        var stop = new CancellationTokenSource();
        var task = Task.Run(
            async () =>
            {
                try
                {
                    await work(stop.Token);
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                }
                catch (Exception e)
                {
                    lock (gate)
                    {
                        failures.Add(e);
                        log.Add($"Error: background work '{name}' failed: {e.Message}");
                    }
                }
            },
            CancellationToken.None);
        lock (gate)
        {
            background.Add((name, task, stop));
        }
    }

    /// <summary>Cancels all background work and waits for it, as the host does after DisableAsync.</summary>
    public async Task StopBackgroundAsync(TimeSpan timeout)
    {
        List<(string Name, Task Work, CancellationTokenSource Stop)> running;
        lock (gate)
        {
            running = background.ToList();
            background.Clear();
        }

        foreach (var item in running)
        {
            await item.Stop.CancelAsync();
        }

        try
        {
            await Task.WhenAll(running.Select(r => r.Work)).WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            lock (gate)
            {
                log.Add($"Warning: background work did not stop within {timeout.TotalSeconds} s");
            }
        }

        foreach (var item in running)
        {
            item.Stop.Dispose();
        }
    }

    IDisposable? ILogger.BeginScope<TState>(TState state) => null;

    bool ILogger.IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

    void ILogger.Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var line = $"{logLevel}: {formatter(state, exception)}{(exception is null ? string.Empty : " " + exception.Message)}";
        lock (gate)
        {
            log.Add(line);
        }
    }
}
