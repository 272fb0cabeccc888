using Herald.Server.Model;

namespace Herald.Server.Storage;

/// <summary>The <c>applications</c> table.</summary>
public interface IApplicationStore
{
    /// <summary>Finds an application by the token as stored (plaintext 2.x token or canonical 3.x public form).</summary>
    Task<Application?> GetApplicationByTokenAsync(string token, CancellationToken cancellationToken);

    Task<Application?> GetApplicationByIdAsync(long id, CancellationToken cancellationToken);

    /// <summary>The user's applications ordered by sort key, then id (Gotify's order).</summary>
    Task<IReadOnlyList<Application>> GetApplicationsByUserAsync(long userId, CancellationToken cancellationToken);

    /// <summary>The greatest sort key among the user's applications, or empty when they have none.</summary>
    Task<string> GetMaxSortKeyAsync(long userId, CancellationToken cancellationToken);

    /// <exception cref="DuplicateKeyException">The token or the (user, sort key) pair is taken.</exception>
    Task<Application> CreateApplicationAsync(Application application, CancellationToken cancellationToken);

    /// <exception cref="DuplicateKeyException">The token or the (user, sort key) pair is taken.</exception>
    Task UpdateApplicationAsync(Application application, CancellationToken cancellationToken);

    /// <summary>Deletes the application and its messages in one transaction.</summary>
    Task DeleteApplicationAsync(long id, CancellationToken cancellationToken);

    Task TouchApplicationAsync(long id, DateTimeOffset lastUsed, CancellationToken cancellationToken);

    /// <summary>Gives every application of every user a sort key when any lacks one (Gotify's start-up back-fill).</summary>
    Task FillMissingSortKeysAsync(CancellationToken cancellationToken);
}
