using Herald.Server.Model;

namespace Herald.Server.Services;

/// <summary>Told when users come and go, so per-user state (plugin instances, open streams) follows.</summary>
public interface IUserObserver
{
    /// <summary>Called after a user was stored; an exception turns the creating request into a 500, as in Gotify.</summary>
    Task OnUserCreatedAsync(User user, CancellationToken cancellationToken);

    /// <summary>Called before a user's rows are deleted; an exception aborts the deletion.</summary>
    Task OnUserDeletingAsync(User user, CancellationToken cancellationToken);
}
