using Herald.Server.Model;
using Herald.Server.Security;
using Herald.Server.Storage;

namespace Herald.Server.Services;

/// <summary>
/// User rules shared by the REST API and the start-up: unique names, bcrypt hashes, the last admin can be neither
/// demoted nor deleted, and observers (streams, plugins) follow each user's creation and deletion.
/// </summary>
public sealed class UserService
{
    private readonly IUserStore store;
    private readonly IApplicationStore applications;
    private readonly PasswordHasher hasher;
    private readonly IEnumerable<IUserObserver> observers;
    private readonly TimeProvider time;
    private readonly ImageStore images;

    public UserService(IUserStore store, IApplicationStore applications, PasswordHasher hasher, IEnumerable<IUserObserver> observers, TimeProvider time, ImageStore images)
    {
        this.store = store;
        this.applications = applications;
        this.images = images;
        this.hasher = hasher;
        this.observers = observers;
        this.time = time;
    }

    /// <exception cref="RuleException">"username already exists".</exception>
    public async Task<User> CreateAsync(string name, string password, bool admin, CancellationToken cancellationToken)
    {
        if (await store.GetUserByNameAsync(name, cancellationToken) is not null)
        {
            throw new RuleException("username already exists");
        }

        User user;
        try
        {
            user = await store.CreateUserAsync(new User(0, name, hasher.Hash(password), admin, time.GetLocalNow()), cancellationToken);
        }
        catch (DuplicateKeyException)
        {
            throw new RuleException("username already exists");
        }

        foreach (var observer in observers)
        {
            await observer.OnUserCreatedAsync(user, cancellationToken);
        }

        return user;
    }

    /// <summary>Renames, changes the admin flag and, when <paramref name="password"/> is not empty, the password.</summary>
    /// <exception cref="RuleException">"cannot delete last admin" or "username already exists".</exception>
    public async Task<User> UpdateAsync(User user, string name, bool admin, string? password, CancellationToken cancellationToken)
    {
        if (user.Admin && !admin && await store.CountAdminsAsync(cancellationToken) <= 1)
        {
            throw new RuleException("cannot delete last admin");
        }

        var updated = user with
        {
            Name = name,
            Admin = admin,
            Pass = string.IsNullOrEmpty(password) ? user.Pass : hasher.Hash(password),
        };
        try
        {
            await store.UpdateUserAsync(updated, cancellationToken);
        }
        catch (DuplicateKeyException)
        {
            throw new RuleException("username already exists");
        }

        return updated;
    }

    public Task SetPasswordAsync(User user, string password, CancellationToken cancellationToken) =>
        store.UpdateUserAsync(user with { Pass = hasher.Hash(password) }, cancellationToken);

    /// <summary>Tells observers first (they close streams and stop plugins), then deletes everything the user owns.</summary>
    /// <exception cref="RuleException">"cannot delete last admin".</exception>
    public async Task DeleteAsync(User user, CancellationToken cancellationToken)
    {
        if (user.Admin && await store.CountAdminsAsync(cancellationToken) <= 1)
        {
            throw new RuleException("cannot delete last admin");
        }

        foreach (var observer in observers)
        {
            await observer.OnUserDeletingAsync(user, cancellationToken);
        }

        var files = (await applications.GetApplicationsByUserAsync(user.Id, cancellationToken)).Select(a => a.Image).ToList();
        await store.DeleteUserAsync(user.Id, cancellationToken);
        foreach (var file in files)
        {
            images.Delete(file);
        }
    }
}
