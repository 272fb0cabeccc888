using System.Data.Common;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Dapper;
using Herald.Server.Configuration;
using Herald.Server.Model;
using Npgsql;
using NpgsqlTypes;

namespace Herald.Server.Storage.Server.Postgres;

/// <summary>
/// PostgreSQL as Gotify's GORM v2 driver uses it: <c>bigserial</c> ids, <c>bytea</c> blobs, <c>timestamptz</c> times,
/// double-quoted names, indexes created after their table, <c>RETURNING</c> for new ids.
/// </summary>
internal sealed partial class PostgresDialect : ServerDialect
{
    // pg_advisory_lock takes a 64-bit key; this one is "herald.s" in ASCII, fixed so every Herald version agrees.
    private const long SchemaLockKey = 0x68657261_6C642E73;

    private readonly NpgsqlDataSource dataSource;
    private readonly string where;
    private readonly string database;
    private readonly string user;

    public PostgresDialect(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);

        // 200 on POST /message means committed: a server configured with synchronous_commit=off would acknowledge
        // commits its log has not flushed, so each session asks for the flush whatever the server's default.
        builder.Options = (builder.Options is { Length: > 0 } o ? o + " " : string.Empty) + "-c synchronous_commit=on";
        where = PostgresDsn.Describe(connectionString);
        database = builder.Database ?? builder.Username ?? string.Empty;
        user = builder.Username ?? Environment.UserName;
        dataSource = NpgsqlDataSource.Create(builder.ConnectionString);
    }

    public override string Engine => "PostgreSQL";

    public override string Where => where;

    public override DbDataSource DataSource => dataSource;

    public override string ReturningId => " RETURNING id";

    public override string ShareLock => " FOR SHARE";

    public override string CurrentSchema => "current_schema()";

    public override string IndexNamesSql => "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()";

    public override Task LockSchemaAsync(DbConnection connection, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_lock(@key)", new { key = SchemaLockKey }, cancellationToken: cancellationToken));

    public override Task UnlockSchemaAsync(DbConnection connection, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_unlock(@key)", new { key = SchemaLockKey }, cancellationToken: cancellationToken));

    public override string TypeOf(ColumnKind kind) => kind switch
    {
        ColumnKind.Id => "bigserial",
        ColumnKind.Ref or ColumnKind.Int => "bigint",
        ColumnKind.RefNotNullZero => "bigint NOT NULL DEFAULT 0",
        ColumnKind.Bool => "boolean",
        ColumnKind.Text => "text",
        ColumnKind.Token => "varchar(180)",
        ColumnKind.Bytes => "bytea",
        ColumnKind.Time => "timestamptz",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    public override string Quote(string name) => "\"" + name + "\"";

    public override string CreateTable(GotifySchema.Table table) =>
        $"CREATE TABLE {Quote(table.Name)} ({string.Join(",", table.Columns.Select(c => Quote(c.Name) + " " + TypeOf(c.Kind)))},PRIMARY KEY (\"id\"))";

    public override string CreateIndex(GotifySchema.Index index) =>
        $"CREATE {(index.Unique ? "UNIQUE " : string.Empty)}INDEX IF NOT EXISTS {Quote(index.Name)} ON {Quote(index.Table)} ({string.Join(",", index.Columns.Select(c => Quote(c.Name)))})";

    /// <summary>timestamptz stores an instant: bound in UTC (Npgsql refuses other offsets).</summary>
    public override object? BindTime(DateTimeOffset? value) => value?.ToUniversalTime();

    /// <summary>Npgsql reads timestamptz as a UTC DateTime; shown in the server's zone, as Gotify's pgx does.</summary>
    public override DateTimeOffset? ReadTime(object? value) => value switch
    {
        DateTime { Kind: DateTimeKind.Utc } utc => new DateTimeOffset(utc).ToLocalTime(),
        DateTime local => new DateTimeOffset(DateTime.SpecifyKind(local, DateTimeKind.Utc)).ToLocalTime(),
        _ => SqlTime.Parse(value),
    };

    /// <summary>timestamptz keeps microseconds; .NET times have tenths of them.</summary>
    public override DateTimeOffset Stored(DateTimeOffset value) => value.AddTicks(-(value.Ticks % 10));

    private const string NoNul = "PostgreSQL cannot store the character U+0000 (NUL) in text; remove it";

    public override string? Unstorable(string text) => text.Contains('\0', StringComparison.Ordinal) ? NoNul : null;

    /// <summary>22021: a parameter with NUL (Go's JSON keeps it, PostgreSQL's text has no such character).</summary>
    public override string? Unstorable(DbException exception) =>
        exception is PostgresException { SqlState: PostgresErrorCodes.CharacterNotInRepertoire or PostgresErrorCodes.UntranslatableCharacter } ? NoNul : null;

    public override bool IsDeadlock(DbException exception) =>
        exception is PostgresException { SqlState: PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure };

    public override bool IsUniqueViolation(DbException exception) => exception is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation };

    public override long[] InsertMessages(DbConnection connection, DbTransaction transaction, string insertSql, IReadOnlyList<NewMessage> messages)
    {
        // One round trip for the whole batch; batch commands take positional parameters ($1…), named ones are rewritten.
        var names = new List<string>();
        var sql = Placeholder().Replace(insertSql, m =>
        {
            var index = names.IndexOf(m.Groups[1].Value);
            if (index < 0)
            {
                names.Add(m.Groups[1].Value);
                index = names.Count - 1;
            }

            return "$" + (index + 1);
        }) + " RETURNING id";

        using var batch = new NpgsqlBatch((NpgsqlConnection)connection, (NpgsqlTransaction)transaction);
        foreach (var message in messages)
        {
            var command = new NpgsqlBatchCommand(sql);
            foreach (var name in names)
            {
                command.Parameters.Add(name switch
                {
                    "ApplicationId" => new NpgsqlParameter<long> { TypedValue = message.ApplicationId },
                    "Text" => new NpgsqlParameter<string> { TypedValue = message.Text },
                    "Title" => new NpgsqlParameter<string> { TypedValue = message.Title },
                    "Priority" => new NpgsqlParameter<long> { TypedValue = message.Priority },
                    "Extras" => new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Bytea, Value = (object?)message.Extras ?? DBNull.Value },
                    "Date" => new NpgsqlParameter<DateTimeOffset> { TypedValue = message.Date.ToUniversalTime() },
                    _ => throw new InvalidOperationException($"the message insert names an unknown parameter {name}"),
                });
            }

            batch.BatchCommands.Add(command);
        }

        var ids = new long[messages.Count];
        using var reader = batch.ExecuteReader();
        for (var i = 0; i < ids.Length; i++)
        {
            ids[i] = reader.Read() ? reader.GetInt64(0) : 0;
            reader.NextResult();
        }

        return ids;
    }

    public override ConfigurationException? Explain(Exception exception)
    {
        const string Key = "GOTIFY_DATABASE_CONNECTION";
        return exception switch
        {
            PostgresException { SqlState: PostgresErrorCodes.InvalidCatalogName } =>
                new($"{Key}: PostgreSQL at {where} has no database \"{database}\"; create it (CREATE DATABASE \"{database}\" OWNER \"{user}\") and start again: like Gotify, Herald does not create the database", exception),
            PostgresException { SqlState: PostgresErrorCodes.InvalidPassword or PostgresErrorCodes.InvalidAuthorizationSpecification } e =>
                new($"{Key}: PostgreSQL at {where} refused user \"{user}\" ({e.MessageText}); correct user and password, or the server's pg_hba.conf", exception),
            PostgresException e =>
                new($"{Key}: PostgreSQL at {where} refused the connection ({e.SqlState}: {e.MessageText}); correct the connection settings", exception),
            NpgsqlException { InnerException: SocketException s } =>
                new($"{Key}: cannot connect to PostgreSQL at {where} ({s.SocketErrorCode}: {s.Message}); start the database server or correct host and port", exception),
            NpgsqlException { InnerException: TimeoutException } or TimeoutException =>
                new($"{Key}: PostgreSQL at {where} did not answer in time; check that the server runs and the network reaches it, or raise connect_timeout", exception),
            NpgsqlException e =>
                new($"{Key}: cannot connect to PostgreSQL at {where} ({e.Message}); correct the connection settings", exception),
            _ => null,
        };
    }

    [GeneratedRegex(@"@([A-Za-z]+)")]
    private static partial Regex Placeholder();
}
