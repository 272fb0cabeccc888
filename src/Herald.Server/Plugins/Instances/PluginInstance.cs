using Herald.PluginApi;
using Herald.PluginHosting.Instances;
using Herald.Server.Plugins.Invocation;
using Herald.Server.Plugins.Loading;

namespace Herald.Server.Plugins.Instances;

/// <summary>
/// One plugin's instance for one user, identified by its <c>plugin_confs</c> row (whose id is the <c>{id}</c> of the
/// /plugin routes). The database holds what survives restarts and upgrades (enabled, config, storage, token, internal
/// application); this object holds the live plugin object and what hangs off it.
/// </summary>
internal sealed class PluginInstance(long confId, long userId, string token, LoadedPlugin plugin, InstanceContext context)
{
    public long ConfId { get; } = confId;

    public long UserId { get; } = userId;

    /// <summary>The webhook secret (<c>P…</c>), the path segment after <c>/custom/</c>.</summary>
    public string Token { get; } = token;

    public LoadedPlugin Plugin { get; } = plugin;

    public InstanceContext Context { get; } = context;

    /// <summary>The plugin's object; null when creating it failed (see <see cref="Fault"/>) or after teardown.</summary>
    public IPlugin? Object { get; set; }

    /// <summary>The YAML bridge when the object is a configurer.</summary>
    public ConfigAdapter? Config { get; set; }

    /// <summary>Webhook routes when the object is a webhooker.</summary>
    public WebhookRoutes? Routes { get; set; }

    /// <summary>The internal application messages are sent as; 0 when not a messenger.</summary>
    public long ApplicationId { get; set; }

    /// <summary>Whether the instance runs; mirrors <c>plugin_confs.enabled</c>, which only the manager writes.</summary>
    public volatile bool Enabled;

    /// <summary>Why the host disabled the instance or could not create it, shown to the user; null when healthy.</summary>
    public string? Fault { get; set; }

    /// <summary>Message delivery while enabled, for subscribers.</summary>
    public SubscriptionQueue? Subscription { get; set; }

    /// <summary>Gotify's capability names in Gotify's order, plus Herald's <c>subscriber</c>.</summary>
    public IReadOnlyList<string> Capabilities
    {
        get
        {
            var o = Object;
            if (o is null)
            {
                return [];
            }

            var list = new List<string>(6);
            if (Config is not null)
            {
                list.Add("configurer");
            }

            if (o is IDisplayer)
            {
                list.Add("displayer");
            }

            if (o is IMessenger)
            {
                list.Add("messenger");
            }

            if (o is IStorager)
            {
                list.Add("storager");
            }

            if (o is IWebhooker)
            {
                list.Add("webhooker");
            }

            if (o is IMessageSubscriber)
            {
                list.Add("subscriber");
            }

            return list;
        }
    }

    /// <summary>A call into this instance's plugin code on its user's behalf.</summary>
    public PluginCall Call(string operation, TimeSpan timeout, bool offload = true) => Plugin.Call(UserId, operation, timeout, offload);

    /// <summary>The webhook base path handed to the plugin: <c>/plugin/{id}/custom/{token}/</c>.</summary>
    public string BasePath => $"/plugin/{ConfId}/custom/{Token}/";
}
