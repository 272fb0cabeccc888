using System.Data.Common;
using System.Globalization;
using Herald.Server.Tests.Infrastructure;
using static Herald.Server.Tests.Infrastructure.ApiAssert;

namespace Herald.Server.Tests;

/// <summary>
/// What only PostgreSQL shows: Gotify 3.0's schema exactly as its ORM creates it there, the schema lock, and the start
/// failures of an unreachable server. The rest of the suite runs on PostgreSQL too (HERALD_TEST_ENGINE=postgres).
/// </summary>
public sealed class PostgresTests
{
    private static readonly Credential Admin = Credential.Basic("admin", HeraldProcess.DefaultAdminPass);

    // information_schema's spelling of the types in Gotify 3.0's DDL (reference 1.4): bigserial is a bigint with a sequence.
    private static readonly Dictionary<string, string[]> GotifyColumns = new(StringComparer.Ordinal)
    {
        ["users"] = ["id bigint", "name character varying(180)", "pass bytea", "admin boolean", "created_at timestamp with time zone", "oidc_id text"],
        ["applications"] =
        [
            "id bigint", "token character varying(180)", "user_id bigint", "name text", "description text", "internal boolean", "image text",
            "default_priority bigint", "created_at timestamp with time zone", "last_used timestamp with time zone", "sort_key bytea",
        ],
        ["messages"] = ["id bigint", "application_id bigint", "message text", "title text", "priority bigint", "extras bytea", "date timestamp with time zone"],
        ["clients"] =
        [
            "id bigint", "token character varying(180)", "user_id bigint", "name text", "created_at timestamp with time zone", "last_used timestamp with time zone",
            "elevated_until timestamp with time zone", "expires_after_inactivity_seconds bigint", "expires_at timestamp with time zone",
        ],
        ["plugin_confs"] =
        [
            "id bigint", "user_id bigint", "module_path text", "token character varying(180)", "application_id bigint", "enabled boolean",
            "created_at timestamp with time zone", "config bytea", "storage bytea",
        ],
    };

    [EngineFact("postgres")]
    public async Task Schema_EmptyDatabase_GotifyThreeTablesTypesIndexesAndNoForeignKeys()
    {
        // On an empty database Herald creates Gotify 3.0's tables in its column order and types, its index names, and no foreign key.
        using var dir = new TempDirectory();
        using var database = TestEngine.CreateDatabase("postgres");
        await using (var server = await HeraldProcess.StartAsync(dir.Path, database.Environment))
        {
            using var api = new HeraldClient(server.BaseAddress);
            Status(await api.GetAsync("/current/user", Admin), 200);
        }

        await using var db = await database.OpenAsync();
        foreach (var (table, expected) in GotifyColumns)
        {
            var columns = await ListAsync(db,
                "SELECT column_name || ' ' || CASE WHEN character_maximum_length IS NULL THEN data_type ELSE data_type || '(' || character_maximum_length || ')' END " +
                "FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = @t ORDER BY ordinal_position",
                table);
            Assert.Equal(expected, columns);
            var idDefault = await ListAsync(db, "SELECT column_default FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = @t AND column_name = 'id'", table);
            Assert.StartsWith("nextval(", idDefault.Single(), StringComparison.Ordinal);
        }

        var zero = await ListAsync(db, "SELECT column_default || ' ' || is_nullable FROM information_schema.columns WHERE table_name = @t AND column_name = 'expires_after_inactivity_seconds'", "clients");
        Assert.Equal("0 NO", zero.Single());

        var indexes = await ListAsync(db, "SELECT indexname || ' ' || indexdef FROM pg_indexes WHERE schemaname = current_schema() AND indexname NOT LIKE '%_pkey' ORDER BY indexname", null);
        foreach (var (name, unique, on) in new[]
        {
            ("uix_users_name", true, "users USING btree (name)"), ("uix_users_oidc_id", true, "users USING btree (oidc_id)"),
            ("uix_applications_token", true, "applications USING btree (token)"), ("idx_applications_user_id", false, "applications USING btree (user_id)"),
            ("uix_application_user_id_sort_key", true, "applications USING btree (user_id, sort_key)"), ("idx_messages_id", false, "messages USING btree (id)"),
            ("uix_clients_token", true, "clients USING btree (token)"), ("idx_clients_user_id", false, "clients USING btree (user_id)"),
            ("idx_clients_expires_at", false, "clients USING btree (expires_at)"), ("uix_plugin_confs_token", true, "plugin_confs USING btree (token)"),
        })
        {
            var found = indexes.SingleOrDefault(i => i.StartsWith(name + " ", StringComparison.Ordinal));
            Assert.True(found is not null, $"index {name} is missing: {string.Join("; ", indexes)}");
            Assert.Contains($"CREATE {(unique ? "UNIQUE " : string.Empty)}INDEX {name} ON ", found, StringComparison.Ordinal);
            Assert.EndsWith(on, found, StringComparison.Ordinal);
        }

        var foreignKeys = await ListAsync(db, "SELECT constraint_name FROM information_schema.table_constraints WHERE table_schema = current_schema() AND constraint_type = @t", "FOREIGN KEY");
        Assert.Empty(foreignKeys);
    }

