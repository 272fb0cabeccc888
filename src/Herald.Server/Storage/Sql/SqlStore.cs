using System.Data.Common;
using Dapper;
using Herald.Server.Model;

namespace Herald.Server.Storage.Sql;

/// <summary>
/// The engine-neutral part of the SQL stores: Gotify's tables queried with portable SQL through Dapper.
/// An engine supplies connections, write serialization, id retrieval and its error codes.
/// </summary>
internal abstract partial class SqlStore : IHeraldStore
{
    private readonly MessageBatcher batcher;
    private readonly ReadCache cache;

    /// <param name="time">The clock of the read cache and of the times the store writes itself (migration back-fills).</param>
    protected SqlStore(TimeProvider time)
    {
        Clock = time;
        cache = new ReadCache(time);
        batcher = new MessageBatcher(CommitMessages);
    }

    protected TimeProvider Clock { get; }

    /// <summary>Appended to an INSERT so that executing it as a scalar yields the new row's id.</summary>
    protected abstract string ReturningId { get; }

    /// <summary>
    /// Appended to the SELECT that guards a message insert (<see cref="InsertMessageSql"/>) so that the insert and the
    /// delete of its application are ordered: an engine with row locks and read-committed snapshots (PostgreSQL,
    /// MySQL) returns <c>" FOR SHARE"</c>, otherwise an insert can read the application while a delete of it is under
    /// way and commit a message the delete never saw. An engine that serializes whole write transactions returns "".
    /// </summary>
    protected abstract string ShareLock { get; }

    /// <summary>
    /// Appended to a SELECT that locks rows for a delete: <c>" FOR UPDATE"</c> on engines with row locks, "" where whole
    /// write transactions are serialized.
    /// </summary>
    protected virtual string UpdateLock => string.Empty;

    /// <summary>Opens a connection for reads; disposing it returns it to the pool.</summary>
    protected abstract Task<DbConnection> OpenReadAsync(CancellationToken cancellationToken);

