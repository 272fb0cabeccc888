namespace Herald.Server.Storage;

/// <summary>
/// Everything Herald persists, behind one interface so that each database engine
/// (<c>GOTIFY_DATABASE_DIALECT</c>) is one implementation of it. The tables and columns are Gotify's.
/// </summary>
public interface IHeraldStore : IUserStore, IApplicationStore, IClientStore, IMessageStore, IPluginConfStore, IAsyncDisposable
{
    /// <summary>Creates missing tables, columns and indexes so that a Gotify 2.x or 3.x database works unchanged.</summary>
    Task MigrateAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Holds the database's schema lock until disposed: start-up migrates and creates the default admin under it, so
    /// several Herald processes starting at once on one empty database end with one schema and one admin.
    /// </summary>
    Task<IAsyncDisposable> LockSchemaAsync(CancellationToken cancellationToken);

    /// <summary>Runs a trivial query; <see langword="false"/> when the database does not answer.</summary>
    Task<bool> PingAsync(CancellationToken cancellationToken);
}
