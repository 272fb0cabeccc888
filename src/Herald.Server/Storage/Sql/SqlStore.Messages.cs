using Dapper;
using Herald.Server.Model;

namespace Herald.Server.Storage.Sql;

internal abstract partial class SqlStore
{
    public async Task<IReadOnlyList<Message>> GetMessagesByUserAsync(long userId, int limit, long since, CancellationToken cancellationToken)
    {
        var bound = since > 0 ? " AND messages.id < @since" : string.Empty;
        var rows = await QueryAsync<MessageRow>(
            $"SELECT {MessageRow.Columns} FROM messages JOIN applications ON applications.id = messages.application_id " +
            $"WHERE applications.user_id = @userId{bound} ORDER BY messages.id DESC LIMIT @limit",
            new { userId, since, limit },
            cancellationToken);
        return rows.Select(r => r.ToModel()).ToList();
    }

    public async Task<IReadOnlyList<Message>> GetMessagesByApplicationAsync(long applicationId, int limit, long since, CancellationToken cancellationToken)
    {
        var bound = since > 0 ? " AND messages.id < @since" : string.Empty;
        var rows = await QueryAsync<MessageRow>(
            $"SELECT {MessageRow.Columns} FROM messages WHERE messages.application_id = @applicationId{bound} ORDER BY messages.id DESC LIMIT @limit",
            new { applicationId, since, limit },
            cancellationToken);
        return rows.Select(r => r.ToModel()).ToList();
    }

    public async Task<(Message Message, long UserId)?> GetMessageByIdAsync(long id, CancellationToken cancellationToken)
    {
        var row = await QuerySingleAsync<MessageRow>(
            $"SELECT {MessageRow.Columns}, applications.user_id AS UserId FROM messages JOIN applications ON applications.id = messages.application_id WHERE messages.id = @id",
            new { id },
            cancellationToken);
        return row is null ? null : (row.ToModel(), row.UserId);
    }

    public Task DeleteMessageAsync(long id, CancellationToken cancellationToken) =>
        ExecuteAsync("DELETE FROM messages WHERE id = @id", new { id }, cancellationToken);

    public Task DeleteMessagesByUserAsync(long userId, CancellationToken cancellationToken) =>
        ExecuteAsync("DELETE FROM messages WHERE application_id IN (SELECT id FROM applications WHERE user_id = @userId)", new { userId }, cancellationToken);

    public Task DeleteMessagesByApplicationAsync(long applicationId, CancellationToken cancellationToken) =>
        ExecuteAsync("DELETE FROM messages WHERE application_id = @applicationId", new { applicationId }, cancellationToken);
}
