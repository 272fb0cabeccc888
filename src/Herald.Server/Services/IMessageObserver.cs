using Herald.Server.Model;

namespace Herald.Server.Services;

/// <summary>
/// Told of every message after it is stored, whoever sent it (REST or a plugin). The stream hub and the plugin
/// host's message subscriptions are observers. An observer must return quickly: slow work belongs on its own queue.
/// </summary>
public interface IMessageObserver
{
    /// <summary>Called once per stored message of <paramref name="userId"/>; exceptions are logged and swallowed.</summary>
    void OnMessageCreated(long userId, Message message);
}
