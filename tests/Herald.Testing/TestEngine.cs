using System.Data.Common;
using System.Globalization;
using MySqlConnector;
using Npgsql;

namespace Herald.Testing;

/// <summary>
/// The database engine the servers of a test run use: <c>HERALD_TEST_ENGINE</c> = <c>sqlite3</c> (the default),
/// <c>postgres</c> or <c>mysql</c>. On a server engine every <see cref="HeraldProcess"/> gets a fresh, empty database
/// of its own on the server named by <c>HERALD_TEST_POSTGRES</c> / <c>HERALD_TEST_MYSQL</c> (driver connection strings
/// of a user who may create databases; <c>.ci/databases.sh</c> starts such servers and prints them), and is configured
/// only with Gotify's two variables, <c>GOTIFY_DATABASE_DIALECT</c> and <c>GOTIFY_DATABASE_CONNECTION</c> in Gotify's
/// DSN format. So the same black-box suite runs against each engine, parametrised by the environment.
/// </summary>
public static class TestEngine
{
    /// <summary>The variable naming the engine of the run.</summary>
    public const string EngineVariable = "HERALD_TEST_ENGINE";

    /// <summary>The variable holding an Npgsql connection string to a PostgreSQL server the tests may create databases on.</summary>
    public const string PostgresVariable = "HERALD_TEST_POSTGRES";

    /// <summary>The variable holding a MySqlConnector connection string to a MariaDB/MySQL server the tests may create databases on.</summary>
    public const string MySqlVariable = "HERALD_TEST_MYSQL";

    /// <summary><c>sqlite3</c>, <c>postgres</c> or <c>mysql</c>: Gotify's dialect names.</summary>
    public static string Current { get; } = Environment.GetEnvironmentVariable(EngineVariable) is { Length: > 0 } e ? e : "sqlite3";

    /// <summary>Whether the servers of this run use SQLite files (a test reading <see cref="HeraldProcess.DatabasePath"/> needs it).</summary>
    public static bool IsSqlite => Current == "sqlite3";

    /// <summary>
    /// Null when <paramref name="dialect"/>'s server is configured, else why a test needing it is skipped. Under CI (the
    /// variable <c>CI</c> set, as <c>.ci/run</c> does) nothing is skipped: a missing server fails the test instead.
    /// </summary>
    public static string? SkipUnlessServer(string dialect)
    {
        if (Environment.GetEnvironmentVariable("CI") is { Length: > 0 })
        {
            return null;
        }

        var variable = dialect == "postgres" ? PostgresVariable : MySqlVariable;
        return Environment.GetEnvironmentVariable(variable) is { Length: > 0 }
            ? null
            : $"no {(dialect == "postgres" ? "PostgreSQL" : "MariaDB")} server for the tests: set {variable} (bash .ci/databases.sh start <dir> starts one and prints it); .ci/run does.";
    }

    // Names the database of a working directory, so that a server restarted on the same folder (a new HeraldProcess,
    // as the durability and migration tests do) finds the same data, as it finds the same SQLite file.
    private const string MarkerFile = ".herald-test-database";

    /// <summary>
    /// The database of the servers working in <paramref name="workDir"/> on this run's engine: created on first use
    /// and remembered in the folder, dropped by <see cref="DropFor"/> (which <see cref="TempDirectory"/> calls).
    /// </summary>
    public static TestDatabase DatabaseFor(string workDir)
    {
        var marker = Path.Combine(workDir, MarkerFile);
        if (File.Exists(marker) && File.ReadAllText(marker).Split('\n') is [var dialect, var name, ..])
        {
            return Open(dialect, name);
        }

        var database = CreateDatabase(Current);
        File.WriteAllText(marker, database.Dialect + "\n" + database.Name + "\n");
        return database;
    }

    /// <summary>Drops the database <see cref="DatabaseFor"/> created for <paramref name="workDir"/>, if any.</summary>
    public static void DropFor(string workDir)
    {
        var marker = Path.Combine(workDir, MarkerFile);
        if (File.Exists(marker) && File.ReadAllText(marker).Split('\n') is [var dialect, var name, ..])
        {
            Open(dialect, name).Dispose();
        }
    }

    /// <summary>Creates a fresh empty database for a server of <paramref name="dialect"/> (<c>postgres</c> or <c>mysql</c>).</summary>
    /// <exception cref="InvalidOperationException">The engine's server variable is not set.</exception>
    public static TestDatabase CreateDatabase(string dialect)
    {
        var database = Open(dialect, "herald_" + Guid.NewGuid().ToString("N")[..16]);
        database.Create();
        return database;
    }