    [EngineFact("postgres")]
    public async Task Start_ThreeProcessesOnOneEmptyDatabase_OneSchemaAndOneAdmin()
    {
        // Schema creation and the default admin run under pg_advisory_lock: three servers starting at once end with one admin and all serve.
        using var database = TestEngine.CreateDatabase("postgres");
        var dirs = Enumerable.Range(0, 3).Select(_ => new TempDirectory()).ToList();
        var servers = new List<HeraldProcess>();
        try
        {
            var starts = dirs.Select(d => HeraldProcess.StartAsync(d.Path, database.Environment)).ToList();
            servers.AddRange(await Task.WhenAll(starts));
            foreach (var server in servers)
            {
                using var api = new HeraldClient(server.BaseAddress);
                Status(await api.GetAsync("/current/user", Admin), 200);
            }

            await using var db = await database.OpenAsync();
            Assert.Equal("1", (await ListAsync(db, "SELECT COUNT(*)::text FROM users WHERE name = @t", "admin")).Single());
            Assert.Equal("5", (await ListAsync(db, "SELECT COUNT(*)::text FROM information_schema.tables WHERE table_schema = current_schema() AND table_name IN ('users','applications','messages','clients','plugin_confs') AND table_type = @t", "BASE TABLE")).Single());
        }
        finally
        {
            foreach (var server in servers)
            {
                await server.DisposeAsync();
            }

            dirs.ForEach(d => d.Dispose());
        }
    }

    [EngineFact("postgres")]
    public async Task Message_Emoji_StoredAsUtf8AndRoundTrips()
    {
        // A message with emoji and other 4-byte characters comes back unchanged and is stored as UTF-8 text.
        using var dir = new TempDirectory();
        using var database = TestEngine.CreateDatabase("postgres");
        await using var server = await HeraldProcess.StartAsync(dir.Path, database.Environment);
        using var api = new HeraldClient(server.BaseAddress);
        var app = await api.NewAppAsync(Admin, "emoji");
        const string Text = "done 🎉 — 𝄞 café";
        var posted = Ok(await api.PostAsync("/message", app.Header, Body.Json(new { message = Text, title = "🚀" })));
        var listed = Ok(await api.GetAsync("/message", Admin)).GetProperty("messages")[0];
        Assert.Equal(Text, listed.GetProperty("message").GetString());
        Assert.Equal("🚀", listed.GetProperty("title").GetString());
        Assert.Equal(posted.GetProperty("date").GetString(), listed.GetProperty("date").GetString());
        await using var db = await database.OpenAsync();
        Assert.Equal(Text, (await ListAsync(db, "SELECT message FROM messages WHERE title = @t", "🚀")).Single());
    }

