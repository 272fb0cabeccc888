namespace Herald.PluginHosting.Instances;

/// <summary>
/// Gotify's texts for refused plugin requests, byte for byte (its api/plugin.go and plugin/manager.go): the server
/// answers with them, the test harness throws them, so a plugin's tests read what its users will.
/// </summary>
internal static class PluginTexts
{
    /// <summary>404: no <c>plugin_confs</c> row with the id, or one of another user.</summary>
    public const string UnknownPlugin = "unknown plugin";

    /// <summary>404: the row exists but its plugin is not loaded.</summary>
    public const string InstanceNotFound = "plugin instance not found";

    /// <summary>400: enabling an enabled instance, or disabling a disabled one.</summary>
    public const string AlreadyEnabledOrDisabled = "config is already enabled/disabled";

    /// <summary>400: reading or writing the configuration of a plugin that is not a configurer.</summary>
    public const string NotAConfigurer = "plugin does not support configurer";

    /// <summary>400: a webhook of a disabled instance.</summary>
    public const string Disabled = "plugin is disabled";

    /// <summary>404: no webhook route matches (Gotify's router answers a wrong method the same way).</summary>
    public const string PageNotFound = "page not found";
}
