namespace Herald.PluginTesting;

/// <summary>What a webhook handler answered.</summary>
/// <param name="StatusCode">The HTTP status code.</param>
/// <param name="Body">The response body as UTF-8 text.</param>
/// <param name="ContentType">The Content-Type header, if set.</param>
public sealed record WebhookResponse(int StatusCode, string Body, string? ContentType);
