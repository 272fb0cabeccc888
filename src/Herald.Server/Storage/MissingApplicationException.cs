namespace Herald.Server.Storage;

/// <summary>
/// Thrown by a store when a new message's application, or the user owning it, no longer exists when the message is
/// written: it was deleted after the request was authenticated. Nothing of the message is stored.
/// </summary>
public sealed class MissingApplicationException : Exception
{
    public MissingApplicationException(long applicationId)
        : base($"application {applicationId} no longer exists; the message was not stored")
    {
        ApplicationId = applicationId;
    }

    public long ApplicationId { get; }
}