    [EngineFact("postgres")]
    public async Task Start_ConnectionRefused_ExitsWith1NamingKeyAndWhatToDo()
    {
        // Nothing listens on the port: exit 1 and one sentence naming the variable, the address and what to do; no stack trace.
        using var dir = new TempDirectory();
        var port = HeraldProcess.FreePort().ToString(CultureInfo.InvariantCulture);
        var result = await HeraldProcess.RunToExitAsync(dir.Path, ["serve"], new Dictionary<string, string?>
        {
            ["GOTIFY_DATABASE_DIALECT"] = "postgres",
            ["GOTIFY_DATABASE_CONNECTION"] = $"host=127.0.0.1 port={port} user=gotify password=hunter2 dbname=gotify sslmode=disable",
        });
        var line = AssertStartFailure(result);
        Assert.Contains($"127.0.0.1:{port}", line, StringComparison.Ordinal);
        Assert.Contains("start the database server", line, StringComparison.Ordinal);
    }

    [EngineFact("postgres")]
    public async Task Start_MissingDatabase_ExitsWith1SayingToCreateIt()
    {
        // Like Gotify, Herald does not create the database: its absence is one sentence with the statement that creates it.
        using var dir = new TempDirectory();
        using var existing = TestEngine.CreateDatabase("postgres");
        var result = await HeraldProcess.RunToExitAsync(dir.Path, ["serve"], new Dictionary<string, string?>
        {
            ["GOTIFY_DATABASE_DIALECT"] = "postgres",
            ["GOTIFY_DATABASE_CONNECTION"] = existing.GotifyDsn.Replace(existing.Name, "herald_absent_db", StringComparison.Ordinal),
        });
        var line = AssertStartFailure(result);
        Assert.Contains("no database \"herald_absent_db\"", line, StringComparison.Ordinal);
        Assert.Contains("CREATE DATABASE", line, StringComparison.Ordinal);
    }

    [EngineFact("postgres")]
    public async Task Start_WrongPassword_ExitsWith1NamingUserWithoutPassword()
    {
        // A refused login is one sentence naming the user, never the password given.
        using var dir = new TempDirectory();
        using var existing = TestEngine.CreateDatabase("postgres");
        var dsn = System.Text.RegularExpressions.Regex.Replace(existing.GotifyDsn, @"password=\S+", "password=hunter2-wrong");
        var result = await HeraldProcess.RunToExitAsync(dir.Path, ["serve"], new Dictionary<string, string?>
        {
            ["GOTIFY_DATABASE_DIALECT"] = "postgres",
            ["GOTIFY_DATABASE_CONNECTION"] = dsn,
        });
        var line = AssertStartFailure(result);
        Assert.Contains("refused user", line, StringComparison.Ordinal);
    }

    private static string AssertStartFailure(ProcessResult result)
    {
        Assert.True(result.ExitCode == 1, $"expected exit code 1: {result}");
        var lines = result.AllOutput.Split('\n').Where(l => !string.IsNullOrWhiteSpace(l)).ToArray();
        var naming = lines.Where(l => l.Contains("GOTIFY_DATABASE_CONNECTION", StringComparison.Ordinal)).ToArray();
        Assert.True(naming.Length == 1, $"expected one line naming GOTIFY_DATABASE_CONNECTION: {result}");
        Assert.DoesNotContain("hunter2", result.AllOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", result.AllOutput, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(lines, l => l.TrimStart().StartsWith("at ", StringComparison.Ordinal));
        return naming[0];
    }

    private static async Task<List<string>> ListAsync(DbConnection db, string sql, string? t)
    {
        await using var command = db.CreateCommand();
        command.CommandText = sql;
        if (t is not null)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = "t";
            parameter.Value = t;
            command.Parameters.Add(parameter);
        }

        var rows = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add(reader.IsDBNull(0) ? string.Empty : Convert.ToString(reader.GetValue(0), CultureInfo.InvariantCulture)!);
        }

        return rows;
    }
}
