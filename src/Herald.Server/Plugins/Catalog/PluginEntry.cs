using Herald.PluginHosting.Compatibility;
using Herald.Server.Plugins.Loading;

namespace Herald.Server.Plugins.Catalog;

/// <summary>
/// One entry of the plugins folder and what became of it: a loaded plugin, or the sentence saying why it is not.
/// Kept in memory only (the server never writes into the plugins folder or records load state in the database).
/// </summary>
internal sealed class PluginEntry(string sourceName, string sourcePath, PluginSourceKind? kind, string fingerprint)
{
    public string SourceName { get; } = sourceName;

    public string SourcePath { get; } = sourcePath;

    /// <summary>Null when the entry is neither a zip, a folder nor a dll.</summary>
    public PluginSourceKind? Kind { get; } = kind;

    /// <summary>What the entry looked like when it was loaded; a different fingerprint means it changed.</summary>
    public string Fingerprint { get; } = fingerprint;

    public LoadedPlugin? Plugin { get; set; }

    /// <summary>The load failure sentence; null when loaded.</summary>
    public string? Error { get; set; }

    /// <summary>True when the failure is a duplicate module path, which may resolve when the other copy goes away.</summary>
    public bool IsDuplicate { get; set; }

    /// <summary>The module path, once known (from the manifest or the plugin type).</summary>
    public string? ModulePath { get; set; }

    /// <summary>Name, version and description for the listing, from the check even when loading failed later.</summary>
    public PluginDescriptor? Descriptor { get; set; }

    public IReadOnlyList<string> Warnings { get; set; } = [];
}
