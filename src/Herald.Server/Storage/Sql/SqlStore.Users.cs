using Dapper;
using Herald.Server.Model;

namespace Herald.Server.Storage.Sql;

internal abstract partial class SqlStore
{
    public async Task<long> CountUsersAsync(CancellationToken cancellationToken) =>
        await QuerySingleAsync<long>("SELECT COUNT(*) FROM users", null, cancellationToken);

    public async Task<long> CountAdminsAsync(CancellationToken cancellationToken) =>
        await QuerySingleAsync<long>("SELECT COUNT(*) FROM users WHERE admin = @True", new { True = true }, cancellationToken);

    public Task<User?> GetUserByIdAsync(long id, CancellationToken cancellationToken) =>
        cache.UserAsync(id, async () =>
            (await QuerySingleAsync<UserRow>($"SELECT {UserRow.Columns} FROM users WHERE id = @id", new { id }, cancellationToken))?.ToModel(ReadTime));

    public async Task<User?> GetUserByNameAsync(string name, CancellationToken cancellationToken) =>
        (await QuerySingleAsync<UserRow>($"SELECT {UserRow.Columns} FROM users WHERE name = @name", new { name }, cancellationToken))?.ToModel(ReadTime);

    public async Task<IReadOnlyList<User>> GetUsersAsync(CancellationToken cancellationToken) =>
        (await QueryAsync<UserRow>($"SELECT {UserRow.Columns} FROM users ORDER BY id", null, cancellationToken)).Select(r => r.ToModel(ReadTime)).ToList();

    public async Task<User> CreateUserAsync(User user, CancellationToken cancellationToken)
    {
        var id = await InsertAsync(
            "INSERT INTO users (name, pass, admin, created_at, oidc_id) VALUES (@Name, @Pass, @Admin, @CreatedAt, @OidcId)",
            new { user.Name, user.Pass, user.Admin, CreatedAt = Time(user.CreatedAt), user.OidcId },
            cancellationToken);
        return user with { Id = id, CreatedAt = Stored(user.CreatedAt) };
    }

    public Task UpdateUserAsync(User user, CancellationToken cancellationToken) =>
        ExecuteAndClearAsync(
            "UPDATE users SET name = @Name, pass = @Pass, admin = @Admin, oidc_id = @OidcId WHERE id = @Id",
            new { user.Id, user.Name, user.Pass, user.Admin, user.OidcId },
            cancellationToken);

    public Task DeleteUserAsync(long id, CancellationToken cancellationToken) =>
        WriteAndClearAsync(
            async (connection, transaction) =>
            {
                var p = new { id };

                // Row locks are taken in the order a message insert takes them (its application, then its user), or
                // an insert holding the application and waiting for the user deadlocks with this delete (seen on
                // PostgreSQL under DeleteRaceTests): the user's applications are locked before the user row.
                if (UpdateLock.Length > 0)
                {
                    await connection.ExecuteAsync(new CommandDefinition($"SELECT id FROM applications WHERE user_id = @id{UpdateLock}", p, transaction, cancellationToken: cancellationToken));
                }

                // The user row goes first, as the application row in DeleteApplicationAsync: on an engine with row locks,
                // an insert guarded by it (InsertMessageSql) then either committed before, and its message is deleted
                // below, or waits and finds the user gone.
                var deleted = await connection.ExecuteAsync(new CommandDefinition("DELETE FROM users WHERE id = @id", p, transaction, cancellationToken: cancellationToken));
                await connection.ExecuteAsync(new CommandDefinition("DELETE FROM messages WHERE application_id IN (SELECT id FROM applications WHERE user_id = @id)", p, transaction, cancellationToken: cancellationToken));
                await connection.ExecuteAsync(new CommandDefinition("DELETE FROM applications WHERE user_id = @id", p, transaction, cancellationToken: cancellationToken));
                await connection.ExecuteAsync(new CommandDefinition("DELETE FROM clients WHERE user_id = @id", p, transaction, cancellationToken: cancellationToken));
                await connection.ExecuteAsync(new CommandDefinition("DELETE FROM plugin_confs WHERE user_id = @id", p, transaction, cancellationToken: cancellationToken));
                return deleted;
            },
            cancellationToken);
}
