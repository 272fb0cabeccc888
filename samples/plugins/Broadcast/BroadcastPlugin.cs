using System.Collections.Concurrent;
using System.Text;
using Herald.PluginApi;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Herald.Samples.Broadcast;

/// <summary>
/// Broadcast, after the behaviour of gotify-broadcast: a message posted to one user's webhook reaches every other user
/// who opted in. The users' instances meet in the factory, which Herald creates once per loaded plugin version and
/// shares between users (no static state, so an upgrade leaves nothing behind).
/// </summary>
[PluginInfo("github.com/herald-samples/broadcast", Name = "Broadcast", Author = "Herald samples", Website = "https://github.com/herald-samples/broadcast", Description = "Sends a message posted to your webhook to every other user who opted in.", License = "MIT")]
public sealed class BroadcastFactory : IPluginFactory
{
    private readonly ConcurrentDictionary<long, BroadcastPlugin> receivers = new();

    /// <inheritdoc />
    public IPlugin Create(UserContext user, IPluginContext context) => new BroadcastPlugin(user, context, receivers);
}

/// <summary>Per-user settings.</summary>
public sealed class BroadcastConfig
{
    /// <summary>Receive other users' broadcasts (opt in). YAML key <c>receive</c>.</summary>
    public bool Receive { get; set; }

    /// <summary>Prefix of broadcast titles; <c>{sender}</c> is the sending user's name. YAML key <c>title_format</c>.</summary>
    public string TitleFormat { get; set; } = "Broadcast from {sender}";
}

/// <summary>One user's instance: a sender through its webhook, a receiver while enabled and opted in.</summary>
public sealed class BroadcastPlugin(UserContext user, IPluginContext context, ConcurrentDictionary<long, BroadcastPlugin> receivers)
    : IMessenger, IConfigurer<BroadcastConfig>, IWebhooker, IDisplayer
{
    private IMessageHandler? messages;
    private BroadcastConfig config = new();
    private string basePath = string.Empty;
    private volatile bool enabled;

    /// <summary>The instance's user, readable from the other users' instances.</summary>
    private UserContext Owner => user;

    /// <inheritdoc />
    public void SetMessageHandler(IMessageHandler handler) => messages = handler;

    /// <inheritdoc />
    public BroadcastConfig DefaultConfig() => new();

    /// <inheritdoc />
    public Task ValidateAndSetConfigAsync(BroadcastConfig config, CancellationToken cancellationToken)
    {
        if (!config.TitleFormat.Contains("{sender}", StringComparison.Ordinal))
        {
            throw new ArgumentException("title_format must contain {sender}, so receivers know who broadcast");
        }

        this.config = config;
        UpdateRegistration();
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public void RegisterWebhook(string basePath, IWebhookRouter router)
    {
        this.basePath = basePath;
        router.Map("POST", "message", BroadcastAsync);
    }

    /// <inheritdoc />
    public Task<string> GetDisplayAsync(Uri? location, CancellationToken cancellationToken)
    {
        var url = location is null ? basePath + "message" : new Uri(location, basePath.TrimStart('/') + "message").ToString();
        var others = receivers.Keys.Count(id => id != user.Id);
        return Task.FromResult($"""
            Broadcast by posting text to **{url}**; {others} other user(s) currently receive broadcasts.

            You {(config.Receive ? "receive" : "do not receive")} broadcasts (set `receive: true` to opt in).
            """);
    }

    /// <inheritdoc />
    public Task EnableAsync(CancellationToken cancellationToken)
    {
        enabled = true;
        UpdateRegistration();
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task DisableAsync(CancellationToken cancellationToken)
    {
        enabled = false;
        UpdateRegistration();
        return Task.CompletedTask;
    }

    private void UpdateRegistration()
    {
        if (enabled && config.Receive)
        {
            receivers[user.Id] = this;
        }
        else
        {
            receivers.TryRemove(new KeyValuePair<long, BroadcastPlugin>(user.Id, this));
        }
    }

    private async Task BroadcastAsync(HttpContext http, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(http.Request.Body, Encoding.UTF8);
        var text = await reader.ReadToEndAsync(cancellationToken);
        if (string.IsNullOrWhiteSpace(text))
        {
            http.Response.StatusCode = StatusCodes.Status400BadRequest;
            await http.Response.WriteAsync("the request body is the message and must not be empty", cancellationToken);
            return;
        }

        var delivered = 0;
        foreach (var receiver in receivers.Values.Where(r => r.Owner.Id != user.Id))
        {
            try
            {
                await receiver.ReceiveAsync(user.Name, text, cancellationToken);
                delivered++;
            }
            catch (InvalidOperationException e)
            {
                // The receiver was disabled in the meantime; the others still get it.
                context.Logger.LogWarning("Broadcast to user {UserId} skipped: {Reason}", receiver.Owner.Id, e.Message);
            }
        }

        http.Response.ContentType = "application/json";
        await http.Response.WriteAsync($$"""{"delivered":{{delivered}}}""", cancellationToken);
    }

    private Task ReceiveAsync(string sender, string text, CancellationToken cancellationToken) =>
        messages!.SendMessageAsync(new PluginMessage { Title = config.TitleFormat.Replace("{sender}", sender, StringComparison.Ordinal), Message = text }, cancellationToken);
}
