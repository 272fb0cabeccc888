using Herald.Server.Model;
using Herald.Server.Services;

namespace Herald.Server.Streaming;

/// <summary>Closes a deleted user's streams.</summary>
internal sealed class StreamUserObserver : IUserObserver
{
    private readonly StreamHub hub;

    public StreamUserObserver(StreamHub hub)
    {
        this.hub = hub;
    }

    public Task OnUserCreatedAsync(User user, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task OnUserDeletingAsync(User user, CancellationToken cancellationToken)
    {
        hub.CloseUser(user.Id);
        return Task.CompletedTask;
    }
}
