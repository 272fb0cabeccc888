using Herald.Server.Model;

namespace Herald.Server.Storage;

/// <summary>The <c>messages</c> table.</summary>
public interface IMessageStore
{
    /// <summary>
    /// Stores a message and returns it with its id once the transaction holding it is durably committed.
    /// Ids are strictly increasing.
    /// </summary>
    /// <exception cref="MissingApplicationException">
    /// The application or its user was deleted before the message was written; nothing is stored. The check is part of
    /// the write, so a message is never stored for an application whose delete has committed.
    /// </exception>
    Task<Message> CreateMessageAsync(NewMessage message, CancellationToken cancellationToken);

    /// <summary>Up to <paramref name="limit"/> messages of the user's applications with an id below <paramref name="since"/> (0 = no bound), newest first.</summary>
    Task<IReadOnlyList<Message>> GetMessagesByUserAsync(long userId, int limit, long since, CancellationToken cancellationToken);

    /// <summary>As <see cref="GetMessagesByUserAsync"/>, for one application.</summary>
    Task<IReadOnlyList<Message>> GetMessagesByApplicationAsync(long applicationId, int limit, long since, CancellationToken cancellationToken);

    /// <summary>The message and the id of the user who owns its application.</summary>
    Task<(Message Message, long UserId)?> GetMessageByIdAsync(long id, CancellationToken cancellationToken);

    Task DeleteMessageAsync(long id, CancellationToken cancellationToken);

    Task DeleteMessagesByUserAsync(long userId, CancellationToken cancellationToken);

    Task DeleteMessagesByApplicationAsync(long applicationId, CancellationToken cancellationToken);
}
