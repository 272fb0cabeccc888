using System.Collections.Concurrent;
using Herald.PluginApi;
using Herald.Server.Plugins.Loading;

namespace Herald.Server.Plugins.Instances;

/// <summary>
/// The live instances, by conf id (the <c>{id}</c> of the /plugin routes) and by webhook token, and which of them get
/// messages. Request paths read it without the manager's lock; adding and removing happens under it.
/// </summary>
internal sealed class InstanceRegistry(SubscriptionHub subscriptions)
{
    private readonly ConcurrentDictionary<long, PluginInstance> byConf = new();
    private readonly ConcurrentDictionary<string, PluginInstance> byToken = new(StringComparer.Ordinal);

    public PluginInstance? Find(long confId) => byConf.GetValueOrDefault(confId);

    public PluginInstance? FindByToken(string token) => byToken.GetValueOrDefault(token);

    /// <summary>Whether an instance of conf <paramref name="confId"/> is live (a torn-down one is not).</summary>
    public bool Contains(long confId) => byConf.ContainsKey(confId);

    public IReadOnlyList<PluginInstance> All() => [.. byConf.Values];

    public IReadOnlyList<PluginInstance> OfUser(long userId) => [.. byConf.Values.Where(i => i.UserId == userId)];

    public IReadOnlyList<PluginInstance> OfPlugin(LoadedPlugin plugin) => [.. byConf.Values.Where(i => i.Plugin == plugin)];

    public void Add(PluginInstance instance)
    {
        byConf[instance.ConfId] = instance;
        byToken[instance.Token] = instance;
        if (instance.Object is IMessageSubscriber)
        {
            subscriptions.Add(instance);
        }
    }

    public void Remove(PluginInstance instance)
    {
        byConf.TryRemove(instance.ConfId, out _);
        byToken.TryRemove(instance.Token, out _);
        subscriptions.Remove(instance);
    }

    public void Clear()
    {
        byConf.Clear();
        byToken.Clear();
    }
}
