using Dapper;
using Herald.Server.Model;

namespace Herald.Server.Storage.Sql;

internal abstract partial class SqlStore
{
    private const string NotExpired = "(expires_at IS NULL OR expires_at > @now)";

    public async Task<Client?> GetClientByTokenAsync(string token, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var client = await cache.ClientAsync(token, async () =>
            (await QuerySingleAsync<ClientRow>($"SELECT {ClientRow.Columns} FROM clients WHERE token = @token", new { token }, cancellationToken))?.ToModel(ReadTime));

        // The cached row may have passed its inactivity expiry since it was read.
        return client is { ExpiresAt: { } expires } && expires <= now ? null : client;
    }

    public async Task<Client?> GetClientByIdAsync(long id, DateTimeOffset now, CancellationToken cancellationToken) =>
        (await QuerySingleAsync<ClientRow>($"SELECT {ClientRow.Columns} FROM clients WHERE id = @id AND {NotExpired}", new { id, now = Time(now) }, cancellationToken))?.ToModel(ReadTime);

    public async Task<IReadOnlyList<Client>> GetClientsByUserAsync(long userId, DateTimeOffset now, CancellationToken cancellationToken) =>
        (await QueryAsync<ClientRow>($"SELECT {ClientRow.Columns} FROM clients WHERE user_id = @userId AND {NotExpired} ORDER BY id", new { userId, now = Time(now) }, cancellationToken))
        .Select(r => r.ToModel(ReadTime)).ToList();

    public async Task<Client> CreateClientAsync(Client client, CancellationToken cancellationToken)
    {
        var id = await InsertAsync(
            "INSERT INTO clients (token, user_id, name, created_at, last_used, elevated_until, expires_after_inactivity_seconds, expires_at) " +
            "VALUES (@Token, @UserId, @Name, @CreatedAt, @LastUsed, @ElevatedUntil, @ExpiresAfterInactivitySeconds, @ExpiresAt)",
            ClientParameters(client),
            cancellationToken);
        return client with { Id = id, CreatedAt = Stored(client.CreatedAt), LastUsed = Stored(client.LastUsed), ElevatedUntil = Stored(client.ElevatedUntil), ExpiresAt = Stored(client.ExpiresAt) };
    }

    public Task UpdateClientAsync(Client client, CancellationToken cancellationToken) =>
        ExecuteAndClearAsync(
            "UPDATE clients SET token = @Token, name = @Name, last_used = @LastUsed, elevated_until = @ElevatedUntil, " +
            "expires_after_inactivity_seconds = @ExpiresAfterInactivitySeconds, expires_at = @ExpiresAt WHERE id = @Id",
            ClientParameters(client),
            cancellationToken);

    public Task DeleteClientAsync(long id, CancellationToken cancellationToken) =>
        ExecuteAndClearAsync("DELETE FROM clients WHERE id = @id", new { id }, cancellationToken);

    public Task<IReadOnlyList<string>> DeleteExpiredClientsAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        WriteAndClearAsync<IReadOnlyList<string>>(
            async (connection, transaction) =>
            {
                var p = new { now = Time(now) };
                var tokens = (await connection.QueryAsync<string>(new CommandDefinition(
                    "SELECT token FROM clients WHERE expires_at IS NOT NULL AND expires_at <= @now", p, transaction, cancellationToken: cancellationToken))).AsList();
                if (tokens.Count > 0)
                {
                    await connection.ExecuteAsync(new CommandDefinition("DELETE FROM clients WHERE expires_at IS NOT NULL AND expires_at <= @now", p, transaction, cancellationToken: cancellationToken));
                }

                return tokens;
            },
            cancellationToken);

    private object ClientParameters(Client c) => new
    {
        c.Id,
        c.Token,
        c.UserId,
        c.Name,
        CreatedAt = Time(c.CreatedAt),
        LastUsed = Time(c.LastUsed),
        ElevatedUntil = Time(c.ElevatedUntil),
        c.ExpiresAfterInactivitySeconds,
        ExpiresAt = Time(c.ExpiresAt),
    };
}
