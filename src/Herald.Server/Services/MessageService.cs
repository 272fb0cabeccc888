using Herald.Server.Model;
using Herald.Server.Storage;

namespace Herald.Server.Services;

/// <summary>
/// The one path by which a message enters Herald: stored (durably) first, then handed to every observer.
/// REST and plugins both send through here, so streams and subscriptions see every message exactly once.
/// </summary>
public sealed class MessageService
{
    private readonly IMessageStore store;
    private readonly IEnumerable<IMessageObserver> observers;
    private readonly ILogger<MessageService> logger;
    private readonly TimeProvider time;

    public MessageService(IMessageStore store, IEnumerable<IMessageObserver> observers, ILogger<MessageService> logger, TimeProvider time)
    {
        this.store = store;
        this.observers = observers;
        this.logger = logger;
        this.time = time;
    }

    /// <summary>
    /// Stores a message of <paramref name="application"/> and notifies observers; returns it with its id. Gotify's
    /// defaults are applied here, once for every sender: a blank title is the application's name, a missing priority
    /// the application's default priority.
    /// </summary>
    /// <exception cref="UnstorableValueException">The text or title is longer than <see cref="TextLimit"/>: nothing is stored.</exception>
    /// <exception cref="MissingApplicationException">
    /// The application was deleted meanwhile: the message is not stored, and no observer (stream, plugin) sees it.
    /// </exception>
    public async Task<Message> SendAsync(Application application, string text, string? title, long? priority, byte[]? extras, CancellationToken cancellationToken)
    {
        var message = await store.CreateMessageAsync(
            new NewMessage(
                application.Id,
                application.UserId,
                TextLimit.Check("message", text),
                TextLimit.Check("title", string.IsNullOrWhiteSpace(title) ? application.Name : title),
                priority ?? application.DefaultPriority,
                extras,
                time.GetLocalNow()),
            cancellationToken);
        foreach (var observer in observers)
        {
            try
            {
                observer.OnMessageCreated(application.UserId, message);
            }
            catch (Exception e)
            {
                logger.LogError(e, "Message observer {Observer} failed for message {MessageId}", observer.GetType().Name, message.Id);
            }
        }

        return message;
    }
}
