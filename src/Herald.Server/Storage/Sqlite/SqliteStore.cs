using System.Data.Common;
using Dapper;
using Herald.Server.Model;
using Herald.Server.Storage.Sql;
using Microsoft.Data.Sqlite;

namespace Herald.Server.Storage.Sqlite;

/// <summary>
/// The embedded default store: one SQLite file in WAL mode with Gotify's schema. All writes go through one
/// connection, one at a time, so SQLite never reports "database is locked"; reads use pooled connections and run
/// concurrently with the writer. Commits are synced (<c>synchronous=FULL</c>), so an acknowledged write survives a
/// crash of the process or the machine; group commit of messages keeps that affordable.
/// </summary>
internal sealed class SqliteStore : SqlStore
{
    private readonly string connectionString;
    private readonly SqliteConnection writer;
    private readonly SemaphoreSlim writeGate = new(1, 1);
    private SqliteMessageWriter? messageWriter;

    private SqliteStore(string connectionString, SqliteConnection writer, TimeProvider time)
        : base(time)
    {
        this.connectionString = connectionString;
        this.writer = writer;
    }

    protected override string ReturningId => " RETURNING id";

    /// <summary>None: SQLite has no row locks, and every write transaction holds the one writer (BEGIN IMMEDIATE).</summary>
    protected override string ShareLock => string.Empty;

    /// <summary>Opens (creating if needed) the database named by a Gotify <c>sqlite3</c> connection string.</summary>
    public static async Task<SqliteStore> OpenAsync(string gotifyConnection, TimeProvider time, CancellationToken cancellationToken)
    {
        var connectionString = BuildConnectionString(gotifyConnection);
        var writer = new SqliteConnection(connectionString);
        await writer.OpenAsync(cancellationToken);
        await writer.ExecuteAsync(new CommandDefinition(
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA busy_timeout=10000; PRAGMA foreign_keys=OFF;",
            cancellationToken: cancellationToken));
        return new SqliteStore(connectionString, writer, time);
    }

    /// <summary>
    /// Turns Gotify's connection value (a path, or a go-sqlite3 <c>file:</c> URI) into a Microsoft.Data.Sqlite
    /// connection string, creating the parent folder of a file database as Gotify does.
    /// </summary>
    internal static string BuildConnectionString(string gotifyConnection)
    {
        var value = gotifyConnection.Trim();
        var query = string.Empty;
        if (value.StartsWith("file:", StringComparison.OrdinalIgnoreCase))
        {
            value = value[5..];
            var q = value.IndexOf('?', StringComparison.Ordinal);
            if (q >= 0)
            {
                query = value[(q + 1)..];
                value = value[..q];
            }
        }

        var builder = new SqliteConnectionStringBuilder { Pooling = true, DefaultTimeout = 30 };
        var memory = value is ":memory:" or "" || query.Contains("mode=memory", StringComparison.OrdinalIgnoreCase);
        if (memory)
        {
            builder.DataSource = "herald-" + Guid.NewGuid().ToString("N");
            builder.Mode = SqliteOpenMode.Memory;
            builder.Cache = SqliteCacheMode.Shared;
        }
        else
        {
            var full = Path.GetFullPath(value);
            var folder = Path.GetDirectoryName(full);
            if (!string.IsNullOrEmpty(folder))
            {
                Directory.CreateDirectory(folder);
            }

            builder.DataSource = full;
            builder.Mode = SqliteOpenMode.ReadWriteCreate;
        }

        return builder.ToString();
    }

    protected override async Task<DbConnection> OpenReadAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    protected override async Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken cancellationToken)
    {
        await writeGate.WaitAsync(cancellationToken);
        try
        {
            await using var transaction = await writer.BeginTransactionAsync(CancellationToken.None);
            var result = await work(writer, transaction);
            await transaction.CommitAsync(CancellationToken.None);
            return result;
        }
        finally
        {
            writeGate.Release();
        }
    }

    protected override long[] CommitMessages(IReadOnlyList<NewMessage> messages)
    {
        writeGate.Wait();
        try
        {
            // Prepared on first use: the messages table exists only once the migration ran.
            messageWriter ??= new SqliteMessageWriter(writer, InsertMessageSql);
            return messageWriter.Insert(messages);
        }
        finally
        {
            writeGate.Release();
        }
    }

    protected override bool IsUniqueViolation(DbException exception) =>
        exception is SqliteException { SqliteErrorCode: 19 } e && e.Message.Contains("UNIQUE", StringComparison.OrdinalIgnoreCase);

    /// <summary>Nothing to hold: the migration is one write transaction, which SQLite's file lock already makes exclusive.</summary>
    public override Task<IAsyncDisposable> LockSchemaAsync(CancellationToken cancellationToken) => Task.FromResult<IAsyncDisposable>(NoLock.Instance);

    public override Task MigrateAsync(CancellationToken cancellationToken) =>
        WriteAsync(
            async (connection, transaction) =>
            {
                foreach (var table in SqliteSchema.Tables)
                {
                    var existing = (await connection.QueryAsync<string>(new CommandDefinition(
                        $"SELECT name FROM pragma_table_info('{table.Name}')", transaction: transaction, cancellationToken: cancellationToken)))
                        .ToHashSet(StringComparer.OrdinalIgnoreCase);
                    if (existing.Count == 0)
                    {
                        var columns = string.Join(", ", table.Columns.Select(c => $"{c.Name} {c.Definition}"));
                        await connection.ExecuteAsync(new CommandDefinition($"CREATE TABLE {table.Name} ({columns})", transaction: transaction, cancellationToken: cancellationToken));
                        continue;
                    }

                    foreach (var column in table.Columns.Where(c => !existing.Contains(c.Name)))
                    {
                        await connection.ExecuteAsync(new CommandDefinition(
                            $"ALTER TABLE {table.Name} ADD COLUMN {column.Name} {column.Definition}", transaction: transaction, cancellationToken: cancellationToken));
                    }
                }

                foreach (var index in SqliteSchema.Indexes)
                {
                    await connection.ExecuteAsync(new CommandDefinition(index, transaction: transaction, cancellationToken: cancellationToken));
                }

                // Gotify 3 back-fills creation times of rows written by 2.x.
                var now = SqlTime.Format(Clock.GetLocalNow());
                foreach (var table in new[] { "users", "applications", "clients", "plugin_confs" })
                {
                    await connection.ExecuteAsync(new CommandDefinition(
                        $"UPDATE {table} SET created_at = @now WHERE created_at IS NULL", new { now }, transaction, cancellationToken: cancellationToken));
                }

                return 0;
            },
            cancellationToken);

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await writeGate.WaitAsync();
        try
        {
            messageWriter?.Dispose();
            await writer.DisposeAsync();
            SqliteConnection.ClearAllPools();
        }
        finally
        {
            writeGate.Release();
            writeGate.Dispose();
        }
    }

    private sealed class NoLock : IAsyncDisposable
    {
        public static readonly NoLock Instance = new();

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
