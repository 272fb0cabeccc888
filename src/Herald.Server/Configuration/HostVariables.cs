using System.Globalization;

namespace Herald.Server.Configuration;

/// <summary>
/// Herald's own variables beside Gotify's settings. They come from the process environment only (no YAML key, no env
/// file, no <c>_FILE</c> form), and a value that is not usable is ignored, leaving the default.
/// </summary>
public sealed class HostVariables
{
    /// <summary>Overrides the plugin host's lifecycle timeout, in seconds (operators with slow plugins; tests).</summary>
    public const string PluginLifecycleTimeoutVariable = "HERALD_PLUGIN_LIFECYCLE_TIMEOUT";

    /// <summary>Overrides the plugin host's config and display timeout, in seconds (slow plugins; tests).</summary>
    public const string PluginConfigTimeoutVariable = "HERALD_PLUGIN_CONFIG_TIMEOUT";

    /// <summary>Overrides the plugin host's webhook timeout, in seconds (slow plugins; tests).</summary>
    public const string PluginWebhookTimeoutVariable = "HERALD_PLUGIN_WEBHOOK_TIMEOUT";

    /// <summary><c>NOCOLOR=1</c>: console log lines without colour codes.</summary>
    public bool NoColor { get; init; }

    public TimeSpan? PluginLifecycleTimeout { get; init; }

    public TimeSpan? PluginConfigTimeout { get; init; }

    public TimeSpan? PluginWebhookTimeout { get; init; }

    internal static HostVariables From(IReadOnlyDictionary<string, string> environment) => new()
    {
        NoColor = environment.TryGetValue("NOCOLOR", out var noColor) && noColor == "1",
        PluginLifecycleTimeout = Seconds(environment, PluginLifecycleTimeoutVariable),
        PluginConfigTimeout = Seconds(environment, PluginConfigTimeoutVariable),
        PluginWebhookTimeout = Seconds(environment, PluginWebhookTimeoutVariable),
    };

    /// <summary>A positive number of seconds; null when unset or not one.</summary>
    private static TimeSpan? Seconds(IReadOnlyDictionary<string, string> environment, string variable) =>
        environment.TryGetValue(variable, out var text)
        && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds > 0
            ? TimeSpan.FromSeconds(seconds)
            : null;
}
