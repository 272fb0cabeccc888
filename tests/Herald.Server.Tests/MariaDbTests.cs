using System.Data.Common;
using System.Globalization;
using Herald.Server.Tests.Infrastructure;
using static Herald.Server.Tests.Infrastructure.ApiAssert;

namespace Herald.Server.Tests;

/// <summary>
/// What only MariaDB/MySQL shows: Gotify 3.0's schema as its ORM creates it there, utf8mb4 whatever the DSN's charset,
/// the 3-byte-charset warning, the schema lock and start failures. The rest of the
/// suite runs on MariaDB too (HERALD_TEST_ENGINE=mysql).
/// </summary>
public sealed class MariaDbTests
{
    private static readonly Credential Admin = Credential.Basic("admin", HeraldProcess.DefaultAdminPass);

    // COLUMN_TYPE as MariaDB reports Gotify 3.0's DDL (reference 1.4): boolean is tinyint(1), bigint shows its display width.
    private static readonly Dictionary<string, string[]> GotifyColumns = new(StringComparer.Ordinal)
    {
        ["users"] = ["id bigint(20) unsigned", "name varchar(180)", "pass longblob", "admin tinyint(1)", "created_at datetime(3)", "oidc_id text"],
        ["applications"] =
        [
            "id bigint(20) unsigned", "token varchar(180)", "user_id bigint(20) unsigned", "name text", "description text", "internal tinyint(1)", "image text",
            "default_priority bigint(20)", "created_at datetime(3)", "last_used datetime(3)", "sort_key longblob",
        ],
        ["messages"] = ["id bigint(20) unsigned", "application_id bigint(20) unsigned", "message text", "title text", "priority bigint(20)", "extras longblob", "date datetime(3)"],
        ["clients"] =
        [
            "id bigint(20) unsigned", "token varchar(180)", "user_id bigint(20) unsigned", "name text", "created_at datetime(3)", "last_used datetime(3)",
            "elevated_until datetime(3)", "expires_after_inactivity_seconds bigint(20) unsigned", "expires_at datetime(3)",
        ],
        ["plugin_confs"] =
        [
            "id bigint(20) unsigned", "user_id bigint(20) unsigned", "module_path text", "token varchar(180)", "application_id bigint(20) unsigned", "enabled tinyint(1)",
            "created_at datetime(3)", "config longblob", "storage longblob",
        ],
    };

    [EngineFact("mysql")]
    public async Task Schema_EmptyDatabase_GotifyThreeTablesIndexesUtf8mb4AndNoForeignKeys()
    {
        // On an empty database Herald creates Gotify 3.0's tables (column order and types, index names and prefixes), in utf8mb4, without foreign keys.
        using var dir = new TempDirectory();
        using var database = TestEngine.CreateDatabase("mysql");
        await using (var server = await HeraldProcess.StartAsync(dir.Path, database.Environment))
        {
            using var api = new HeraldClient(server.BaseAddress);
            Status(await api.GetAsync("/current/user", Admin), 200);
        }

        await using var db = await database.OpenAsync();
        foreach (var (table, expected) in GotifyColumns)
        {
            var columns = await ListAsync(db, "SELECT CONCAT(column_name, ' ', column_type) FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = @t ORDER BY ordinal_position", table);
            Assert.Equal(expected, columns);
            Assert.Equal("auto_increment", (await ListAsync(db, "SELECT extra FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = @t AND column_name = 'id'", table)).Single());
            Assert.StartsWith("utf8mb4", (await ListAsync(db, "SELECT table_collation FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = @t", table)).Single(), StringComparison.Ordinal);
        }

        var indexes = await ListAsync(db,
            "SELECT CONCAT(index_name, ' ', CASE non_unique WHEN 0 THEN 'unique' ELSE 'index' END, ' ', table_name, ' ', GROUP_CONCAT(CONCAT(column_name, IFNULL(CONCAT('(', sub_part, ')'), '')) ORDER BY seq_in_index)) " +
            "FROM information_schema.statistics WHERE table_schema = DATABASE() AND index_name <> 'PRIMARY' AND table_name <> @t GROUP BY table_name, index_name, non_unique",
            "-");
        foreach (var expected in new[]
        {
            "uix_users_name unique users name", "uix_users_oidc_id unique users oidc_id(512)", "uix_applications_token unique applications token",
            "idx_applications_user_id index applications user_id", "uix_application_user_id_sort_key unique applications user_id,sort_key(255)",
            "idx_messages_id index messages id", "uix_clients_token unique clients token", "idx_clients_user_id index clients user_id",
            "idx_clients_expires_at index clients expires_at", "uix_plugin_confs_token unique plugin_confs token",
        })
        {
            Assert.Contains(expected, indexes);
        }

        Assert.Empty(await ListAsync(db, "SELECT constraint_name FROM information_schema.referential_constraints WHERE constraint_schema = DATABASE() AND constraint_name <> @t", "-"));
    }

    [EngineFact("mysql")]
    public async Task Message_EmojiWithCharsetUtf8Dsn_StoredAndRoundTrips()
    {
        // Gotify's DSN says charset=utf8 (3-byte): Herald still speaks utf8mb4, so emoji and other 4-byte characters store and come back.
        using var dir = new TempDirectory();
        using var database = TestEngine.CreateDatabase("mysql");
        Assert.Contains("charset=utf8&", database.GotifyDsn, StringComparison.Ordinal);
        await using var server = await HeraldProcess.StartAsync(dir.Path, database.Environment);
        using var api = new HeraldClient(server.BaseAddress);
        var app = await api.NewAppAsync(Admin, "emoji 🎉");
        const string Text = "done 🎉 — 𝄞 café";
        var posted = Ok(await api.PostAsync("/message", app.Header, Body.Json(new { message = Text, title = "🚀" })));
        var listed = Ok(await api.GetAsync("/message", Admin)).GetProperty("messages")[0];
        Assert.Equal(Text, listed.GetProperty("message").GetString());
        Assert.Equal("🚀", listed.GetProperty("title").GetString());
        Assert.Equal(posted.GetProperty("date").GetString(), listed.GetProperty("date").GetString());
        await using var db = await database.OpenAsync();
        Assert.Equal(Text, (await ListAsync(db, "SELECT message FROM messages WHERE title = @t", "🚀")).Single());
    }

