namespace Herald.PluginApi;

/// <summary>
/// Marks the plugin's one entry type (a class implementing <see cref="IPluginFactory"/>) and describes the plugin.
/// The counterpart of Gotify's <c>GetGotifyPluginInfo()</c>.
/// </summary>
/// <remarks>
/// Herald reads this attribute from the assembly's metadata <em>before</em> any plugin code runs, so that a duplicate
/// module path or an incompatible build is reported without executing the plugin. Use constant values only.
/// </remarks>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class PluginInfoAttribute : Attribute
{
    /// <summary>Creates the attribute with the plugin's identity.</summary>
    /// <param name="modulePath">
    /// The plugin's identity, e.g. <c>github.com/you/herald-forwarder</c>. Per-user state (enabled, configuration,
    /// storage, webhook token) is keyed by it in Gotify's <c>plugin_confs</c> table, so keep it stable across versions:
    /// a new module path is a new plugin whose users start from scratch.
    /// </param>
    public PluginInfoAttribute(string modulePath) => ModulePath = modulePath;

    /// <summary>The plugin's identity; must not be empty and must be unique among the loaded plugins.</summary>
    public string ModulePath { get; }

    /// <summary>Display name in the UI and name of the internal application of a messenger; the module path when empty.</summary>
    public string? Name { get; set; }

    /// <summary>The plugin's own version (SemVer recommended); the assembly's informational version when empty.</summary>
    public string? Version { get; set; }

    /// <summary>Who wrote the plugin; shown in <c>GET /plugin</c>.</summary>
    public string? Author { get; set; }

    /// <summary>Where users learn more about the plugin; shown in <c>GET /plugin</c>.</summary>
    public string? Website { get; set; }

    /// <summary>One sentence on what the plugin does; shown in <c>GET /plugin</c> (Gotify drops it, Herald does not).</summary>
    public string? Description { get; set; }

    /// <summary>The plugin's license, e.g. an SPDX identifier; shown in <c>GET /plugin</c>.</summary>
    public string? License { get; set; }
}
