using Herald.PluginHosting.Compatibility;
using Herald.PluginHosting.Staging;
using Herald.Server.Plugins.Catalog;
using Herald.Server.Plugins.Instances;

namespace Herald.Server.Plugins;

internal sealed partial class PluginManager
{
    /// <summary>
    /// Stages, checks and loads one folder entry. Never throws for a bad plugin: the entry then carries the sentence
    /// saying why, which the log, <c>GET /plugin</c> and the UI show.
    /// </summary>
    private async Task<PluginEntry> LoadEntryAsync(string name, string path, CancellationToken cancellationToken)
    {
        var kind = KindOf(path);
        var entry = new PluginEntry(name, path, kind, PluginStagerFingerprint(path));
        if (kind is null)
        {
            return Failed(entry, CompatibilityMessages.NotAPlugin(name));
        }

        string staged;
        try
        {
            staged = Stager.Stage(path, kind.Value);
        }
        catch (PackageException e)
        {
            return Failed(entry, CompatibilityMessages.Package(name, e.Problem, e.Remedy));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Failed(entry, CompatibilityMessages.Package(name, $"cannot be read ({e.Message.TrimEnd('.')})", "check its permissions and copy it again"));
        }

        var report = Checker.Check(name, kind.Value, staged, kind == PluginSourceKind.Dll ? name : null);
        entry.ModulePath = report.ModulePath;
        entry.Descriptor = report.Descriptor;
        entry.Warnings = report.Warnings;
        foreach (var warning in report.Warnings)
        {
            logger.LogWarning("{PluginWarning}", warning);
        }

        if (report.Descriptor is null)
        {
            return Failed(entry, report.Error!);
        }

        var other = entries.Values.FirstOrDefault(e => e.Plugin is not null && e.ModulePath == report.ModulePath && e.SourceName != name);
        if (other is not null)
        {
            entry.IsDuplicate = true;
            return Failed(entry, CompatibilityMessages.Duplicate(name, report.ModulePath!, other.SourceName));
        }

        var result = await Loader.LoadAsync(report.Descriptor, cancellationToken);
        if (result.Plugin is null)
        {
            return Failed(entry, result.Error!);
        }

        entry.Plugin = result.Plugin;
        return entry;

        PluginEntry Failed(PluginEntry failed, string error)
        {
            failed.Error = error;
            logger.LogError("Plugin {Source} was not loaded: {Reason}", name, error);
            return failed;
        }
    }

    private static string PluginStagerFingerprint(string path) => PluginStager.Fingerprint(path);

    /// <summary>Disables (without persisting) and drops every instance of the entry's plugin, then unloads it.</summary>
    private async Task UnloadEntryAsync(PluginEntry entry, CancellationToken cancellationToken)
    {
        entries.Remove(entry.SourceName);
        var plugin = entry.Plugin;
        if (plugin is null)
        {
            return;
        }

        foreach (var instance in instances.Values.Where(i => i.Plugin == plugin).ToList())
        {
            await TeardownInstanceAsync(instance, callDisable: instance.Enabled, cancellationToken);
        }

        entry.Plugin = null;
        var version = plugin.Descriptor.Version;
        var weak = plugin.Unload();
        _ = Unloads.Watch(weak, plugin.ModulePath, version, entry.SourceName, plugin.Descriptor.PackageDirectory);
    }

    /// <summary>
    /// Polls the folder and applies a change once it held still for one poll interval (a zip still being copied
    /// changes between polls). Polling rather than file-system events: the same on every OS, on network and container
    /// mounts, and for folders replaced file by file.
    /// </summary>
    private async Task WatchFolderAsync(CancellationToken cancellationToken)
    {
        Dictionary<string, string>? previous = null;
        using var timer = new PeriodicTimer(options.PollInterval, time);
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await timer.WaitForNextTickAsync(cancellationToken);
                var current = ScanFolder().ToDictionary(e => e.Name, e => PluginStagerFingerprint(e.Path), StringComparer.Ordinal);
                var loaded = Entries.ToDictionary(e => e.SourceName, e => e.Fingerprint, StringComparer.Ordinal);
                var differs = current.Count != loaded.Count || current.Any(c => !loaded.TryGetValue(c.Key, out var f) || f != c.Value);
                if (differs && previous is not null && SameAs(previous, current))
                {
                    await SyncFolderAsync(cancellationToken);
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

        static bool SameAs(Dictionary<string, string> a, Dictionary<string, string> b) =>
            a.Count == b.Count && a.All(kv => b.TryGetValue(kv.Key, out var v) && v == kv.Value);
    }

    /// <summary>
    /// Applies the folder as it is now: removed and changed entries are unloaded (their instances disabled first),
    /// new and changed ones loaded, and their instances created for every user from the stored state, so an upgrade
    /// keeps each user's enabled state, config and storage.
    /// </summary>
    public async Task SyncFolderAsync(CancellationToken cancellationToken)
    {
        await mutex.WaitAsync(cancellationToken);
        try
        {
            var current = ScanFolder();
            var currentNames = current.Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
            var changed = new List<(string Name, string Path)>();
            var removedAny = false;
            foreach (var entry in entries.Values.ToList())
            {
                if (!currentNames.Contains(entry.SourceName))
                {
                    logger.LogInformation("Plugin {Source} was removed from the plugins folder; unloading it", entry.SourceName);
                    await UnloadEntryAsync(entry, cancellationToken);
                    removedAny = true;
                }
            }

            foreach (var (name, path) in current)
            {
                if (!entries.TryGetValue(name, out var entry))
                {
                    logger.LogInformation("Plugin {Source} appeared in the plugins folder; loading it", name);
                    changed.Add((name, path));
                }
                else if (entry.Fingerprint != PluginStagerFingerprint(path))
                {
                    logger.LogInformation("Plugin {Source} changed in the plugins folder; replacing it", name);
                    await UnloadEntryAsync(entry, cancellationToken);
                    changed.Add((name, path));
                    removedAny = true;
                }
            }

            // A duplicate may have become the only copy.
            if (removedAny)
            {
                foreach (var duplicate in entries.Values.Where(e => e.IsDuplicate).ToList())
                {
                    entries.Remove(duplicate.SourceName);
                    changed.Add((duplicate.SourceName, duplicate.SourcePath));
                }
            }

            var users = await store.GetUsersAsync(cancellationToken);
            foreach (var (name, path) in changed.OrderBy(c => c.Name, StringComparer.Ordinal))
            {
                var entry = await LoadEntryAsync(name, path, cancellationToken);
                entries[name] = entry;
                if (entry.Plugin is null)
                {
                    continue;
                }

                foreach (var user in users)
                {
                    await InitializeInstanceAsync(entry.Plugin, user, cancellationToken);
                }
            }

            foreach (var user in users)
            {
                await UpdateInternalApplicationsAsync(user.Id, cancellationToken);
            }

            PublishEntries();
            Stager.Clean(entries.Values.Where(e => e.Plugin is not null).Select(e => Path.GetFullPath(e.Plugin!.Descriptor.PackageDirectory)).ToHashSet());
        }
        finally
        {
            mutex.Release();
        }
    }
}
