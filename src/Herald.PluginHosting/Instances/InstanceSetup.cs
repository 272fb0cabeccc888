using Herald.PluginApi;

namespace Herald.PluginHosting.Instances;

/// <summary>
/// The host's side of setting up one instance: how each step reaches plugin code and what it hands the plugin. The
/// server calls through its invoker (attributed, timed out, within the call slots) and keeps everything in the
/// database; the test harness calls directly and keeps everything in memory.
/// </summary>
internal interface IInstanceSetupSteps
{
    /// <summary>Runs one synchronous call into plugin code, named <paramref name="operation"/> in logs and errors.</summary>
    Task CallAsync(string operation, Action call, CancellationToken cancellationToken);

    /// <summary>The handler a messenger sends through (the server first makes sure its internal application exists).</summary>
    Task<IMessageHandler> MessageHandlerAsync(CancellationToken cancellationToken);

    /// <summary>The handler a storager keeps its blob with.</summary>
    IStorageHandler StorageHandler();

    /// <summary>Applies the instance's starting configuration; false when it was rejected and the instance must stay disabled.</summary>
    Task<bool> ConfigureAsync(ConfigAdapter config, CancellationToken cancellationToken);
}

/// <summary>What setting up an instance produced.</summary>
/// <param name="Routes">The webhook routes, frozen; null when the plugin is not a webhooker.</param>
/// <param name="ConfigAccepted">False when the starting configuration was rejected (the instance stays disabled).</param>
internal sealed record InstanceWiring(WebhookRoutes? Routes, bool ConfigAccepted);

/// <summary>
/// The order an instance is set up in once its plugin object exists, as Gotify's manager does it: message handler,
/// storage handler, configuration, webhooks. Enabling comes after, once the host has registered the instance. One
/// sequence for the server and the test harness, so a plugin's tests run it in the order the server will.
/// </summary>
internal static class InstanceSetup
{
    /// <summary>Wires <paramref name="plugin"/> through <paramref name="steps"/>; a step that throws ends it, the steps before took effect.</summary>
    /// <param name="plugin">The instance's plugin object.</param>
    /// <param name="config">Its YAML bridge (<see cref="ConfigAdapter.For"/>), null when it is not a configurer.</param>
    /// <param name="webhookBasePath">The base path handed to <see cref="IWebhooker.RegisterWebhook"/>: <c>/plugin/{id}/custom/{token}/</c>.</param>
    /// <param name="steps">The host's side of each step.</param>
    /// <param name="cancellationToken">Cancels the set-up.</param>
    public static async Task<InstanceWiring> WireAsync(IPlugin plugin, ConfigAdapter? config, string webhookBasePath, IInstanceSetupSteps steps, CancellationToken cancellationToken)
    {
        if (plugin is IMessenger messenger)
        {
            var handler = await steps.MessageHandlerAsync(cancellationToken);
            await steps.CallAsync("SetMessageHandler", () => messenger.SetMessageHandler(handler), cancellationToken);
        }

        if (plugin is IStorager storager)
        {
            var handler = steps.StorageHandler();
            await steps.CallAsync("SetStorageHandler", () => storager.SetStorageHandler(handler), cancellationToken);
        }

        var accepted = config is null || await steps.ConfigureAsync(config, cancellationToken);
        WebhookRoutes? routes = null;
        if (plugin is IWebhooker webhooker)
        {
            var registering = new WebhookRoutes();
            await steps.CallAsync("RegisterWebhook", () => webhooker.RegisterWebhook(webhookBasePath, registering), cancellationToken);
            registering.Freeze();
            routes = registering;
        }

        return new InstanceWiring(routes, accepted);
    }
}
