using System.Collections.Concurrent;
using Herald.Server.Model;
using Herald.Server.Services;

namespace Herald.Server.Plugins.Instances;

/// <summary>
/// Hands every stored message to the queues of its user's enabled subscriber instances. Registered as an
/// <see cref="IMessageObserver"/>; it has no dependencies itself, so the message service (which the plugin host uses
/// to send) and the host do not depend on each other in a cycle.
/// </summary>
internal sealed class SubscriptionHub : IMessageObserver
{
    private readonly ConcurrentDictionary<long, PluginInstance> subscribers = new();

    public void Add(PluginInstance instance) => subscribers[instance.ConfId] = instance;

    public void Remove(PluginInstance instance) => subscribers.TryRemove(instance.ConfId, out _);

    public void OnMessageCreated(long userId, Message message)
    {
        foreach (var (_, instance) in subscribers)
        {
            // A plugin does not get its own messages back: a forwarder that also sends would otherwise loop.
            if (instance.UserId == userId && instance.Enabled && message.ApplicationId != instance.ApplicationId)
            {
                instance.Subscription?.Post(message);
            }
        }
    }
}
