using Dapper;
using Herald.Server.Model;

namespace Herald.Server.Storage.Sql;

internal abstract partial class SqlStore
{
    /// <summary>
    /// The insert of one new message (named parameters: the <see cref="NewMessage"/> properties), which stores it only
    /// while its application and the application's user exist; 0 rows changed means the message was refused.
    /// </summary>
    /// <remarks>
    /// Authentication reads the application before the message is queued, so a delete can commit in between; a plain
    /// insert then left an acknowledged row that belonged to no application (pushed, never listed, never deleted:
    /// 91-151 such rows in a 3 s run of 8 posters against a delete every 5-30 ms). Checked in the statement itself,
    /// inside the batch's transaction, the insert and the delete are exclusive on every engine: whichever commits first
    /// wins, and a message either is deleted with its application or is never stored. The application id is taken
    /// from the row found, so the statement names each parameter once (positional engines bind six values). The two
    /// extra primary-key probes cost nothing measurable in the ingest benchmark (bench/README.md).
    /// </remarks>
    protected string InsertMessageSql =>
        "INSERT INTO messages (application_id, message, title, priority, extras, date) " +
        "SELECT applications.id, @Text, @Title, @Priority, @Extras, @Date FROM applications JOIN users ON users.id = applications.user_id " +
        "WHERE applications.id = @ApplicationId" + ShareLock;

    public async Task<IReadOnlyList<Message>> GetMessagesByUserAsync(long userId, int limit, long since, CancellationToken cancellationToken)
    {
        var bound = since > 0 ? " AND messages.id < @since" : string.Empty;
        var rows = await QueryAsync<MessageRow>(
            $"SELECT {MessageRow.Columns} FROM messages JOIN applications ON applications.id = messages.application_id " +
            $"WHERE applications.user_id = @userId{bound} ORDER BY messages.id DESC LIMIT @limit",
            new { userId, since, limit },
            cancellationToken);
        return rows.Select(r => r.ToModel(ReadTime)).ToList();
    }

    public async Task<IReadOnlyList<Message>> GetMessagesByApplicationAsync(long applicationId, int limit, long since, CancellationToken cancellationToken)
    {
        var bound = since > 0 ? " AND messages.id < @since" : string.Empty;
        var rows = await QueryAsync<MessageRow>(
            $"SELECT {MessageRow.Columns} FROM messages WHERE messages.application_id = @applicationId{bound} ORDER BY messages.id DESC LIMIT @limit",
            new { applicationId, since, limit },
            cancellationToken);
        return rows.Select(r => r.ToModel(ReadTime)).ToList();
    }

    public async Task<(Message Message, long UserId)?> GetMessageByIdAsync(long id, CancellationToken cancellationToken)
    {
        var row = await QuerySingleAsync<MessageRow>(
            $"SELECT {MessageRow.Columns}, applications.user_id AS UserId FROM messages JOIN applications ON applications.id = messages.application_id WHERE messages.id = @id",
            new { id },
            cancellationToken);
        return row is null ? null : (row.ToModel(ReadTime), row.UserId);
    }

    public Task DeleteMessageAsync(long id, CancellationToken cancellationToken) =>
        ExecuteAsync("DELETE FROM messages WHERE id = @id", new { id }, cancellationToken);

    public Task DeleteMessagesByUserAsync(long userId, CancellationToken cancellationToken) =>
        ExecuteAsync("DELETE FROM messages WHERE application_id IN (SELECT id FROM applications WHERE user_id = @userId)", new { userId }, cancellationToken);

    public Task DeleteMessagesByApplicationAsync(long applicationId, CancellationToken cancellationToken) =>
        ExecuteAsync("DELETE FROM messages WHERE application_id = @applicationId", new { applicationId }, cancellationToken);
}
