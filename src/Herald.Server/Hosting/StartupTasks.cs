using Herald.Server.Configuration;
using Herald.Server.Model;
using Herald.Server.Security;
using Herald.Server.Storage;
using Herald.Server.Storage.Server;
using Herald.Server.Storage.Server.MySql;
using Herald.Server.Storage.Server.Postgres;
using Herald.Server.Storage.Sqlite;

namespace Herald.Server.Hosting;

/// <summary>What happens before the server listens: folders, the database and its migration, the default admin.</summary>
internal static class StartupTasks
{
    /// <summary>Opens the store named by <c>database.dialect</c>; a database server that cannot be reached stops the start with a sentence.</summary>
    public static async Task<IHeraldStore> OpenStoreAsync(HeraldSettings settings, TimeProvider time, ILogger logger, CancellationToken cancellationToken) =>
        settings.Database.Dialect switch
        {
            "sqlite3" => await SqliteStore.OpenAsync(settings.Database.Connection, time, cancellationToken),
            "postgres" => await ServerStore.OpenAsync(new PostgresDialect(PostgresDsn.ToConnectionString(settings.Database.Connection)), time, logger, cancellationToken),
            "mysql" => await ServerStore.OpenAsync(new MySqlDialect(MySqlDsn.Parse(settings.Database.Connection, TimeZoneInfo.Local)), time, logger, cancellationToken),
            var other => throw new ConfigurationException($"GOTIFY_DATABASE_DIALECT: unsupported dialect: {other} (use one of sqlite3, mysql, postgres)"),
        };

    public static void CreateFolders(HeraldSettings settings)
    {
        if (settings.PluginsDir.Length > 0)
        {
            Directory.CreateDirectory(settings.PluginsDir);
        }

        Directory.CreateDirectory(settings.UploadedImagesDir);
    }

    /// <summary>Migrates the schema, creates the default admin when there is no user at all, and back-fills sort keys.</summary>
    public static async Task PrepareDatabaseAsync(IHeraldStore store, HeraldSettings settings, TimeProvider time, ILogger logger, CancellationToken cancellationToken)
    {
        await using var schemaLock = await store.LockSchemaAsync(cancellationToken);
        await store.MigrateAsync(cancellationToken);
        if (await store.CountUsersAsync(cancellationToken) == 0)
        {
            var hasher = new PasswordHasher(settings);
            await store.CreateUserAsync(
                new User(0, settings.DefaultUser.Name, hasher.Hash(settings.DefaultUser.Pass), true, time.GetLocalNow()),
                cancellationToken);
            logger.LogInformation("Created the default admin user {UserName}", settings.DefaultUser.Name);
        }

        await store.FillMissingSortKeysAsync(cancellationToken);
    }
}
