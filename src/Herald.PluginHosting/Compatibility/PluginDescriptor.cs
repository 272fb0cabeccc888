namespace Herald.PluginHosting.Compatibility;

/// <summary>How a plugin was found in the plugins folder.</summary>
internal enum PluginSourceKind
{
    /// <summary>A <c>.zip</c> package with <c>plugin.json</c> at its root.</summary>
    Zip,

    /// <summary>An unpacked folder with <c>plugin.json</c>.</summary>
    Folder,

    /// <summary>A single <c>.dll</c> without dependencies and without a manifest.</summary>
    Dll,
}

/// <summary>A package that passed the compatibility check: everything needed to load it, known before any of its code ran.</summary>
/// <param name="SourceName">The entry's name in the plugins folder, e.g. <c>echo.zip</c>; every message names it.</param>
/// <param name="PackageDirectory">The folder holding the (extracted or copied) package.</param>
/// <param name="EntryAssemblyPath">Full path of the assembly holding the plugin type.</param>
/// <param name="PluginTypeName">Full name of the plugin type.</param>
/// <param name="ApiVersion">The Herald.PluginApi version the plugin was compiled against.</param>
internal sealed record PluginDescriptor(
    string SourceName,
    PluginSourceKind Kind,
    string PackageDirectory,
    string EntryAssemblyPath,
    string PluginTypeName,
    string ModulePath,
    string Name,
    string Version,
    string Author,
    string Website,
    string Description,
    string License,
    Version ApiVersion);

/// <summary>The verdict on one package.</summary>
/// <param name="Descriptor">Set when the package can be loaded.</param>
/// <param name="Error">The one actionable sentence when it cannot.</param>
/// <param name="ModulePath">The module path, when the check got far enough to know it (for status and duplicate detection).</param>
/// <param name="Warnings">Sentences about things that were tolerated, e.g. an ignored copy of a shared assembly.</param>
internal sealed record CompatibilityReport(PluginDescriptor? Descriptor, string? Error, string? ModulePath, IReadOnlyList<string> Warnings)
{
    /// <summary>Whether the package can be loaded.</summary>
    public bool IsCompatible => Descriptor is not null;
}
