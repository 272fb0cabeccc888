using Herald.PluginHosting.Staging;

namespace Herald.Server.Plugins.Catalog;

/// <summary>
/// Polls the plugins folder and applies a change once it held still for one poll interval (a zip still being copied
/// changes between polls). Polling rather than file-system events: the same on every OS, on network and container
/// mounts, and for folders replaced file by file.
/// </summary>
/// <param name="catalog">Scans the folder.</param>
/// <param name="loaded">The entries as last applied (the manager's published snapshot).</param>
/// <param name="apply">Applies the folder as it is now (the manager's hot swap, under its lock).</param>
/// <param name="interval">How often the folder is compared with what is loaded.</param>
/// <param name="time">The clock the polls follow.</param>
/// <param name="logger">Says when applying a change failed.</param>
internal sealed class PluginFolderWatcher(
    PluginCatalog catalog,
    Func<IReadOnlyList<PluginEntry>> loaded,
    Func<CancellationToken, Task> apply,
    TimeSpan interval,
    TimeProvider time,
    ILogger logger)
{
    /// <summary>Watches until <paramref name="cancellationToken"/> is cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        Dictionary<string, string>? previous = null;
        using var timer = new PeriodicTimer(interval, time);
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await timer.WaitForNextTickAsync(cancellationToken);
                var current = catalog.Scan().ToDictionary(e => e.Name, e => PluginStager.Fingerprint(e.Path), StringComparer.Ordinal);
                var applied = loaded().ToDictionary(e => e.SourceName, e => e.Fingerprint, StringComparer.Ordinal);
                var differs = current.Count != applied.Count || current.Any(c => !applied.TryGetValue(c.Key, out var f) || f != c.Value);
                if (differs && previous is not null && SameAs(previous, current))
                {
                    await apply(cancellationToken);
                    previous = null;
                    continue;
                }

                previous = differs ? current : null;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogError(e, "Applying changes of the plugins folder failed; retrying at the next change");
                previous = null;
            }
        }
    }

    private static bool SameAs(Dictionary<string, string> a, Dictionary<string, string> b) =>
        a.Count == b.Count && a.All(kv => b.TryGetValue(kv.Key, out var v) && v == kv.Value);
}
