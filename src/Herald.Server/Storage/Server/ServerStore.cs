using System.Data;
using System.Data.Common;
using Dapper;
using Herald.Server.Configuration;
using Herald.Server.Model;
using Herald.Server.Storage.Sql;

namespace Herald.Server.Storage.Server;

/// <summary>
/// The store on a database server (PostgreSQL, MySQL/MariaDB): pooled connections, each write in its own
/// transaction, concurrency left to the server's row locks; the SQL that differs comes from the engine's
/// <see cref="ServerDialect"/>. Messages are group-committed as on SQLite: one transaction (one durable commit on
/// the server) for every message that arrived while the previous batch was committing.
/// </summary>
internal sealed class ServerStore : SqlStore
{
    private readonly ServerDialect dialect;
    private readonly ILogger logger;

    private ServerStore(ServerDialect dialect, TimeProvider time, ILogger logger)
        : base(time)
    {
        this.dialect = dialect;
        this.logger = logger;
    }

    protected override string ReturningId => dialect.ReturningId;

    protected override string ShareLock => dialect.ShareLock;

    protected override string UpdateLock => " FOR UPDATE";

    /// <summary>Connects once (so a refused connection, a missing database or a wrong password stop the start with a sentence) and returns the store.</summary>
    public static async Task<ServerStore> OpenAsync(ServerDialect dialect, TimeProvider time, ILogger logger, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await dialect.DataSource.OpenConnectionAsync(cancellationToken);
            await connection.ExecuteScalarAsync<long>(new CommandDefinition("SELECT 1", cancellationToken: cancellationToken));
        }
        catch (Exception e) when (dialect.Explain(e) is { } sentence)
        {
            await dialect.DataSource.DisposeAsync();
            throw sentence;
        }

        return new ServerStore(dialect, time, logger);
    }

    protected override Task<DbConnection> OpenReadAsync(CancellationToken cancellationToken) =>
        dialect.DataSource.OpenConnectionAsync(cancellationToken).AsTask();

    // A deadlock the server broke by rolling one transaction back is retried: nothing of it was stored.
    private const int Attempts = 3;

    protected override async Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var connection = await dialect.DataSource.OpenConnectionAsync(cancellationToken);

                // Read committed on every engine (PostgreSQL's default): InnoDB's repeatable read takes gap locks on the
                // messages index that deadlock a delete with concurrent inserts (seen under DeleteRaceTests on MariaDB).
                await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);
                var result = await work(connection, transaction);
                await transaction.CommitAsync(CancellationToken.None);
                return result;
            }
            catch (DbException e) when (attempt < Attempts && dialect.IsDeadlock(e))
            {
                logger.LogDebug("Write rolled back by a deadlock, attempt {Attempt}", attempt);
            }
        }
    }

    protected override long[] CommitMessages(IReadOnlyList<NewMessage> messages)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                // On the writer thread: synchronous calls, so the thread pool is not held while the server syncs its log.
                using var connection = dialect.DataSource.OpenConnection();
                using var transaction = connection.BeginTransaction(IsolationLevel.ReadCommitted);
                var ids = dialect.InsertMessages(connection, transaction, InsertMessageSql, messages);
                transaction.Commit();
                return ids;
            }
            catch (DbException e) when (attempt < Attempts && dialect.IsDeadlock(e))
            {
                logger.LogDebug("Message batch rolled back by a deadlock, attempt {Attempt}", attempt);
            }
        }
    }

    protected override bool IsUniqueViolation(DbException exception) => dialect.IsUniqueViolation(exception);

    protected override string? Unstorable(string text) => dialect.Unstorable(text);

    protected override string? Unstorable(DbException exception) => dialect.Unstorable(exception);

    protected override object? Time(DateTimeOffset? value) => dialect.BindTime(value);

    protected override DateTimeOffset? ReadTime(object? value) => dialect.ReadTime(value);

    protected override DateTimeOffset Stored(DateTimeOffset value) => dialect.Stored(value);

    /// <summary>Bytes, as Gotify's bytea/longblob column holds them.</summary>
    protected override object? SortKeyValue(string? key) => key is null ? null : System.Text.Encoding.UTF8.GetBytes(key);

    public override async Task<IAsyncDisposable> LockSchemaAsync(CancellationToken cancellationToken)
    {
        // A session lock: held by this connection until released or the connection ends (a crashed start frees it).
        var connection = await dialect.DataSource.OpenConnectionAsync(cancellationToken);
        try
        {
            await dialect.LockSchemaAsync(connection, cancellationToken);
            return new SchemaLock(dialect, connection);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    public override async Task MigrateAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dialect.DataSource.OpenConnectionAsync(cancellationToken);
        foreach (var table in GotifySchema.Tables)
        {
            var existing = (await connection.QueryAsync<string>(new CommandDefinition(
                $"SELECT column_name FROM information_schema.columns WHERE table_schema = {dialect.CurrentSchema} AND table_name = @name",
                new { name = table.Name },
                cancellationToken: cancellationToken))).ToHashSet(StringComparer.OrdinalIgnoreCase);
            if (existing.Count == 0)
            {
                await connection.ExecuteAsync(new CommandDefinition(dialect.CreateTable(table), cancellationToken: cancellationToken));
                logger.LogInformation("Created table {Table}", table.Name);
                continue;
            }

            // As on SQLite: a Gotify 2.x table gains the columns 3.0 added; nothing is dropped, renamed or retyped.
            foreach (var column in table.Columns.Where(c => !existing.Contains(c.Name)))
            {
                await connection.ExecuteAsync(new CommandDefinition(
                    $"ALTER TABLE {dialect.Quote(table.Name)} ADD COLUMN {dialect.Quote(column.Name)} {dialect.TypeOf(column.Kind)}", cancellationToken: cancellationToken));
                logger.LogInformation("Added column {Table}.{Column}", table.Name, column.Name);
            }
        }

        var indexes = (await connection.QueryAsync<string>(new CommandDefinition(dialect.IndexNamesSql, cancellationToken: cancellationToken)))
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var index in GotifySchema.Indexes.Where(i => !indexes.Contains(i.Name)))
        {
            await connection.ExecuteAsync(new CommandDefinition(dialect.CreateIndex(index), cancellationToken: cancellationToken));
        }

        // Gotify 3 back-fills creation times of rows written by 2.x.
        var now = dialect.BindTime(Clock.GetLocalNow());
        foreach (var table in new[] { "users", "applications", "clients", "plugin_confs" })
        {
            await connection.ExecuteAsync(new CommandDefinition(
                $"UPDATE {dialect.Quote(table)} SET created_at = @now WHERE created_at IS NULL", new { now }, cancellationToken: cancellationToken));
        }

        await dialect.CheckAsync(connection, logger, cancellationToken);
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await dialect.DataSource.DisposeAsync();
    }

    private sealed class SchemaLock(ServerDialect dialect, DbConnection connection) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            try
            {
                await dialect.UnlockSchemaAsync(connection, CancellationToken.None);
            }
            finally
            {
                await connection.DisposeAsync();
            }
        }
    }
}
