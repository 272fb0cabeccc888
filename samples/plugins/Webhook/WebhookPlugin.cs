using System.Text;
using System.Text.Json;
using Herald.PluginApi;
using Microsoft.AspNetCore.Http;

namespace Herald.Samples.Webhook;

/// <summary>
/// A generic webhook receiver, after the behaviour of Gotify-Webhooks-Plugin: any JSON or form POST (or PUT) to
/// <c>{base}webhook</c> becomes a message, shaped by templates the user configures.
/// </summary>
[PluginInfo("github.com/herald-samples/webhook", Name = "Webhook receiver", Author = "Herald samples", Website = "https://github.com/herald-samples/webhook", Description = "Turns any JSON or form POST into a message, with configurable title and message templates.", License = "MIT")]
public sealed class WebhookFactory : IPluginFactory
{
    /// <inheritdoc />
    public IPlugin Create(UserContext user, IPluginContext context) => new WebhookPlugin();
}

/// <summary>The templates: <c>{{field}}</c> is a field of the JSON body (dots for nested fields) or of the form; <c>{{body}}</c> is the raw body.</summary>
public sealed class WebhookConfig
{
    /// <summary>The message title. YAML key <c>title_template</c>.</summary>
    public string TitleTemplate { get; set; } = "{{title}}";

    /// <summary>The message text. YAML key <c>message_template</c>.</summary>
    public string MessageTemplate { get; set; } = "{{message}}";

    /// <summary>The message priority, 0 to 10. YAML key <c>priority</c>.</summary>
    public int Priority { get; set; } = 5;

    /// <summary>Send the message as markdown. YAML key <c>markdown</c>.</summary>
    public bool Markdown { get; set; }
}

/// <summary>One user's receiver.</summary>
public sealed class WebhookPlugin : IMessenger, IConfigurer<WebhookConfig>, IWebhooker, IDisplayer
{
    private IMessageHandler? messages;
    private WebhookConfig config = new();
    private string basePath = string.Empty;

    /// <inheritdoc />
    public void SetMessageHandler(IMessageHandler handler) => messages = handler;

    /// <inheritdoc />
    public WebhookConfig DefaultConfig() => new();

    /// <inheritdoc />
    public Task ValidateAndSetConfigAsync(WebhookConfig config, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(config.MessageTemplate))
        {
            throw new ArgumentException("message_template must not be empty");
        }

        if (config.Priority is < 0 or > 10)
        {
            throw new ArgumentException("priority must be between 0 and 10");
        }

        this.config = config;
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public void RegisterWebhook(string basePath, IWebhookRouter router)
    {
        this.basePath = basePath;
        router.Map("POST", "webhook", ReceiveAsync);
        router.Map("PUT", "webhook", ReceiveAsync);
    }

    /// <inheritdoc />
    public Task<string> GetDisplayAsync(Uri? location, CancellationToken cancellationToken)
    {
        var url = location is null ? basePath + "webhook" : new Uri(location, basePath.TrimStart('/') + "webhook").ToString();
        return Task.FromResult($"""
            POST JSON or a form to **{url}**; it becomes a message.

            Title: `{config.TitleTemplate}`, message: `{config.MessageTemplate}`, priority {config.Priority}.
            """);
    }

    /// <inheritdoc />
    public Task EnableAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task DisableAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task ReceiveAsync(HttpContext http, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(http.Request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync(cancellationToken);
        Fields fields;
        try
        {
            fields = Fields.Parse(http.Request.ContentType, body);
        }
        catch (JsonException e)
        {
            http.Response.StatusCode = StatusCodes.Status400BadRequest;
            await http.Response.WriteAsync($"the body is not valid JSON: {e.Message}", cancellationToken);
            return;
        }

        var message = Template.Render(config.MessageTemplate, fields);
        if (string.IsNullOrWhiteSpace(message))
        {
            http.Response.StatusCode = StatusCodes.Status400BadRequest;
            await http.Response.WriteAsync("the message template rendered to nothing for this body", cancellationToken);
            return;
        }

        var extras = config.Markdown
            ? new Dictionary<string, object?> { ["client::display"] = new Dictionary<string, object?> { ["contentType"] = "text/markdown" } }
            : null;
        await messages!.SendMessageAsync(new PluginMessage { Title = Template.Render(config.TitleTemplate, fields), Message = message, Priority = config.Priority, Extras = extras }, cancellationToken);
        http.Response.StatusCode = StatusCodes.Status200OK;
    }
}
