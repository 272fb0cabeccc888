using Herald.Server.Model;

namespace Herald.Server.Storage;

/// <summary>The <c>users</c> table.</summary>
public interface IUserStore
{
    Task<long> CountUsersAsync(CancellationToken cancellationToken);

    Task<long> CountAdminsAsync(CancellationToken cancellationToken);

    Task<User?> GetUserByIdAsync(long id, CancellationToken cancellationToken);

    Task<User?> GetUserByNameAsync(string name, CancellationToken cancellationToken);

    Task<IReadOnlyList<User>> GetUsersAsync(CancellationToken cancellationToken);

    /// <summary>Inserts a user and returns it with its id.</summary>
    /// <exception cref="DuplicateKeyException">The name is taken.</exception>
    Task<User> CreateUserAsync(User user, CancellationToken cancellationToken);

    /// <exception cref="DuplicateKeyException">The new name is taken.</exception>
    Task UpdateUserAsync(User user, CancellationToken cancellationToken);

    /// <summary>Deletes the user with their applications, messages, clients and plugin configurations, in one transaction.</summary>
    Task DeleteUserAsync(long id, CancellationToken cancellationToken);
}
