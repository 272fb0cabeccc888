using Herald.PluginHosting.Instances;
using Herald.Server.Plugins.Invocation;

namespace Herald.Server.Plugins.Instances;

/// <summary>Why a request about a plugin instance was refused. Plugins/Http answers each with Gotify's status code.</summary>
internal enum PluginRefusal
{
    /// <summary>No such conf, or one of another user.</summary>
    UnknownPlugin,

    /// <summary>The conf exists, but its plugin is not loaded.</summary>
    InstanceNotFound,

    /// <summary>Enabling an enabled instance, or disabling a disabled one.</summary>
    AlreadyInState,

    /// <summary>A configuration request to a plugin that is not a configurer.</summary>
    NotAConfigurer,

    /// <summary>The submitted configuration is not YAML the plugin's type takes, or the plugin refused it (its text).</summary>
    Rejected,

    /// <summary>The plugin threw (its text), did not finish (the instance is disabled), or has no object to call.</summary>
    Failed,

    /// <summary>No call slot came free in time; nothing ran and nothing changed.</summary>
    Busy,
}

/// <summary>
/// A refused request about a plugin instance: what the plugin domain answers instead of an HTTP status. The message
/// is the text the user reads (Gotify's, the plugin's own, or the host's sentence).
/// </summary>
internal sealed class PluginRequestException(PluginRefusal refusal, string message) : Exception(message)
{
    public PluginRefusal Refusal { get; } = refusal;

    public static PluginRequestException UnknownPlugin() => new(PluginRefusal.UnknownPlugin, PluginTexts.UnknownPlugin);

    public static PluginRequestException InstanceNotFound() => new(PluginRefusal.InstanceNotFound, PluginTexts.InstanceNotFound);

    public static PluginRequestException AlreadyInState() => new(PluginRefusal.AlreadyInState, PluginTexts.AlreadyEnabledOrDisabled);

    public static PluginRequestException NotAConfigurer() => new(PluginRefusal.NotAConfigurer, PluginTexts.NotAConfigurer);

    /// <summary>
    /// The refusal for a failed call: <see cref="PluginRefusal.Busy"/> when it found no slot, <see cref="PluginRefusal.Failed"/>
    /// when it timed out, <paramref name="whenThrew"/> when the plugin threw (its message is the text either way).
    /// </summary>
    public static PluginRequestException For(PluginCallException e, PluginRefusal whenThrew) => new(
        e.Failure switch
        {
            PluginCallFailure.Busy => PluginRefusal.Busy,
            PluginCallFailure.TimedOut => PluginRefusal.Failed,
            _ => whenThrew,
        },
        e.Message);
}
