using System.Net.Http.Json;
using System.Text.Json;
using Herald.PluginApi;
using Microsoft.Extensions.Logging;

namespace Herald.Samples.Forwarder;

/// <summary>
/// Forwarder, after the behaviour of gotify2telegram and friends, without their websocket loop-back and client token:
/// it subscribes to its user's messages and POSTs each to an HTTP endpoint of the user's choice, retrying failures.
/// </summary>
[PluginInfo("github.com/herald-samples/forwarder", Name = "Forwarder", Author = "Herald samples", Website = "https://github.com/herald-samples/forwarder", Description = "Forwards your messages to an HTTP endpoint, with retries.", License = "MIT")]
public sealed class ForwarderFactory : IPluginFactory
{
    // One client for all users of this plugin version, so connections are pooled rather than opened per message.
    private readonly HttpClient http = new() { Timeout = TimeSpan.FromSeconds(10) };

    /// <inheritdoc />
    public IPlugin Create(UserContext user, IPluginContext context) => new ForwarderPlugin(context, http);
}

/// <summary>Where and how to forward.</summary>
public sealed class ForwarderConfig
{
    /// <summary>The endpoint that receives a JSON POST per message; empty forwards nothing. YAML key <c>url</c>.</summary>
    public string Url { get; set; } = string.Empty;

    /// <summary>Further attempts after a failed one. YAML key <c>retries</c>.</summary>
    public int Retries { get; set; } = 3;

    /// <summary>Milliseconds before the first retry, doubled for each further one. YAML key <c>retry_delay_ms</c>.</summary>
    public int RetryDelayMs { get; set; } = 500;
}

/// <summary>What the forwarder keeps in storage.</summary>
public sealed class ForwarderState
{
    /// <summary>Messages delivered.</summary>
    public int Forwarded { get; set; }

    /// <summary>Messages given up on after all retries.</summary>
    public int Failed { get; set; }

    /// <summary>The last failure, if any.</summary>
    public string? LastError { get; set; }
}

/// <summary>One user's forwarder.</summary>
public sealed class ForwarderPlugin(IPluginContext context, HttpClient http)
    : IMessageSubscriber, IMessenger, IStorager, IConfigurer<ForwarderConfig>, IDisplayer
{
    private readonly SemaphoreSlim stateLock = new(1, 1);
    private IMessageHandler? messages;
    private IStorageHandler? storage;
    private ForwarderConfig config = new();

    /// <inheritdoc />
    public void SetMessageHandler(IMessageHandler handler) => messages = handler;

    /// <inheritdoc />
    public void SetStorageHandler(IStorageHandler handler) => storage = handler;

    /// <inheritdoc />
    public ForwarderConfig DefaultConfig() => new();

    /// <inheritdoc />
    public Task ValidateAndSetConfigAsync(ForwarderConfig config, CancellationToken cancellationToken)
    {
        if (config.Url.Length > 0 && (!Uri.TryCreate(config.Url, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps)))
        {
            throw new ArgumentException("url must be an absolute http or https URL");
        }

        if (config.Retries is < 0 or > 10 || config.RetryDelayMs is < 0 or > 60_000)
        {
            throw new ArgumentException("retries must be 0 to 10 and retry_delay_ms 0 to 60000");
        }

        this.config = config;
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public async Task OnMessageAsync(ReceivedMessage message, CancellationToken cancellationToken)
    {
        var target = config;
        if (target.Url.Length == 0)
        {
            return;
        }

        var payload = new { id = message.Id, appid = message.ApplicationId, title = message.Title, message = message.Message, priority = message.Priority, date = message.Date };
        string? error = null;
        for (var attempt = 0; attempt <= target.Retries; attempt++)
        {
            if (attempt > 0)
            {
                await Task.Delay(target.RetryDelayMs * (1 << (attempt - 1)), cancellationToken);
            }

            try
            {
                using var response = await http.PostAsJsonAsync(target.Url, payload, cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    await UpdateAsync(s => s.Forwarded++, cancellationToken);
                    return;
                }

                error = $"{target.Url} answered {(int)response.StatusCode}";
            }
            catch (HttpRequestException e)
            {
                error = $"{target.Url}: {e.Message}";
            }

            context.Logger.LogWarning("Forwarding message {MessageId} failed (attempt {Attempt}): {Error}", message.Id, attempt + 1, error);
        }

        await UpdateAsync(s => { s.Failed++; s.LastError = error; }, cancellationToken);
        await messages!.SendMessageAsync(new PluginMessage { Title = "Forwarding failed", Message = $"Message {message.Id} was not forwarded after {target.Retries + 1} attempts: {error}" }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<string> GetDisplayAsync(Uri? location, CancellationToken cancellationToken)
    {
        var state = await LoadAsync(cancellationToken);
        var target = config.Url.Length == 0 ? "nowhere yet: set `url` in the configuration" : $"`{config.Url}`";
        return $"Forwarding to {target}. Forwarded: {state.Forwarded}, failed: {state.Failed}{(state.LastError is null ? string.Empty : $" (last error: {state.LastError})")}.";
    }

    /// <inheritdoc />
    public Task EnableAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task DisableAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task UpdateAsync(Action<ForwarderState> change, CancellationToken cancellationToken)
    {
        await stateLock.WaitAsync(cancellationToken);
        try
        {
            var state = await LoadAsync(cancellationToken);
            change(state);
            await storage!.SaveAsync(JsonSerializer.SerializeToUtf8Bytes(state), cancellationToken);
        }
        finally
        {
            stateLock.Release();
        }
    }

    private async Task<ForwarderState> LoadAsync(CancellationToken cancellationToken)
    {
        var bytes = await storage!.LoadAsync(cancellationToken);
        return bytes.Length == 0 ? new ForwarderState() : JsonSerializer.Deserialize<ForwarderState>(bytes) ?? new ForwarderState();
    }
}
