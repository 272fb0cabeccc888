using System.Data.Common;
using Dapper;
using Herald.Server.Configuration;
using Herald.Server.Model;
using MySqlConnector;

namespace Herald.Server.Storage.Server.MySql;

/// <summary>
/// MySQL and MariaDB as Gotify's GORM v2 driver uses them: <c>bigint unsigned AUTO_INCREMENT</c> ids, <c>longblob</c>,
/// <c>datetime(3)</c> wall-clock times in the DSN's <c>loc</c>, backquoted names, <c>LAST_INSERT_ID()</c>. Connections
/// always speak utf8mb4 (MySqlConnector does, whatever the DSN's <c>charset</c>), and the tables Herald creates are
/// utf8mb4 with a binary collation, so emoji store and tokens, names and keys compare as bytes, as on the other engines.
/// </summary>
internal sealed class MySqlDialect : ServerDialect
{
    private readonly MySqlDataSource dataSource;
    private readonly TimeZoneInfo zone;
    private readonly string where;
    private readonly string database;
    private readonly string user;

    public MySqlDialect(MySqlConnectionSettings settings)
    {
        var builder = new MySqlConnectionStringBuilder(settings.ConnectionString);
        zone = settings.Location;
        where = MySqlDsn.Describe(settings.ConnectionString);
        database = builder.Database;
        user = builder.UserID;
        dataSource = new MySqlDataSource(builder.ConnectionString);
    }

    public override string Engine => "MySQL";

    public override string Where => where;

    public override DbDataSource DataSource => dataSource;

    public override string ReturningId => "; SELECT LAST_INSERT_ID()";

    /// <summary>MariaDB's spelling (MySQL 8 accepts it too).</summary>
    public override string ShareLock => " LOCK IN SHARE MODE";

    public override string CurrentSchema => "DATABASE()";

    public override string IndexNamesSql => "SELECT DISTINCT index_name FROM information_schema.statistics WHERE table_schema = DATABASE()";

