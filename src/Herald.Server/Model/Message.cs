namespace Herald.Server.Model;

/// <summary>A row of Gotify's <c>messages</c> table.</summary>
/// <param name="Extras">The extras object as UTF-8 JSON, or <see langword="null"/> when the message has none.</param>
public sealed record Message(
    long Id,
    long ApplicationId,
    string Text,
    string Title,
    long Priority,
    byte[]? Extras,
    DateTimeOffset Date);