    private static TestDatabase Open(string dialect, string name)
    {
        switch (dialect)
        {
            case "postgres":
            {
                var admin = new NpgsqlConnectionStringBuilder(Required(PostgresVariable)) { Pooling = false };

                var dsn = string.Create(CultureInfo.InvariantCulture, $"host={admin.Host} port={admin.Port} user={admin.Username} dbname={name} password={admin.Password} sslmode=disable");
                return new TestDatabase(dialect, name, dsn, admin.ConnectionString, new NpgsqlConnectionStringBuilder(admin.ConnectionString) { Database = name }.ConnectionString);
            }

            case "mysql":
            {
                var admin = new MySqlConnectionStringBuilder(Required(MySqlVariable)) { Pooling = false };

                // Gotify's documented example, charset=utf8 included: Herald must store emoji whatever the DSN says.
                var dsn = string.Create(CultureInfo.InvariantCulture, $"{admin.UserID}:{admin.Password}@tcp({admin.Server}:{admin.Port})/{name}?charset=utf8&parseTime=True&loc=Local");
                return new TestDatabase(dialect, name, dsn, admin.ConnectionString, new MySqlConnectionStringBuilder(admin.ConnectionString) { Database = name }.ConnectionString);
            }

            default:
                throw new InvalidOperationException($"{EngineVariable}={dialect}: use sqlite3, postgres or mysql");
        }
    }

    private static string Required(string variable) =>
        Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"{variable} is not set: the {Current} tests need a database server (bash .ci/databases.sh start <dir> starts one and prints the variable)");
}

/// <summary>One database created for one server on a PostgreSQL or MariaDB server; disposing drops it.</summary>
public sealed class TestDatabase : IDisposable
{
    private readonly string adminConnectionString;
    private readonly string connectionString;

    internal TestDatabase(string dialect, string name, string gotifyDsn, string adminConnectionString, string connectionString)
    {
        Dialect = dialect;
        Name = name;
        GotifyDsn = gotifyDsn;
        this.adminConnectionString = adminConnectionString;
        this.connectionString = connectionString;
    }

    /// <summary><c>postgres</c> or <c>mysql</c>, the value of <c>GOTIFY_DATABASE_DIALECT</c>.</summary>
    public string Dialect { get; }

    /// <summary>The database's name.</summary>
    public string Name { get; }

    /// <summary>The value of <c>GOTIFY_DATABASE_CONNECTION</c>, in Gotify's DSN format for the engine.</summary>
    public string GotifyDsn { get; }

    /// <summary>The two variables that point a server at this database.</summary>
    public IReadOnlyDictionary<string, string?> Environment => new Dictionary<string, string?>(StringComparer.Ordinal)
    {
        ["GOTIFY_DATABASE_DIALECT"] = Dialect,
        ["GOTIFY_DATABASE_CONNECTION"] = GotifyDsn,
    };

    /// <summary>Opens a connection to the database (unpooled), to check or prepare what is stored.</summary>
    public async Task<DbConnection> OpenAsync()
    {
        DbConnection connection = Dialect == "postgres"
            ? new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString)
            : new MySqlConnection(new MySqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync().ConfigureAwait(false);
        return connection;
    }

    internal void Create()
    {
        if (Dialect == "postgres")
        {
            using var connection = new NpgsqlConnection(adminConnectionString);
            connection.Open();
            using var command = new NpgsqlCommand($"CREATE DATABASE \"{Name}\"", connection);
            command.ExecuteNonQuery();
        }
        else
        {
            using var connection = new MySqlConnection(adminConnectionString);
            connection.Open();
            using var command = new MySqlCommand($"CREATE DATABASE `{Name}`", connection);
            command.ExecuteNonQuery();
        }
    }

    /// <summary>Drops the database (closing the connections a killed server left behind).</summary>
    public void Dispose()
    {
        try
        {
            if (Dialect == "postgres")
            {
                using var connection = new NpgsqlConnection(adminConnectionString);
                connection.Open();
                using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)", connection);
                command.ExecuteNonQuery();
            }
            else
            {
                using var connection = new MySqlConnection(adminConnectionString);
                connection.Open();
                using var command = new MySqlCommand($"DROP DATABASE IF EXISTS `{Name}`", connection);
                command.ExecuteNonQuery();
            }
        }
        catch (DbException)
        {
            // A server that went away (a test restarting it) takes its databases along; nothing to drop.
        }
    }
}
