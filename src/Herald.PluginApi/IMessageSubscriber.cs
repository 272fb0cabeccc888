namespace Herald.PluginApi;

/// <summary>
/// A plugin that receives its user's new messages (forwarders to Telegram, SMTP, MQTT…) without opening a websocket
/// back to the server with a client token. Herald delivers each stored message of the user, in order, while the
/// instance is enabled; messages the instance sent itself are not delivered back to it.
/// </summary>
public interface IMessageSubscriber : IPlugin
{
    /// <summary>
    /// Handles one message. Delivery is queued per instance and never blocks the sender; when the queue is full the
    /// oldest messages are dropped with a warning, so return promptly.
    /// </summary>
    /// <param name="message">The stored message.</param>
    /// <param name="cancellationToken">Cancelled when the host's timeout for the call runs out or the instance stops.</param>
    /// <returns>A task that completes when the message is handled.</returns>
    Task OnMessageAsync(ReceivedMessage message, CancellationToken cancellationToken);
}
