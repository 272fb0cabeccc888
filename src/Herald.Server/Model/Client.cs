namespace Herald.Server.Model;

/// <summary>A row of Gotify's <c>clients</c> table: a device or session that reads messages and manages the account.</summary>
/// <param name="ExpiresAfterInactivitySeconds">0 means the client never expires.</param>
/// <param name="ExpiresAt">Derived from <c>(LastUsed ?? CreatedAt) + ExpiresAfterInactivitySeconds</c>.</param>
public sealed record Client(
    long Id,
    string Token,
    long UserId,
    string Name,
    DateTimeOffset? CreatedAt,
    DateTimeOffset? LastUsed,
    DateTimeOffset? ElevatedUntil,
    long ExpiresAfterInactivitySeconds,
    DateTimeOffset? ExpiresAt);
