using Herald.Server.Configuration;

namespace Herald.Server.Plugins;

/// <summary>How the plugin host behaves; the folder comes from Gotify's <c>pluginsdir</c>, the rest are Herald defaults.</summary>
internal sealed class PluginHostOptions
{
    /// <summary>The plugins folder; empty disables plugins, as in Gotify.</summary>
    public string PluginsDirectory { get; init; } = "data/plugins";

    /// <summary>
    /// Herald's own plugin state: per-plugin data folders, staged copies of packages, crash records. Next to the
    /// plugins folder rather than inside it, so a read-only plugins mount works.
    /// </summary>
    public string StateDirectory { get; init; } = "data/plugin-data";

    /// <summary>Creating an instance and enabling or disabling it.</summary>
    public TimeSpan LifecycleTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Default config, validation and display calls.</summary>
    public TimeSpan ConfigTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// One webhook request, from the moment the host has the whole request body (it reads the body before calling the
    /// plugin, so a client that sends slowly spends its own time, not the plugin's).
    /// </summary>
    public TimeSpan WebhookTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Delivering one message to a subscriber.</summary>
    public TimeSpan MessageTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long background work gets to end after its token is cancelled.</summary>
    public TimeSpan BackgroundStopTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Calls into one plugin (all its users) that may run at once; more wait, up to their timeout.</summary>
    public int ConcurrencyLimit { get; init; } = 64;

    /// <summary>
    /// Calls into one instance (one user's) that may run at once, within <see cref="ConcurrencyLimit"/>: a quarter of
    /// it, so one user's webhook traffic leaves the plugin's other users three quarters of its slots (see
    /// <see cref="Invocation.CallSlots"/>). 16 concurrent calls are far more than one instance needs when its plugin
    /// answers promptly: a handler that takes 1 ms serves 16,000 requests/s within its share.
    /// </summary>
    public int InstanceConcurrencyLimit { get; init; } = 16;

    /// <summary>How often the folder is compared with what is loaded; a change is applied once it held still for one interval.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(400);

    /// <summary>Whether changes to the folder are applied while running.</summary>
    public bool WatchFolder { get; init; } = true;

    /// <summary>Builds the options for <paramref name="pluginsDirectory"/>, applying the timeouts of <paramref name="variables"/>.</summary>
    public static PluginHostOptions For(string pluginsDirectory, HostVariables variables)
    {
        var parent = Path.GetDirectoryName(Path.GetFullPath(string.IsNullOrEmpty(pluginsDirectory) ? "." : pluginsDirectory.TrimEnd('/', '\\'))) ?? ".";
        var defaults = new PluginHostOptions();
        return new PluginHostOptions
        {
            PluginsDirectory = pluginsDirectory,
            StateDirectory = Path.Combine(parent, "plugin-data"),
            LifecycleTimeout = variables.PluginLifecycleTimeout ?? defaults.LifecycleTimeout,
            ConfigTimeout = variables.PluginConfigTimeout ?? defaults.ConfigTimeout,
            WebhookTimeout = variables.PluginWebhookTimeout ?? defaults.WebhookTimeout,
        };
    }
}
