using Microsoft.Extensions.Logging;

namespace Herald.PluginApi;

/// <summary>Host services for one plugin instance, handed to <see cref="IPluginFactory.Create"/>.</summary>
public interface IPluginContext
{
    /// <summary>
    /// A logger whose entries go to the server's log under the category <c>Herald.Plugins.&lt;module path&gt;</c>, so
    /// they are attributed to the plugin and can be filtered by it. The category is the same for all of the plugin's
    /// users; name the user in the message where it matters. Use named placeholders:
    /// <c>Logger.LogInformation("Forwarded {Count} messages for {User}", n, user.Name)</c>.
    /// </summary>
    ILogger Logger { get; }

    /// <summary>
    /// A folder that belongs to the plugin (shared by all its users, kept across upgrades and restarts, never inside
    /// the plugins folder). Herald creates it; use a sub-folder per user if the data is per user.
    /// </summary>
    string DataDirectory { get; }

    /// <summary>
    /// Runs <paramref name="work"/> on the host's behalf instead of on a thread the plugin starts itself. The token is
    /// cancelled when the instance is disabled, replaced or unloaded, and the host waits (briefly) for the work to end,
    /// so no plugin code keeps running once the instance is gone. An exception other than cancellation disables the
    /// instance with the exception's message shown to the user; it never takes the server down.
    /// </summary>
    /// <param name="name">Names the work in logs and error messages, e.g. <c>"poll feed"</c>.</param>
    /// <param name="work">The work; it should loop until the token is cancelled.</param>
    void RunInBackground(string name, Func<CancellationToken, Task> work);
}