    [EngineFact("mysql")]
    public async Task Start_TableInThreeByteCharset_WarningWithFixingStatement()
    {
        // A messages table Gotify created in utf8mb3 (its tables take the server default) is reported at start with the ALTER that fixes it.
        using var dir = new TempDirectory();
        using var database = TestEngine.CreateDatabase("mysql");
        await using (var db = await database.OpenAsync())
        {
            await using var create = db.CreateCommand();
            create.CommandText = "CREATE TABLE `messages` (`id` bigint unsigned AUTO_INCREMENT,`application_id` bigint unsigned,`message` text,`title` text,`priority` bigint," +
                "`extras` longblob,`date` datetime(3) NULL,PRIMARY KEY (`id`),INDEX `idx_messages_id` (`id`)) DEFAULT CHARSET=utf8mb3";
            await create.ExecuteNonQueryAsync();
        }

        await using var server = await HeraldProcess.StartAsync(dir.Path, database.Environment);
        Assert.Contains("ALTER TABLE `messages` CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_bin", server.Log, StringComparison.Ordinal);
        Assert.DoesNotContain("ALTER TABLE `users`", server.Log, StringComparison.Ordinal);
    }

    [EngineFact("mysql")]
    public async Task Start_ThreeProcessesOnOneEmptyDatabase_OneSchemaAndOneAdmin()
    {
        // Schema creation and the default admin run under GET_LOCK: three servers starting at once end with one admin and all serve.
        using var database = TestEngine.CreateDatabase("mysql");
        var dirs = Enumerable.Range(0, 3).Select(_ => new TempDirectory()).ToList();
        var servers = new List<HeraldProcess>();
        try
        {
            servers.AddRange(await Task.WhenAll(dirs.Select(d => HeraldProcess.StartAsync(d.Path, database.Environment))));
            foreach (var server in servers)
            {
                using var api = new HeraldClient(server.BaseAddress);
                Status(await api.GetAsync("/current/user", Admin), 200);
            }

            await using var db = await database.OpenAsync();
            Assert.Equal("1", (await ListAsync(db, "SELECT COUNT(*) FROM users WHERE name = @t", "admin")).Single());
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

    [EngineFact("mysql")]
    public async Task Start_ConnectionRefusedOrMissingDatabase_ExitsWith1NamingKeyAndWhatToDo()
    {
        // Nothing on the port, or no such database: exit 1 and one sentence naming the variable and what to do; no password, no stack trace.
        using var dir = new TempDirectory();
        var port = HeraldProcess.FreePort().ToString(CultureInfo.InvariantCulture);
        var refused = await HeraldProcess.RunToExitAsync(dir.Path, ["serve"], new Dictionary<string, string?>
        {
            ["GOTIFY_DATABASE_DIALECT"] = "mysql",
            ["GOTIFY_DATABASE_CONNECTION"] = $"gotify:hunter2@tcp(127.0.0.1:{port})/gotify?charset=utf8&parseTime=True&loc=Local",
        });
        Assert.Contains("start the database server", AssertStartFailure(refused), StringComparison.Ordinal);

        using var existing = TestEngine.CreateDatabase("mysql");
        var missing = await HeraldProcess.RunToExitAsync(dir.Path, ["serve"], new Dictionary<string, string?>
        {
            ["GOTIFY_DATABASE_DIALECT"] = "mysql",
            ["GOTIFY_DATABASE_CONNECTION"] = existing.GotifyDsn.Replace("/" + existing.Name + "?", "/herald_absent_db?", StringComparison.Ordinal),
        });
        var line = AssertStartFailure(missing);
        Assert.Contains("no database \"herald_absent_db\"", line, StringComparison.Ordinal);
        Assert.Contains("CREATE DATABASE", line, StringComparison.Ordinal);
    }

    private static string AssertStartFailure(ProcessResult result)
    {
        Assert.True(result.ExitCode == 1, $"expected exit code 1: {result}");
        var lines = result.AllOutput.Split('\n').Where(l => !string.IsNullOrWhiteSpace(l)).ToArray();
        var naming = lines.Where(l => l.Contains("GOTIFY_DATABASE_CONNECTION", StringComparison.Ordinal)).ToArray();
        Assert.True(naming.Length == 1, $"expected one line naming GOTIFY_DATABASE_CONNECTION: {result}");
        Assert.DoesNotContain("hunter2", result.AllOutput, StringComparison.Ordinal);
        Assert.DoesNotContain(lines, l => l.TrimStart().StartsWith("at ", StringComparison.Ordinal));
        return naming[0];
    }

    private static async Task<List<string>> ListAsync(DbConnection db, string sql, string t)
    {
        await using var command = db.CreateCommand();
        command.CommandText = sql;
        var parameter = command.CreateParameter();
        parameter.ParameterName = "@t";
        parameter.Value = t;
        command.Parameters.Add(parameter);
        var rows = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add(reader.IsDBNull(0) ? string.Empty : Convert.ToString(reader.GetValue(0), CultureInfo.InvariantCulture)!);
        }

        return rows;
    }
}
