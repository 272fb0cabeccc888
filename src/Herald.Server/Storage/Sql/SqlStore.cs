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

    /// <summary>Opens a connection for reads; disposing it returns it to the pool.</summary>
    protected abstract Task<DbConnection> OpenReadAsync(CancellationToken cancellationToken);

    /// <summary>Runs <paramref name="work"/> in a committed transaction; an engine with one writer serializes these calls.</summary>
    protected abstract Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken cancellationToken);

    /// <summary>True when <paramref name="exception"/> reports a unique index violation.</summary>
    protected abstract bool IsUniqueViolation(DbException exception);

    /// <summary>The value a time parameter is bound as.</summary>
    protected virtual object? Time(DateTimeOffset? value) => SqlTime.Format(value);

    public abstract Task MigrateAsync(CancellationToken cancellationToken);

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

    protected async Task<IReadOnlyList<T>> QueryAsync<T>(string sql, object? parameters, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReadAsync(cancellationToken);
        var rows = await connection.QueryAsync<T>(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken));
        return rows.AsList();
    }

    protected async Task<T?> QuerySingleAsync<T>(string sql, object? parameters, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReadAsync(cancellationToken);
        return await connection.QueryFirstOrDefaultAsync<T>(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken));
    }

    protected async Task<object?> ScalarAsync(string sql, object? parameters, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReadAsync(cancellationToken);
        return await connection.ExecuteScalarAsync(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken));
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
    }

    public Task<Message> CreateMessageAsync(NewMessage message, CancellationToken cancellationToken) =>
        batcher.EnqueueAsync(message, cancellationToken);

    /// <summary>
    /// Inserts a batch of messages in one durably committed transaction and returns their ids in the batch's order,
    /// 0 for a message whose application or user no longer exists (<see cref="InsertMessageSql"/> stored nothing).
    /// The ingest hot path, so each engine writes it with its fastest means; it runs on the message writer thread only.
    /// </summary>
    protected abstract long[] CommitMessages(IReadOnlyList<NewMessage> messages);
}
