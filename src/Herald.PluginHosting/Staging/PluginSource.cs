using Herald.PluginHosting.Compatibility;

namespace Herald.PluginHosting.Staging;

/// <summary>How an entry of the plugins folder is read; the server and <c>herald-plugin check</c> both classify by this.</summary>
internal static class PluginSource
{
    /// <summary>A folder, a <c>.zip</c> or a <c>.dll</c>; null for anything else (not a plugin).</summary>
    public static PluginSourceKind? KindOf(string path) =>
        Directory.Exists(path) ? PluginSourceKind.Folder
        : path.EndsWith(".zip", StringComparison.OrdinalIgnoreCase) ? PluginSourceKind.Zip
        : path.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) ? PluginSourceKind.Dll
        : null;
}
