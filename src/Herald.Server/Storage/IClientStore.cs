using Herald.Server.Model;

namespace Herald.Server.Storage;

/// <summary>The <c>clients</c> table. Lookups never return a client whose <c>expires_at</c> has passed.</summary>
public interface IClientStore
{
    Task<Client?> GetClientByTokenAsync(string token, DateTimeOffset now, CancellationToken cancellationToken);

    Task<Client?> GetClientByIdAsync(long id, DateTimeOffset now, CancellationToken cancellationToken);

    Task<IReadOnlyList<Client>> GetClientsByUserAsync(long userId, DateTimeOffset now, CancellationToken cancellationToken);

    /// <exception cref="DuplicateKeyException">The token is taken.</exception>
    Task<Client> CreateClientAsync(Client client, CancellationToken cancellationToken);

    Task UpdateClientAsync(Client client, CancellationToken cancellationToken);

    Task DeleteClientAsync(long id, CancellationToken cancellationToken);

    /// <summary>Deletes clients whose inactivity expiry has passed and returns their tokens, so their streams can be closed.</summary>
    Task<IReadOnlyList<string>> DeleteExpiredClientsAsync(DateTimeOffset now, CancellationToken cancellationToken);
}
