using Dapper;
using Herald.Server.Model;

namespace Herald.Server.Storage.Sql;

internal abstract partial class SqlStore
{
    public Task<Application?> GetApplicationByTokenAsync(string token, CancellationToken cancellationToken) =>
        cache.ApplicationAsync(token, async () =>
            (await QuerySingleAsync<ApplicationRow>($"SELECT {ApplicationRow.Columns} FROM applications WHERE token = @token", new { token }, cancellationToken))?.ToModel(ReadTime));

    public async Task<Application?> GetApplicationByIdAsync(long id, CancellationToken cancellationToken) =>
        (await QuerySingleAsync<ApplicationRow>($"SELECT {ApplicationRow.Columns} FROM applications WHERE id = @id", new { id }, cancellationToken))?.ToModel(ReadTime);

    public async Task<IReadOnlyList<Application>> GetApplicationsByUserAsync(long userId, CancellationToken cancellationToken) =>
        (await QueryAsync<ApplicationRow>($"SELECT {ApplicationRow.Columns} FROM applications WHERE user_id = @userId ORDER BY sort_key, id", new { userId }, cancellationToken))
        .Select(r => r.ToModel(ReadTime)).ToList();

    public async Task<string> GetMaxSortKeyAsync(long userId, CancellationToken cancellationToken)
    {
        // Not MAX(sort_key): PostgreSQL before 18 has no max() for bytea; ordering compares bytes on every engine.
        var value = await ScalarAsync("SELECT sort_key FROM applications WHERE user_id = @userId ORDER BY sort_key DESC LIMIT 1", new { userId }, cancellationToken);
        return value switch
        {
            null or DBNull => string.Empty,
            byte[] b => System.Text.Encoding.UTF8.GetString(b),
            _ => value.ToString() ?? string.Empty,
        };
    }

    public async Task<Application> CreateApplicationAsync(Application application, CancellationToken cancellationToken)
    {
        var id = await InsertAsync(
            "INSERT INTO applications (token, user_id, name, description, internal, image, default_priority, created_at, last_used, sort_key) " +
            "VALUES (@Token, @UserId, @Name, @Description, @Internal, @Image, @DefaultPriority, @CreatedAt, @LastUsed, @SortKey)",
            ApplicationParameters(application),
            cancellationToken);
        return application with { Id = id, CreatedAt = Stored(application.CreatedAt), LastUsed = Stored(application.LastUsed) };
    }

    public Task UpdateApplicationAsync(Application application, CancellationToken cancellationToken) =>
        ExecuteAndClearAsync(
            "UPDATE applications SET token = @Token, user_id = @UserId, name = @Name, description = @Description, internal = @Internal, image = @Image, " +
            "default_priority = @DefaultPriority, last_used = @LastUsed, sort_key = @SortKey WHERE id = @Id",
            ApplicationParameters(application),
            cancellationToken);

    public Task DeleteApplicationAsync(long id, CancellationToken cancellationToken) =>
        WriteAndClearAsync(
            async (connection, transaction) =>
            {
                // The application row goes first: on an engine with row locks that waits for, or blocks, every insert
                // guarded by it (InsertMessageSql), so the messages delete after it sees each message committed before.
                var deleted = await connection.ExecuteAsync(new CommandDefinition("DELETE FROM applications WHERE id = @id", new { id }, transaction, cancellationToken: cancellationToken));
                await connection.ExecuteAsync(new CommandDefinition("DELETE FROM messages WHERE application_id = @id", new { id }, transaction, cancellationToken: cancellationToken));
                return deleted;
            },
            cancellationToken);

    public Task TouchApplicationAsync(long id, DateTimeOffset lastUsed, CancellationToken cancellationToken) =>
        ExecuteAndClearAsync("UPDATE applications SET last_used = @LastUsed WHERE id = @id", new { id, LastUsed = Time(lastUsed) }, cancellationToken);

    public Task FillMissingSortKeysAsync(CancellationToken cancellationToken) =>
        WriteAndClearAsync(
            async (connection, transaction) =>
            {
                var missing = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                    "SELECT COUNT(*) FROM applications WHERE sort_key IS NULL OR sort_key = ''", transaction: transaction, cancellationToken: cancellationToken));
                if (missing == 0)
                {
                    return 0;
                }

                // As Gotify: re-key every application of every user in their current order, a0, a1, …
                var rows = (await connection.QueryAsync<(long Id, long UserId)>(new CommandDefinition(
                    "SELECT id, user_id FROM applications ORDER BY user_id, sort_key, id", transaction: transaction, cancellationToken: cancellationToken))).AsList();
                await connection.ExecuteAsync(new CommandDefinition("UPDATE applications SET sort_key = NULL", transaction: transaction, cancellationToken: cancellationToken));
                long currentUser = -1;
                var key = string.Empty;
                foreach (var (id, userId) in rows)
                {
                    key = userId == currentUser ? FractionalIndex.KeyAfter(key) : FractionalIndex.First;
                    currentUser = userId;
                    await connection.ExecuteAsync(new CommandDefinition("UPDATE applications SET sort_key = @key WHERE id = @id", new { key = SortKeyValue(key), id }, transaction, cancellationToken: cancellationToken));
                }

                return rows.Count;
            },
            cancellationToken);

    private object ApplicationParameters(Application a) => new
    {
        a.Id,
        a.Token,
        a.UserId,
        a.Name,
        a.Description,
        a.Internal,
        a.Image,
        a.DefaultPriority,
        CreatedAt = Time(a.CreatedAt),
        LastUsed = Time(a.LastUsed),
        SortKey = SortKeyValue(a.SortKey),
    };
}
