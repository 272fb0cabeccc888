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
    private readonly ReadCache cache = new(TimeProvider.System);

    protected SqlStore()
    {
        batcher = new MessageBatcher(InsertMessagesAsync);
    }

    /// <summary>Appended to an INSERT so that executing it as a scalar yields the new row's id.</summary>
    protected abstract string ReturningId { get; }

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

    /// <summary>Inserts a batch of messages in one transaction: one commit (one sync) for many acknowledgements.</summary>
    private Task<long[]> InsertMessagesAsync(IReadOnlyList<NewMessage> messages, CancellationToken cancellationToken) =>
        WriteAsync(
            async (connection, transaction) =>
            {
                // One prepared command re-executed per row: this is the hot path of ingest.
                await using var command = connection.CreateCommand();
                command.Transaction = transaction;
                command.CommandText = "INSERT INTO messages (application_id, message, title, priority, extras, date) VALUES (@a, @m, @t, @p, @e, @d)" + ReturningId;
                var a = AddParameter(command, "@a");
                var m = AddParameter(command, "@m");
                var t = AddParameter(command, "@t");
                var p = AddParameter(command, "@p");
                var e = AddParameter(command, "@e");
                var d = AddParameter(command, "@d");
                var ids = new long[messages.Count];
                for (var i = 0; i < messages.Count; i++)
                {
                    var message = messages[i];
                    a.Value = message.ApplicationId;
                    m.Value = message.Text;
                    t.Value = message.Title;
                    p.Value = message.Priority;
                    e.Value = (object?)message.Extras ?? DBNull.Value;
                    d.Value = Time(message.Date) ?? (object)DBNull.Value;
                    ids[i] = Convert.ToInt64(await ExecuteScalarFastAsync(command), System.Globalization.CultureInfo.InvariantCulture);
                }

                return ids;
            },
            cancellationToken);

    /// <summary>Executes a scalar command; an engine whose driver is synchronous underneath skips the async wrapper.</summary>
    protected virtual Task<object?> ExecuteScalarFastAsync(DbCommand command) => command.ExecuteScalarAsync(CancellationToken.None);

    private static DbParameter AddParameter(DbCommand command, string name)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        command.Parameters.Add(parameter);
        return parameter;
    }
}
