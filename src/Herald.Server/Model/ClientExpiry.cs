using Herald.Server.Model;

namespace Herald.Server.Model;

/// <summary>Gotify 3's inactivity expiry: <c>expires_at = (last_used ?? created_at) + seconds</c>, none when seconds is 0.</summary>
internal static class ClientExpiry
{
    public static DateTimeOffset? ExpiresAt(Client client) =>
        client.ExpiresAfterInactivitySeconds <= 0
            ? null
            : (client.LastUsed ?? client.CreatedAt ?? DateTimeOffset.UtcNow).AddSeconds(client.ExpiresAfterInactivitySeconds);

    public static Client Touched(Client client, DateTimeOffset now)
    {
        var touched = client with { LastUsed = now };
        return touched with { ExpiresAt = ExpiresAt(touched) };
    }
}
