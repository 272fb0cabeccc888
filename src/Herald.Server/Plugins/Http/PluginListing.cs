using Herald.Server.Storage;

namespace Herald.Server.Plugins.Http;

/// <summary>Builds <c>GET /plugin</c>: the caller's live instances as Gotify lists them, then the plugins that failed to load.</summary>
internal static class PluginListing
{
    public static async Task<IReadOnlyList<PluginConfJson>> ForUserAsync(PluginManager plugins, IPluginConfStore store, long userId, CancellationToken cancellationToken)
    {
        var items = new List<PluginConfJson>();
        var confs = await store.GetPluginConfsByUserAsync(userId, cancellationToken);
        var listed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var conf in confs)
        {
            // Gotify lists only confs with a live instance; confs of removed plugins stay in the table, hidden.
            if (plugins.FindInstance(conf.Id) is not { } instance)
            {
                continue;
            }

            var d = instance.Plugin.Descriptor;
            listed.Add(conf.ModulePath);
            var capabilities = instance.Capabilities;
            items.Add(new PluginConfJson(
                conf.Id,
                conf.CreatedAt,
                d.Name,
                conf.Token,
                conf.ModulePath,
                OmitEmpty(d.Author),
                OmitEmpty(d.Website),
                OmitEmpty(d.License),
                conf.Enabled,
                capabilities.Count == 0 ? null : capabilities,
                d.Version,
                d.Description,
                instance.Fault is null ? "ok" : "faulted",
                instance.Fault ?? string.Empty));
        }

        // Entries that failed to load. An entry being replaced by a hot swap also has no plugin for a moment (unloaded,
        // still in the published snapshot) but no error: it is not listed, or the swap would show it as failed.
        foreach (var entry in plugins.Entries.Where(e => e.Plugin is null && e.Error is not null))
        {
            var modulePath = entry.ModulePath ?? string.Empty;

            // A plugin that did not load has no instance; show its stored conf when the user has one (and no loaded copy
            // of the same module path uses it), so the id and enabled state are the ones the plugin will come back with.
            var conf = modulePath.Length == 0 || listed.Contains(modulePath) ? null : confs.FirstOrDefault(c => c.ModulePath == modulePath);
            var d = entry.Descriptor;
            items.Add(new PluginConfJson(
                conf?.Id ?? 0,
                conf?.CreatedAt,
                d?.Name ?? entry.SourceName,
                conf?.Token ?? string.Empty,
                modulePath,
                OmitEmpty(d?.Author),
                OmitEmpty(d?.Website),
                OmitEmpty(d?.License),
                conf?.Enabled ?? false,
                null,
                d?.Version ?? string.Empty,
                d?.Description ?? string.Empty,
                "failed",
                entry.Error ?? string.Empty));
        }

        return items;
    }

    private static string? OmitEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
