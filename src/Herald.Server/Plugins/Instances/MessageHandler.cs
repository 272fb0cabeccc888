using System.Text.Json;
using Herald.PluginApi;
using Herald.Server.Services;
using Herald.Server.Storage;

namespace Herald.Server.Plugins.Instances;

/// <summary>
/// An instance's <see cref="IMessageHandler"/>: sends as the instance's internal application through the same
/// <see cref="MessageService"/> as <c>POST /message</c>, which applies the same defaults to both (application name for
/// a blank title, application default priority for a missing one).
/// </summary>
internal sealed class MessageHandler(PluginInstance instance, IApplicationStore applications, MessageService messages) : IMessageHandler
{
    public async Task SendMessageAsync(PluginMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (instance.Object is null)
        {
            throw new InvalidOperationException("The plugin instance was unloaded; it can no longer send messages.");
        }

        if (instance.ApplicationId == 0)
        {
            throw new InvalidOperationException("plugin messenger has no associated internal application");
        }

        var application = await applications.GetApplicationByIdAsync(instance.ApplicationId, cancellationToken)
            ?? throw ApplicationGone();
        var extras = message.Extras is null ? null : JsonSerializer.SerializeToUtf8Bytes(message.Extras, instance.Plugin.Json);
        try
        {
            await messages.SendAsync(
                application,
                message.Message ?? string.Empty,
                message.Title,
                message.Priority,
                extras,
                cancellationToken);
        }
        catch (MissingApplicationException e)
        {
            // Deleted (with its user) after the lookup above: the same contract as when the lookup finds nothing.
            throw ApplicationGone(e);
        }
    }

    private InvalidOperationException ApplicationGone(Exception? inner = null) =>
        new($"The internal application {instance.ApplicationId} of the plugin no longer exists.", inner);
}