    public override async Task LockSchemaAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        // GET_LOCK waits at most the given seconds; another process migrating a large database may take minutes.
        var got = await connection.ExecuteScalarAsync<long?>(new CommandDefinition("SELECT GET_LOCK('herald.schema', 600)", cancellationToken: cancellationToken));
        if (got != 1)
        {
            throw new ConfigurationException("GOTIFY_DATABASE_CONNECTION: another Herald held the schema lock for 10 minutes; start again when its migration is done");
        }
    }

    public override Task UnlockSchemaAsync(DbConnection connection, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition("SELECT RELEASE_LOCK('herald.schema')", cancellationToken: cancellationToken));

    public override string TypeOf(ColumnKind kind) => kind switch
    {
        ColumnKind.Id => "bigint unsigned AUTO_INCREMENT",
        ColumnKind.Ref => "bigint unsigned",
        ColumnKind.RefNotNullZero => "bigint unsigned NOT NULL DEFAULT 0",
        ColumnKind.Int => "bigint",
        ColumnKind.Bool => "boolean",
        ColumnKind.Text => "text",
        ColumnKind.Token => "varchar(180)",
        ColumnKind.Bytes => "longblob",
        ColumnKind.Time => "datetime(3) NULL",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    public override string Quote(string name) => "`" + name + "`";

    /// <summary>Gotify's CREATE TABLE, plus the character set: Gotify leaves it to the server default, which is latin1 on a stock MariaDB.</summary>
    public override string CreateTable(GotifySchema.Table table) =>
        $"CREATE TABLE {Quote(table.Name)} ({string.Join(",", table.Columns.Select(c => Quote(c.Name) + " " + TypeOf(c.Kind)))},PRIMARY KEY (`id`)) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin";

    public override string CreateIndex(GotifySchema.Index index) =>
        $"CREATE {(index.Unique ? "UNIQUE " : string.Empty)}INDEX {Quote(index.Name)} ON {Quote(index.Table)} ({string.Join(",", index.Columns.Select(c => Quote(c.Name) + (c.MySqlPrefix > 0 ? $"({c.MySqlPrefix})" : string.Empty)))})";

    public override async Task CheckAsync(DbConnection connection, ILogger logger, CancellationToken cancellationToken)
    {
        // Gotify's example DSN says charset=utf8, and its tables take the server's default: a 3-byte table refuses emoji.
        var narrow = (await connection.QueryAsync<(string Table, string Collation)>(new CommandDefinition(
            "SELECT table_name, table_collation FROM information_schema.tables WHERE table_schema = DATABASE() " +
            "AND table_name IN ('users','applications','messages','clients','plugin_confs') AND table_collation NOT LIKE 'utf8mb4%'",
            cancellationToken: cancellationToken))).AsList();
        foreach (var (table, collation) in narrow)
        {
            logger.LogWarning(
                "Table {Table} is in {Collation}, which cannot store emoji or other 4-byte characters; fix it with: ALTER TABLE `{Table}` CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_bin",
                table,
                collation,
                table);
        }

        var flush = await connection.ExecuteScalarAsync<long?>(new CommandDefinition("SELECT @@innodb_flush_log_at_trx_commit", cancellationToken: cancellationToken));
        if (flush is not null and not 1)
        {
            logger.LogWarning("innodb_flush_log_at_trx_commit is {Value}: the server acknowledges commits before they are on disk, so a 200 from POST /message may be lost in a crash of the database server; set it to 1", flush);
        }
    }

    /// <summary>datetime holds wall-clock time without zone: Gotify wrote it in loc's zone, so Herald does.</summary>
    public override object? BindTime(DateTimeOffset? value) => value is { } v ? TimeZoneInfo.ConvertTime(v, zone).DateTime : null;

    public override DateTimeOffset? ReadTime(object? value) => value switch
    {
        DateTime dt when dt == DateTime.MinValue => null,
        DateTime dt => new DateTimeOffset(DateTime.SpecifyKind(dt, DateTimeKind.Unspecified), zone.GetUtcOffset(dt)),
        _ => SqlTime.Parse(value),
    };

    /// <summary>datetime(3) keeps milliseconds.</summary>
    public override DateTimeOffset Stored(DateTimeOffset value) => value.AddTicks(-(value.Ticks % TimeSpan.TicksPerMillisecond));

    public override string? Unstorable(DbException exception) => exception is MySqlException e ? e.ErrorCode switch
    {
        MySqlErrorCode.DataTooLong => $"a value is longer than its MySQL column holds (text: {TextLimit.MaxBytes} bytes)",
        MySqlErrorCode.TruncatedWrongValueForField => "a value cannot be stored in this table's character set; convert the table to utf8mb4 (see the start-up log)",
        _ => null,
    } : null;

    public override bool IsDeadlock(DbException exception) =>
        exception is MySqlException { ErrorCode: MySqlErrorCode.LockDeadlock or MySqlErrorCode.LockWaitTimeout };

    public override bool IsUniqueViolation(DbException exception) => exception is MySqlException { ErrorCode: MySqlErrorCode.DuplicateKeyEntry };

    public override long[] InsertMessages(DbConnection connection, DbTransaction transaction, string insertSql, IReadOnlyList<NewMessage> messages)
    {
        // One statement per message (the batch API reports no id per command), all in the caller's one transaction:
        // the durable commit, the cost that matters, is still one per batch.
        using var command = new MySqlCommand(insertSql, (MySqlConnection)connection, (MySqlTransaction)transaction);
        var applicationId = command.Parameters.Add("@ApplicationId", MySqlDbType.UInt64);
        var text = command.Parameters.Add("@Text", MySqlDbType.Text);
        var title = command.Parameters.Add("@Title", MySqlDbType.Text);
        var priority = command.Parameters.Add("@Priority", MySqlDbType.Int64);
        var extras = command.Parameters.Add("@Extras", MySqlDbType.LongBlob);
        var date = command.Parameters.Add("@Date", MySqlDbType.DateTime);
        var ids = new long[messages.Count];
        for (var i = 0; i < ids.Length; i++)
        {
            var message = messages[i];
            applicationId.Value = message.ApplicationId;
            text.Value = message.Text;
            title.Value = message.Title;
            priority.Value = message.Priority;
            extras.Value = (object?)message.Extras ?? DBNull.Value;
            date.Value = BindTime(message.Date);
            ids[i] = command.ExecuteNonQuery() == 1 ? command.LastInsertedId : 0;
        }

        return ids;
    }

    public override ConfigurationException? Explain(Exception exception)
    {
        const string Key = "GOTIFY_DATABASE_CONNECTION";
        return exception switch
        {
            MySqlException { ErrorCode: MySqlErrorCode.UnknownDatabase } =>
                new($"{Key}: MySQL at {where} has no database \"{database}\"; create it (CREATE DATABASE `{database}` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin) and start again: like Gotify, Herald does not create the database", exception),
            MySqlException { ErrorCode: MySqlErrorCode.AccessDenied or MySqlErrorCode.DatabaseAccessDenied } e =>
                new($"{Key}: MySQL at {where} refused user \"{user}\" ({e.Message}); correct user and password, or grant the user access to \"{database}\"", exception),
            MySqlException { ErrorCode: MySqlErrorCode.UnableToConnectToHost } =>
                new($"{Key}: cannot connect to MySQL at {where}; start the database server or correct the address in tcp(…) or unix(…)", exception),
            MySqlException e =>
                new($"{Key}: cannot connect to MySQL at {where} ({e.Message}); correct the connection settings", exception),
            _ => null,
        };
    }
}
