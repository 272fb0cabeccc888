using Herald.Server.Model;
using Herald.Server.Security;
using Herald.Server.Storage;

namespace Herald.Server.Services;

/// <summary>
/// Client rules shared by the REST API, the session login and the janitor: fresh tokens, Gotify 3's inactivity
/// expiry kept derived from the last use, elevation for a while, and observers told of every deleted client, so
/// delete-then-close-streams happens in one place.
/// </summary>
public sealed class ClientService
{
    private readonly IClientStore store;
    private readonly IEnumerable<IClientObserver> observers;
    private readonly TimeProvider time;

    public ClientService(IClientStore store, IEnumerable<IClientObserver> observers, TimeProvider time)
    {
        this.store = store;
        this.observers = observers;
        this.time = time;
    }

    /// <summary>The client with <paramref name="id"/>, unless it does not exist or has expired.</summary>
    public Task<Client?> FindAsync(long id, CancellationToken cancellationToken) =>
        store.GetClientByIdAsync(id, time.GetUtcNow(), cancellationToken);

    /// <summary>A new client of <paramref name="userId"/>, elevated for <paramref name="elevation"/> when given.</summary>
    public Task<Client> CreateAsync(long userId, string name, long expiresAfterSeconds, TimeSpan? elevation, CancellationToken cancellationToken)
    {
        TextLimit.Check("name", name);
        var now = time.GetLocalNow();
        return FreshToken.WriteAsync(
            TokenGenerator.NewClientToken,
            token =>
            {
                var client = new Client(0, token, userId, name, now, null, now + elevation, expiresAfterSeconds, null);
                return store.CreateClientAsync(client with { ExpiresAt = ClientExpiry.ExpiresAt(client, now) }, cancellationToken);
            });
    }

    /// <summary>Renames and, when <paramref name="expiresAfterSeconds"/> is given, changes the inactivity expiry.</summary>
    public async Task<Client> UpdateAsync(Client client, string name, long? expiresAfterSeconds, CancellationToken cancellationToken)
    {
        TextLimit.Check("name", name);
        var updated = client with { Name = name, ExpiresAfterInactivitySeconds = expiresAfterSeconds ?? client.ExpiresAfterInactivitySeconds };
        updated = updated with { ExpiresAt = ClientExpiry.ExpiresAt(updated, time.GetUtcNow()) };
        await store.UpdateClientAsync(updated, cancellationToken);
        return updated;
    }

    /// <summary>Elevates the client until now plus <paramref name="seconds"/> (a negative value ends an elevation).</summary>
    public Task ElevateAsync(Client client, int seconds, CancellationToken cancellationToken) =>
        store.UpdateClientAsync(client with { ElevatedUntil = time.GetLocalNow().AddSeconds(seconds) }, cancellationToken);

    /// <summary>Deletes the client, then tells observers (its streams close).</summary>
    public async Task DeleteAsync(Client client, CancellationToken cancellationToken)
    {
        await store.DeleteClientAsync(client.Id, cancellationToken);
        Deleted(client.Token);
    }

    /// <summary>Records the use of the clients holding <paramref name="tokens"/> (open streams), moving their expiry on.</summary>
    public async Task TouchAsync(IEnumerable<string> tokens, CancellationToken cancellationToken)
    {
        var now = time.GetLocalNow();
        foreach (var token in tokens)
        {
            if (await store.GetClientByTokenAsync(token, now, cancellationToken) is { } client)
            {
                await store.UpdateClientAsync(ClientExpiry.Touched(client, now), cancellationToken);
            }
        }
    }

    /// <summary>Deletes the clients whose inactivity expiry has passed, then tells observers of each.</summary>
    public async Task DeleteExpiredAsync(CancellationToken cancellationToken)
    {
        foreach (var token in await store.DeleteExpiredClientsAsync(time.GetLocalNow(), cancellationToken))
        {
            Deleted(token);
        }
    }

    private void Deleted(string token)
    {
        foreach (var observer in observers)
        {
            observer.OnClientDeleted(token);
        }
    }
}
