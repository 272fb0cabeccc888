using System.Data.Common;
using Herald.Server.Configuration;
using Herald.Server.Model;

namespace Herald.Server.Storage.Server;

/// <summary>
/// Everything that differs between the database servers Herald runs on (PostgreSQL, MySQL/MariaDB): types and DDL,
/// quoting, how a new id is returned, row locks, the schema lock, how times are bound and read, the batched message
/// insert and what the driver's errors mean. <see cref="ServerStore"/> holds the rest, once for both.
/// </summary>
internal abstract class ServerDialect
{
    /// <summary>The engine's name in sentences (PostgreSQL, MySQL).</summary>
    public abstract string Engine { get; }

    /// <summary>Where the connection goes, never the password: host and port, or the socket.</summary>
    public abstract string Where { get; }

    /// <summary>The pool every connection comes from.</summary>
    public abstract DbDataSource DataSource { get; }

    /// <summary>Appended to an INSERT so that executing it as a scalar yields the new row's id.</summary>
    public abstract string ReturningId { get; }

    /// <summary>The row lock a message insert takes on its application and user (see SqlStore.ShareLock).</summary>
    public abstract string ShareLock { get; }

    /// <summary>The expression naming the schema (PostgreSQL) or database (MySQL) Herald's tables live in.</summary>
    public abstract string CurrentSchema { get; }

    /// <summary>A query listing the names of the indexes in <see cref="CurrentSchema"/>.</summary>
    public abstract string IndexNamesSql { get; }

    /// <summary>Takes the lock that makes schema changes run once however many processes start at the same moment.</summary>
    public abstract Task LockSchemaAsync(DbConnection connection, CancellationToken cancellationToken);

    /// <summary>Releases <see cref="LockSchemaAsync"/>'s lock.</summary>
    public abstract Task UnlockSchemaAsync(DbConnection connection, CancellationToken cancellationToken);

    /// <summary>The column type GORM v2's driver for this engine declares for <paramref name="kind"/>.</summary>
    public abstract string TypeOf(ColumnKind kind);

    /// <summary>Quotes an identifier.</summary>
    public abstract string Quote(string name);

    /// <summary>The CREATE TABLE statement Gotify 3.0 runs for <paramref name="table"/>.</summary>
    public abstract string CreateTable(GotifySchema.Table table);

    /// <summary>The CREATE INDEX statement for <paramref name="index"/>.</summary>
    public abstract string CreateIndex(GotifySchema.Index index);

    /// <summary>Runs the checks an engine needs once the schema exists (MySQL: character sets, durability settings).</summary>
    public virtual Task CheckAsync(DbConnection connection, ILogger logger, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>The value a time parameter is bound as.</summary>
    public abstract object? BindTime(DateTimeOffset? value);

    /// <summary>Reads a time column as the driver returns it.</summary>
    public abstract DateTimeOffset? ReadTime(object? value);

    /// <summary>A time cut to the digits the engine's time columns keep.</summary>
    public abstract DateTimeOffset Stored(DateTimeOffset value);

    /// <summary>Why the engine cannot store <paramref name="text"/>, or null when it can.</summary>
    public virtual string? Unstorable(string text) => null;

    /// <summary>The sentence for a driver error saying a value cannot be stored or compared, or null.</summary>
    public virtual string? Unstorable(DbException exception) => null;

    /// <summary>True when the server rolled the transaction back to break a deadlock (it may be retried as a whole).</summary>
    public abstract bool IsDeadlock(DbException exception);

    /// <summary>True when <paramref name="exception"/> reports a unique index violation.</summary>
    public abstract bool IsUniqueViolation(DbException exception);

    /// <summary>
    /// Inserts a batch of messages with <paramref name="insertSql"/> (the guarded insert, named parameters
    /// <c>@ApplicationId @Text @Title @Priority @Extras @Date</c>) inside <paramref name="transaction"/> in as few round
    /// trips as the driver allows; returns the ids in order, 0 where the guard stored nothing.
    /// </summary>
    public abstract long[] InsertMessages(DbConnection connection, DbTransaction transaction, string insertSql, IReadOnlyList<NewMessage> messages);

    /// <summary>
    /// The one sentence to stop the start with when connecting failed (refused, no such database, wrong password), or
    /// null when <paramref name="exception"/> is none of those.
    /// </summary>
    public abstract ConfigurationException? Explain(Exception exception);
}
