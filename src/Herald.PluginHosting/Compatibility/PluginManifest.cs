namespace Herald.PluginHosting.Compatibility;

/// <summary>
/// <c>plugin.json</c>, the manifest at the root of a plugin package or folder. Generated at build time by the plugin
/// SDK from the compiled assembly, never edited by hand and never written by the server. Format: docs/plugins/manifest.md.
/// </summary>
/// <param name="ManifestVersion">The manifest format version; this server reads 1.</param>
/// <param name="ModulePath">The plugin's identity; must equal the [PluginInfo] module path of the plugin type.</param>
/// <param name="EntryAssembly">The file, relative to the package root, that holds the plugin type.</param>
/// <param name="Files">Relative path (with <c>/</c>) → <c>sha256:&lt;hex&gt;</c> for every file of the package.</param>
internal sealed record PluginManifest(
    int ManifestVersion,
    string ModulePath,
    string? Name,
    string? Version,
    string? Author,
    string? Website,
    string? Description,
    string? License,
    string EntryAssembly,
    string? PluginApi,
    string? TargetFramework,
    string? RuntimeIdentifier,
    IReadOnlyDictionary<string, string> Files)
{
    /// <summary>The manifest's file name at the package root.</summary>
    public const string FileName = "plugin.json";

    /// <summary>The only manifest format this server reads.</summary>
    public const int CurrentVersion = 1;
}