    /// <summary>Runs <paramref name="work"/> in a committed transaction; an engine with one writer serializes these calls.</summary>
    protected abstract Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken cancellationToken);

    /// <summary>True when <paramref name="exception"/> reports a unique index violation.</summary>
    protected abstract bool IsUniqueViolation(DbException exception);

    /// <summary>The value a time parameter is bound as.</summary>
    protected virtual object? Time(DateTimeOffset? value) => SqlTime.Format(value);

    /// <summary>Reads a time column as the engine returns it (text on SQLite, typed values on the servers).</summary>
    protected virtual DateTimeOffset? ReadTime(object? value) => SqlTime.Parse(value);

    /// <summary>
    /// A time cut to the digits the engine's time columns keep, so that what a create returns equals what a later read
    /// returns (PostgreSQL keeps microseconds, MySQL's <c>datetime(3)</c> milliseconds; SQLite's text keeps all).
    /// </summary>
    protected virtual DateTimeOffset Stored(DateTimeOffset value) => value;

    private DateTimeOffset? Stored(DateTimeOffset? value) => value is { } v ? Stored(v) : null;

    /// <summary>
    /// The value an application's sort key is bound as: Gotify declares the column as bytes (blob, bytea, longblob) so
    /// that keys compare bytewise on every engine; its SQLite driver binds the Go string as text, which SQLite keeps.
    /// </summary>
    protected virtual object? SortKeyValue(string? key) => key;

    /// <summary>Why the engine cannot store <paramref name="text"/> as it is, or null when it can.</summary>
    protected virtual string? Unstorable(string text) => null;

    /// <summary>The sentence for a driver error that says a value cannot be stored (or compared), or null for any other error.</summary>
    protected virtual string? Unstorable(DbException exception) => null;

    public abstract Task MigrateAsync(CancellationToken cancellationToken);

    public abstract Task<IAsyncDisposable> LockSchemaAsync(CancellationToken cancellationToken);

    public async Task<bool> PingAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await OpenReadAsync(cancellationToken);
            return await connection.ExecuteScalarAsync<long>(new CommandDefinition("SELECT 1", cancellationToken: cancellationToken)) == 1;
        }
        catch (DbException)
        {
            return false;
        }
    }

    public virtual async ValueTask DisposeAsync()
    {
        await batcher.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    protected Task<IReadOnlyList<T>> QueryAsync<T>(string sql, object? parameters, CancellationToken cancellationToken) =>
        ReadAsync<IReadOnlyList<T>>(async c => (await c.QueryAsync<T>(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken))).AsList(), cancellationToken);

    protected Task<T?> QuerySingleAsync<T>(string sql, object? parameters, CancellationToken cancellationToken) =>
        ReadAsync(c => c.QueryFirstOrDefaultAsync<T>(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken)), cancellationToken);

    protected Task<object?> ScalarAsync(string sql, object? parameters, CancellationToken cancellationToken) =>
        ReadAsync(c => c.ExecuteScalarAsync(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken)), cancellationToken);

    private async Task<T> ReadAsync<T>(Func<DbConnection, Task<T>> read, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await OpenReadAsync(cancellationToken);
            return await read(connection);
        }
        catch (DbException e) when (Unstorable(e) is { } why)
        {
            throw new UnstorableValueException(why, e);
        }
    }

    protected Task<int> ExecuteAsync(string sql, object? parameters, CancellationToken cancellationToken) =>
        WriteGuardedAsync((c, t) => c.ExecuteAsync(new CommandDefinition(sql, parameters, t, cancellationToken: cancellationToken)), cancellationToken);

    protected Task<long> InsertAsync(string sql, object parameters, CancellationToken cancellationToken) =>
        WriteGuardedAsync((c, t) => c.ExecuteScalarAsync<long>(new CommandDefinition(sql + ReturningId, parameters, t, cancellationToken: cancellationToken)), cancellationToken);

    /// <summary>A write to applications or users: the read cache is cleared once it committed.</summary>
    protected async Task<int> ExecuteAndClearAsync(string sql, object? parameters, CancellationToken cancellationToken)
    {
        try
        {
            return await ExecuteAsync(sql, parameters, cancellationToken);
        }
        finally
        {
            cache.Clear();
        }
    }

    protected async Task<T> WriteAndClearAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken cancellationToken)
    {
        try
        {
            return await WriteAsync(work, cancellationToken);
        }
        catch (DbException e) when (Unstorable(e) is { } why)
        {
            throw new UnstorableValueException(why, e);
        }
        finally
        {
            cache.Clear();
        }
    }

    /// <summary>Runs a write and turns the engine's unique violation into <see cref="DuplicateKeyException"/>.</summary>
    protected async Task<T> WriteGuardedAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken cancellationToken)
    {
        try
        {
            return await WriteAsync(work, cancellationToken);
        }
        catch (DbException e) when (IsUniqueViolation(e))
        {
            throw new DuplicateKeyException(e.Message, e);
        }
        catch (DbException e) when (Unstorable(e) is { } why)
        {
            throw new UnstorableValueException(why, e);
        }
    }

    public Task<Message> CreateMessageAsync(NewMessage message, CancellationToken cancellationToken)
    {
        // Checked before the message joins a batch: a value the engine refuses would fail every message committed with it.
        if ((Unstorable(message.Text) ?? Unstorable(message.Title)) is { } why)
        {
            throw new UnstorableValueException(why);
        }

        return batcher.EnqueueAsync(message with { Date = Stored(message.Date) }, cancellationToken);
    }

    /// <summary>
    /// Inserts a batch of messages in one durably committed transaction and returns their ids in the batch's order,
    /// 0 for a message whose application or user no longer exists (<see cref="InsertMessageSql"/> stored nothing).
    /// The ingest hot path, so each engine writes it with its fastest means; it runs on the message writer thread only.
    /// </summary>
    protected abstract long[] CommitMessages(IReadOnlyList<NewMessage> messages);
}
