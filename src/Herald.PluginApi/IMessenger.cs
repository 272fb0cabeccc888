namespace Herald.PluginApi;

/// <summary>
/// A plugin that sends messages. Herald gives each user's instance one internal application (named after the
/// plugin, not deletable through the API); every message the instance sends belongs to it.
/// </summary>
public interface IMessenger : IPlugin
{
    /// <summary>Hands the instance its handler; called once, before <see cref="IPlugin.EnableAsync"/>. Keep the reference.</summary>
    /// <param name="handler">Sends messages as the instance's internal application.</param>
    void SetMessageHandler(IMessageHandler handler);
}

/// <summary>Sends messages as the plugin instance's internal application.</summary>
public interface IMessageHandler
{
    /// <summary>
    /// Stores the message and pushes it to the user's clients. Completes once it is stored, so a failure to store
    /// surfaces here (Gotify drops it silently).
    /// </summary>
    /// <param name="message">The message; a missing priority and a blank title get the application's defaults.</param>
    /// <param name="cancellationToken">Stops waiting for the message to be stored.</param>
    /// <returns>A task that completes when the message is stored.</returns>
    /// <exception cref="InvalidOperationException">The instance is not enabled, or has no internal application.</exception>
    Task SendMessageAsync(PluginMessage message, CancellationToken cancellationToken);
}
