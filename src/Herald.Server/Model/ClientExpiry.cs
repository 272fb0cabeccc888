using Herald.Server.Model;

namespace Herald.Server.Model;

/// <summary>Gotify 3's inactivity expiry: <c>expires_at = (last_used ?? created_at) + seconds</c>, none when seconds is 0.</summary>
internal static class ClientExpiry
{
    /// <param name="client">The client, with its inactivity period and times.</param>
    /// <param name="now">Counts as the last use of a client that has neither a last use nor a creation time.</param>
    public static DateTimeOffset? ExpiresAt(Client client, DateTimeOffset now) =>
        client.ExpiresAfterInactivitySeconds <= 0
            ? null
            : (client.LastUsed ?? client.CreatedAt ?? now).AddSeconds(client.ExpiresAfterInactivitySeconds);

    public static Client Touched(Client client, DateTimeOffset now)
    {
        var touched = client with { LastUsed = now };
        return touched with { ExpiresAt = ExpiresAt(touched, now) };
    }
}
