using System.Text;
using System.Text.Json;
using Herald.PluginApi;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace MyPlugin;

/// <summary>
/// The plugin's entry point. Herald reads <see cref="PluginInfoAttribute"/> from the compiled assembly before running
/// any code (the module path is the plugin's identity: keep it stable), then creates one instance per user.
/// </summary>
[PluginInfo("example.com/your-plugin", Name = "MyPlugin", Author = "You", Website = "https://example.com/your-plugin", Description = "Turns the body of a POST to its webhook into a message.", License = "MIT")]
public sealed class MyPluginFactory : IPluginFactory
{
    /// <inheritdoc />
    public IPlugin Create(UserContext user, IPluginContext context) => new MyPluginInstance(user, context);
}

/// <summary>The per-user configuration, edited as YAML on the plugin's page.</summary>
public sealed class MyPluginConfig
{
    /// <summary>The title of every message the webhook sends. YAML key: <c>title</c>. Must not be empty.</summary>
    public string Title { get; set; } = "MyPlugin";
}

/// <summary>What the instance keeps in its storage: how many messages it sent.</summary>
public sealed class MyPluginState
{
    /// <summary>Messages sent since the instance was created.</summary>
    public int Sent { get; set; }
}

/// <summary>
/// One user's instance. Every capability is an interface: Herald calls SetMessageHandler, SetStorageHandler, the
/// configuration, RegisterWebhook, and then EnableAsync.
/// </summary>
public sealed class MyPluginInstance(UserContext user, IPluginContext context)
    : IMessenger, IStorager, IConfigurer<MyPluginConfig>, IWebhooker, IDisplayer
{
    private readonly SemaphoreSlim stateLock = new(1, 1);
    private IMessageHandler? messages;
    private IStorageHandler? storage;
    private MyPluginConfig config = new();
    private string basePath = string.Empty;

    /// <inheritdoc />
    public void SetMessageHandler(IMessageHandler handler) => messages = handler;

    /// <inheritdoc />
    public void SetStorageHandler(IStorageHandler handler) => storage = handler;

    /// <inheritdoc />
    public MyPluginConfig DefaultConfig() => new();

    /// <inheritdoc />
    public Task ValidateAndSetConfigAsync(MyPluginConfig config, CancellationToken cancellationToken)
    {
        // The message of this exception is what the user sees when saving a bad configuration.
        if (string.IsNullOrWhiteSpace(config.Title))
        {
            throw new ArgumentException("title must not be empty");
        }

        this.config = config;
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public void RegisterWebhook(string basePath, IWebhookRouter router)
    {
        this.basePath = basePath;
        router.Map("POST", "message", SendBodyAsync);
    }

    /// <inheritdoc />
    public async Task<string> GetDisplayAsync(Uri? location, CancellationToken cancellationToken)
    {
        var state = await LoadAsync(cancellationToken);
        var url = location is null ? basePath + "message" : new Uri(location, basePath.TrimStart('/') + "message").ToString();
        return $"""
            Send a message by posting its text to your webhook:

                curl -X POST --data 'Hello from MyPlugin' {url}

            Messages are titled **{config.Title}**; {state.Sent} sent so far.
            """;
    }

    /// <inheritdoc />
    public Task EnableAsync(CancellationToken cancellationToken)
    {
        context.Logger.LogInformation("MyPlugin enabled for {User}", user.Name);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task DisableAsync(CancellationToken cancellationToken)
    {
        context.Logger.LogInformation("MyPlugin disabled for {User}", user.Name);
        return Task.CompletedTask;
    }

    private async Task SendBodyAsync(HttpContext http, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(http.Request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync(cancellationToken);
        if (string.IsNullOrWhiteSpace(body))
        {
            http.Response.StatusCode = StatusCodes.Status400BadRequest;
            await http.Response.WriteAsync("the request body is the message and must not be empty", cancellationToken);
            return;
        }

        await messages!.SendMessageAsync(new PluginMessage { Title = config.Title, Message = body }, cancellationToken);
        var state = await CountSentAsync(cancellationToken);
        http.Response.ContentType = "application/json";
        await http.Response.WriteAsync(JsonSerializer.Serialize(new { sent = state.Sent }), cancellationToken);
    }

    private async Task<MyPluginState> CountSentAsync(CancellationToken cancellationToken)
    {
        await stateLock.WaitAsync(cancellationToken);
        try
        {
            var state = await LoadAsync(cancellationToken);
            state.Sent++;
            await storage!.SaveAsync(JsonSerializer.SerializeToUtf8Bytes(state), cancellationToken);
            return state;
        }
        finally
        {
            stateLock.Release();
        }
    }

    private async Task<MyPluginState> LoadAsync(CancellationToken cancellationToken)
    {
        var bytes = await storage!.LoadAsync(cancellationToken);
        return bytes.Length == 0 ? new MyPluginState() : JsonSerializer.Deserialize<MyPluginState>(bytes) ?? new MyPluginState();
    }
}
