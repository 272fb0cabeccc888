using System.Text;
using System.Text.Json;
using Herald.Server.Tests.Infrastructure;
using static Herald.Server.Tests.Infrastructure.ApiAssert;

namespace Herald.Server.Tests;

/// <summary>A gotify.db as Gotify 2.9 left it, served by one Herald for the 2.x compatibility tests.</summary>
public sealed class Gotify29DatabaseFixture : IAsyncLifetime
{
    public const string BobAppToken = "Abobapptoken-_1";
    public const string BobSecondAppToken = "Abobsecondapp.2";
    public const string AdminAppToken = "Aadminapptoken1";
    public const string BobClientToken = "Cbobphonetoken1";
    public const string AdminClientToken = "Cadminclient.01";
    public const string Extras = "{\"client::display\":{\"contentType\":\"text/markdown\"}}";

    private readonly TempDirectory _dir = new();

    public HeraldProcess Server { get; private set; } = null!;

    public HeraldClient Api { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await using (var db = await GotifyDbBuilder.CreateAsync(_dir.Combine("gotify.db"), GotifyDbBuilder.SchemaV29))
        {
            await db.InsertAsync("users", ("id", 1), ("name", "admin"), ("pass", GotifyDbBuilder.GoBcrypt("adminpw")), ("admin", 1));
            await db.InsertAsync("users", ("id", 2), ("name", "bob"), ("pass", GotifyDbBuilder.GoBcrypt("bobpw")), ("admin", 0));
            await db.InsertAsync("applications", ("id", 1), ("token", BobAppToken), ("user_id", 2), ("name", "Backup"), ("description", "nightly"), ("internal", 0), ("image", ""), ("default_priority", 5), ("last_used", null), ("sort_key", "a0"));
            await db.InsertAsync("applications", ("id", 2), ("token", AdminAppToken), ("user_id", 1), ("name", "AdminApp"), ("description", ""), ("internal", 0), ("image", "oldimage.png"), ("default_priority", 0), ("last_used", "2021-05-06 07:08:09+02:00"), ("sort_key", "a0"));
            await db.InsertAsync("applications", ("id", 3), ("token", BobSecondAppToken), ("user_id", 2), ("name", "Second"), ("description", "x"), ("internal", 0), ("image", ""), ("default_priority", 0), ("last_used", null), ("sort_key", "a1"));
            await db.InsertAsync("messages", ("id", 1), ("application_id", 1), ("message", "first"), ("title", "T1"), ("priority", 2), ("extras", null), ("date", "2020-01-01 00:00:00+00:00"));
            await db.InsertAsync("messages", ("id", 2), ("application_id", 1), ("message", "**md**"), ("title", "T2"), ("priority", 0), ("extras", Encoding.UTF8.GetBytes(Extras)), ("date", "2021-03-04 05:06:07.123456789+01:00"));
            await db.InsertAsync("messages", ("id", 5), ("application_id", 3), ("message", "third"), ("title", "T3"), ("priority", 8), ("extras", null), ("date", "2022-12-31 23:59:59.5+00:00"));
            await db.InsertAsync("messages", ("id", 6), ("application_id", 2), ("message", "admin msg"), ("title", "A"), ("priority", 1), ("extras", null), ("date", "2020-01-01 00:00:00+00:00"));
            await db.InsertAsync("clients", ("id", 1), ("token", BobClientToken), ("user_id", 2), ("name", "Phone"), ("last_used", "2020-02-02 02:02:02+00:00"));
            await db.InsertAsync("clients", ("id", 2), ("token", AdminClientToken), ("user_id", 1), ("name", "Admin web"), ("last_used", null));
        }

        Directory.CreateDirectory(_dir.Combine("images"));
        await File.WriteAllBytesAsync(Path.Combine(_dir.Combine("images"), "oldimage.png"), TestImages.Png);

        // The default admin must not be created: the users table is not empty.
        Server = await HeraldProcess.StartAsync(_dir.Path, new Dictionary<string, string?> { ["GOTIFY_DEFAULTUSER_NAME"] = "shouldnotexist" });
        Api = new HeraldClient(Server.BaseAddress);
    }

    public async Task DisposeAsync()
    {
        Api.Dispose();
        await Server.DisposeAsync();
        _dir.Dispose();
    }
}

/// <summary>Herald opens a database made by Gotify 2.9 and serves every user, password, token, application and message (behaviour reference §5).</summary>
public sealed class Gotify29DatabaseTests(Gotify29DatabaseFixture fx) : IClassFixture<Gotify29DatabaseFixture>
{
    private static readonly Credential Bob = Credential.Basic("bob", "bobpw");
    private static readonly Credential AdminBasic = Credential.Basic("admin", "adminpw");

    [SqliteFact]
    public async Task GotifyDb29_BcryptPasswords_Authenticate()
    {
        // Users and their Go bcrypt ($2a$) password hashes from the old database work; no default user was added.
        var bob = Ok(await fx.Api.GetAsync("/current/user", Bob));
        Assert.Equal(2, bob.GetProperty("id").GetInt64());
        Assert.False(bob.GetProperty("admin").GetBoolean());
        Assert.True(Ok(await fx.Api.GetAsync("/current/user", AdminBasic)).GetProperty("admin").GetBoolean());
        Status(await fx.Api.GetAsync("/current/user", Credential.Basic("bob", "wrong")), 401);
        var users = Ok(await fx.Api.GetAsync("/user", AdminBasic));
        Assert.Equal(["admin", "bob"], users.EnumerateArray().Select(u => u.GetProperty("name").GetString()).Order(StringComparer.Ordinal));
        foreach (var u in users.EnumerateArray())
        {
            HasShape(u, Shape.User);
        }
    }

    [SqliteFact]
    public async Task GotifyDb29_Messages_ServedWithOriginalFields()
    {
        // Stored messages come back newest first with their title, priority, extras and original dates (nanosecond text times included).
        var page = Ok(await fx.Api.GetAsync("/message", Bob));
        var messages = page.GetProperty("messages");
        Assert.Equal([5L, 2L, 1L], messages.EnumerateArray().Select(m => m.GetProperty("id").GetInt64()));
        foreach (var m in messages.EnumerateArray())
        {
            HasShape(m, Shape.Message);
        }

        var m2 = messages[1];
        Assert.Equal(1, m2.GetProperty("appid").GetInt64());
        Assert.Equal("**md**", m2.GetProperty("message").GetString());
        Assert.Equal("T2", m2.GetProperty("title").GetString());
        Assert.Equal(0, m2.GetProperty("priority").GetInt32());
        using var extras = JsonDocument.Parse(Gotify29DatabaseFixture.Extras);
        Assert.True(JsonElement.DeepEquals(extras.RootElement, m2.GetProperty("extras")), m2.ToString());
        Near(new DateTimeOffset(2021, 3, 4, 4, 6, 7, 123, TimeSpan.Zero), Timestamp(m2.GetProperty("date")), TimeSpan.FromMilliseconds(2));

        var m1 = messages[2];
        Assert.Equal("first", m1.GetProperty("message").GetString());
        Assert.Equal(2, m1.GetProperty("priority").GetInt32());
        Assert.False(m1.TryGetProperty("extras", out _), "NULL extras must be omitted");
        Near(new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero), Timestamp(m1.GetProperty("date")), TimeSpan.FromMilliseconds(1));

        Near(new DateTimeOffset(2022, 12, 31, 23, 59, 59, 500, TimeSpan.Zero), Timestamp(messages[0].GetProperty("date")), TimeSpan.FromMilliseconds(1));
    }

    [SqliteFact]
    public async Task GotifyDb29_Applications_ListedWithTokensSortKeysAndImages()
    {
        // Applications keep names, tokens, priorities, sort keys, images and lastUsed.
        var apps = Ok(await fx.Api.GetAsync("/application", Bob));
        Assert.Equal(["Backup", "Second"], apps.EnumerateArray().Select(a => a.GetProperty("name").GetString()));
        foreach (var a in apps.EnumerateArray())
        {
            HasShape(a, Shape.Application);
        }

        var backup = apps[0];
        Assert.Equal(Gotify29DatabaseFixture.BobAppToken, backup.GetProperty("token").GetString());
        Assert.Equal("nightly", backup.GetProperty("description").GetString());
        Assert.Equal(5, backup.GetProperty("defaultPriority").GetInt32());
        Assert.Equal("a0", backup.GetProperty("sortKey").GetString());
        Assert.Equal("a1", apps[1].GetProperty("sortKey").GetString());
        Assert.Equal("static/defaultapp.png", backup.GetProperty("image").GetString());

        var admin = Ok(await fx.Api.GetAsync("/application", AdminBasic))[0];
        Assert.Equal("image/oldimage.png", admin.GetProperty("image").GetString());
        Near(new DateTimeOffset(2021, 5, 6, 5, 8, 9, TimeSpan.Zero), Timestamp(admin.GetProperty("lastUsed")), TimeSpan.FromMilliseconds(1));
        var (status, bytes, _) = await fx.Api.GetBytesAsync("/image/oldimage.png");
        Assert.Equal(System.Net.HttpStatusCode.OK, status);
        Assert.Equal(TestImages.Png, bytes);
    }

    [SqliteFact]
    public async Task GotifyDb29_Clients_ListedAndTokensAuthenticate()
    {
        // Client rows and their plaintext C tokens work; lastUsed is read back.
        var clients = Ok(await fx.Api.GetAsync("/client", Bob));
        var phone = clients.ById(1)!.Value;
        HasShape(phone, Shape.Client);
        Assert.Equal("Phone", phone.GetProperty("name").GetString());
        Assert.Equal(Gotify29DatabaseFixture.BobClientToken, phone.GetProperty("token").GetString());
        var me = Ok(await fx.Api.GetAsync("/current/user", Credential.Header(Gotify29DatabaseFixture.BobClientToken)));
        Assert.Equal(2, me.GetProperty("id").GetInt64());
        Assert.Equal(1, me.GetProperty("clientId").GetInt64());
        Status(await fx.Api.GetAsync("/user", Credential.Query(Gotify29DatabaseFixture.AdminClientToken)), 200);
    }

    [SqliteFact]
    public async Task GotifyDb29_AppToken_SendsWithIdAboveExisting()
    {
        // Old application tokens send; new ids continue above the highest existing id (6).
        var sent = Ok(await fx.Api.PostAsync("/message", Credential.Header(Gotify29DatabaseFixture.BobSecondAppToken), Body.Json(new { message = "new after migration" })));
        Assert.True(sent.GetProperty("id").GetInt64() > 6, sent.ToString());
        Assert.Equal(3, sent.GetProperty("appid").GetInt64());
        Assert.Equal("Second", sent.GetProperty("title").GetString());
        Status(await fx.Api.DeleteAsync($"/message/{sent.GetProperty("id").GetInt64()}", Bob), 200);
    }

    [SqliteFact]
    public async Task GotifyDb29_NewApplication_GetsNextSortKey()
    {
        // A new application after the migration is appended after the existing keys a0, a1.
        var created = Ok(await fx.Api.PostAsync("/application", Bob, Body.Json(new { name = "Third" })));
        Assert.True(string.CompareOrdinal(created.GetProperty("sortKey").GetString(), "a1") > 0, created.ToString());
        Status(await fx.Api.DeleteAsync($"/application/{created.GetProperty("id").GetInt64()}", Bob), 200);
    }
}

/// <summary>Databases of Gotify 2.0 (old columns) and Gotify 3 (Ed25519 tokens, created_at, expiry).</summary>
public sealed class GotifyDatabaseMigrationTests
{
    [SqliteFact]
    public async Task GotifyDb20_MissingColumns_AddedAndRowsServed()
    {
        // A Gotify 2.0 schema without default_priority/last_used/sort_key opens: columns are added, sort keys back-filled per user, data served.
        using var dir = new TempDirectory();
        await using (var db = await GotifyDbBuilder.CreateAsync(dir.Combine("gotify.db"), GotifyDbBuilder.SchemaV20))
        {
            await db.InsertAsync("users", ("id", 1), ("name", "admin"), ("pass", GotifyDbBuilder.GoBcrypt("old-admin")), ("admin", 1));
            await db.InsertAsync("applications", ("id", 1), ("token", "Aoldapp0000001."), ("user_id", 1), ("name", "One"), ("description", "d1"), ("internal", 0), ("image", ""));
            await db.InsertAsync("applications", ("id", 2), ("token", "Aoldapp0000002."), ("user_id", 1), ("name", "Two"), ("description", "d2"), ("internal", 0), ("image", ""));
            await db.InsertAsync("messages", ("id", 1), ("application_id", 2), ("message", "old message"), ("title", "old"), ("priority", 4), ("extras", null), ("date", "2019-03-01 12:00:00+01:00"));
            await db.InsertAsync("clients", ("id", 1), ("token", "Coldclient0001."), ("user_id", 1), ("name", "old client"));
        }

        await using var server = await HeraldProcess.StartAsync(dir.Path);
        using var api = new HeraldClient(server.BaseAddress);
        var client = Credential.Header("Coldclient0001.");
        var apps = Ok(await api.GetAsync("/application", client));
        Assert.Equal(["One", "Two"], apps.EnumerateArray().Select(a => a.GetProperty("name").GetString()));
        Assert.Equal(["a0", "a1"], apps.EnumerateArray().Select(a => a.GetProperty("sortKey").GetString()));
        foreach (var a in apps.EnumerateArray())
        {
            HasShape(a, Shape.Application);
            Assert.Equal(0, a.GetProperty("defaultPriority").GetInt32());
            Assert.Equal(JsonValueKind.Null, a.GetProperty("lastUsed").ValueKind);
        }

        var message = Ok(await api.GetAsync("/message", client)).GetProperty("messages")[0];
        Assert.Equal("old message", message.GetProperty("message").GetString());
        Near(new DateTimeOffset(2019, 3, 1, 11, 0, 0, TimeSpan.Zero), Timestamp(message.GetProperty("date")), TimeSpan.FromMilliseconds(1));
        Status(await api.GetAsync("/current/user", Credential.Basic("admin", "old-admin")), 200);
        var sent = Ok(await api.PostAsync("/message", Credential.Header("Aoldapp0000001."), Body.Json(new { message = "new" })));
        Assert.Equal(0, sent.GetProperty("priority").GetInt32());
        Assert.True(sent.GetProperty("id").GetInt64() > 1);
    }

    private sealed record V3Fixture(string AppPrivate, string AppStored, string ClientPrivate, string ClientStored, string ExpiredClientPrivate);

    private static async Task<V3Fixture> CreateV3Async(string path)
    {
        var app = GotifyDbBuilder.EnhancedToken('a');
        var client = GotifyDbBuilder.EnhancedToken('c');
        var expired = GotifyDbBuilder.EnhancedToken('c');
        await using var db = await GotifyDbBuilder.CreateAsync(path, GotifyDbBuilder.SchemaV3);
        await db.InsertAsync("users", ("id", 1), ("name", "admin"), ("pass", GotifyDbBuilder.GoBcrypt("v3admin")), ("admin", 1), ("created_at", "2025-01-01 10:00:00+00:00"), ("oidc_id", null));
        await db.InsertAsync("users", ("id", 2), ("name", "carol"), ("pass", GotifyDbBuilder.GoBcrypt("carolpw")), ("admin", 0), ("created_at", "2025-02-03 04:05:06.789+00:00"), ("oidc_id", null));
        await db.InsertAsync("applications", ("id", 1), ("token", app.Stored), ("user_id", 2), ("name", "Modern"), ("description", ""), ("internal", 0), ("image", ""), ("default_priority", 3), ("created_at", "2025-03-01 00:00:00+00:00"), ("last_used", null), ("sort_key", "a0"));
        await db.InsertAsync("applications", ("id", 2), ("token", "Acarollegacy.01"), ("user_id", 2), ("name", "Legacy"), ("description", ""), ("internal", 0), ("image", ""), ("default_priority", 0), ("created_at", "2025-03-01 00:00:00+00:00"), ("last_used", null), ("sort_key", "a1"));
        await db.InsertAsync("messages", ("id", 10), ("application_id", 1), ("message", "v3 message"), ("title", "t"), ("priority", 3), ("extras", null), ("date", "2025-04-01 08:00:00.000000001+02:00"));
        await db.InsertAsync("clients", ("id", 1), ("token", client.Stored), ("user_id", 2), ("name", "Android"), ("created_at", "2025-03-02 00:00:00+00:00"), ("last_used", null), ("elevated_until", null), ("expires_after_inactivity_seconds", 0), ("expires_at", null));
        await db.InsertAsync("clients", ("id", 2), ("token", expired.Stored), ("user_id", 2), ("name", "Old browser"), ("created_at", "2020-01-01 00:00:00+00:00"), ("last_used", "2020-01-01 00:00:00+00:00"), ("elevated_until", "2020-01-01 01:00:00+00:00"), ("expires_after_inactivity_seconds", 60), ("expires_at", "2020-01-01 00:01:00+00:00"));
        await db.InsertAsync("clients", ("id", 3), ("token", "Ccarollegacy.01"), ("user_id", 2), ("name", "Legacy client"), ("created_at", "2025-03-02 00:00:00+00:00"), ("last_used", null), ("elevated_until", null), ("expires_after_inactivity_seconds", 0), ("expires_at", null));
        return new V3Fixture(app.Private, app.Stored, client.Private, client.Stored, expired.Private);
    }

    [SqliteFact]
    public async Task GotifyDb3_EnhancedTokens_AuthenticateByPrivateForm()
    {
        // gtfya./gtfyc. tokens stored as Ed25519 public keys authenticate when the user presents the seed form, in every transport.
        using var dir = new TempDirectory();
        var v3 = await CreateV3Async(dir.Combine("gotify.db"));
        await using var server = await HeraldProcess.StartAsync(dir.Path);
        using var api = new HeraldClient(server.BaseAddress);

        var sent = Ok(await api.PostAsync("/message", Credential.Header(v3.AppPrivate), Body.Json(new { message = "signed in with gtfya" })));
        Assert.Equal(1, sent.GetProperty("appid").GetInt64());
        Assert.Equal(3, sent.GetProperty("priority").GetInt32());
        Assert.True(sent.GetProperty("id").GetInt64() > 10);

        foreach (var auth in new[] { Credential.Query(v3.ClientPrivate), Credential.Header(v3.ClientPrivate), Credential.Bearer(v3.ClientPrivate) })
        {
            var me = Ok(await api.GetAsync("/current/user", auth));
            Assert.Equal(2, me.GetProperty("id").GetInt64());
            Assert.Equal(1, me.GetProperty("clientId").GetInt64());
        }

        await using var stream = await StreamClient.ConnectAsync(server.BaseAddress, Credential.Query(v3.ClientPrivate));
        var pushed = Ok(await api.PostAsync("/message", Credential.Query(v3.AppPrivate), Body.Json(new { message = "to the stream" })));
        Assert.Equal(pushed.GetProperty("id").GetInt64(), (await stream.ReceiveJsonAsync()).GetProperty("id").GetInt64());
    }

    [SqliteFact]
    public async Task GotifyDb3_SignedTokenForm_AcceptedWithinFifteenMinutes()
    {
        // The signed form gtfyc.<pubkey>.<ts>.<Ed25519ph signature> authenticates while ts is within ±900 s; older or forged ones do not.
        using var dir = new TempDirectory();
        await CreateV3Async(dir.Combine("gotify.db"));
        var (_, stored, sign) = GotifyDbBuilder.EnhancedTokenWithSigner('c');
        await using (var db = await TestDb.OpenAsync(dir.Combine("gotify.db"), readOnly: false))
        {
            await db.InsertAsync("clients", ("id", 4), ("token", stored), ("user_id", 2), ("name", "Signed"), ("created_at", "2025-03-02 00:00:00+00:00"), ("last_used", null), ("elevated_until", null), ("expires_after_inactivity_seconds", 0), ("expires_at", null));
        }

        await using var server = await HeraldProcess.StartAsync(dir.Path);
        using var api = new HeraldClient(server.BaseAddress);
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var me = Ok(await api.GetAsync("/current/user", Credential.Header(sign(now))));
        Assert.Equal(4, me.GetProperty("clientId").GetInt64());
        Status(await api.GetAsync("/current/user", Credential.Header(sign(now - 600))), 200);
        Error(await api.GetAsync("/current/user", Credential.Header(sign(now - 3600))), 401);
        Error(await api.GetAsync("/current/user", Credential.Header(sign(now + 3600))), 401);
        var forged = sign(now);
        forged = forged[..^4] + (forged[^4] == 'A' ? "B" : "A") + forged[^3..];
        Error(await api.GetAsync("/current/user", Credential.Header(forged)), 401);
    }

    [SqliteFact]
    public async Task GotifyDb3_StoredPublicFormOrWrongKind_Rejected()
    {
        // The stored public form is not a credential (a leaked DB must not yield tokens), and an app seed is no client token.
        using var dir = new TempDirectory();
        var v3 = await CreateV3Async(dir.Combine("gotify.db"));
        await using var server = await HeraldProcess.StartAsync(dir.Path);
        using var api = new HeraldClient(server.BaseAddress);
        const string unauthorized = "you need to provide a valid access token or user credentials to access this api";
        Status(await api.PostAsync("/message", Credential.Header(v3.AppStored), Body.Json(new { message = "x" })), 401);
        Status(await api.GetAsync("/current/user", Credential.Header(v3.ClientStored)), 401);
        Error(await api.GetAsync("/current/user", Credential.Header("gtfyc." + v3.AppPrivate["gtfya.".Length..])), 401, unauthorized);
        Error(await api.PostAsync("/message", Credential.Header("gtfya." + v3.ClientPrivate["gtfyc.".Length..]), Body.Json(new { message = "x" })), 401, unauthorized);
        Error(await api.GetAsync("/current/user", Credential.Header(v3.ExpiredClientPrivate)), 401, unauthorized);
    }

    [SqliteFact]
    public async Task GotifyDb3_RowsAndLegacyTokens_Served()
    {
        // Gotify 3 rows keep createdAt, legacy A/C tokens in a 3.x DB still work, expired clients are hidden, passwords verify.
        using var dir = new TempDirectory();
        await CreateV3Async(dir.Combine("gotify.db"));
        await using var server = await HeraldProcess.StartAsync(dir.Path);
        using var api = new HeraldClient(server.BaseAddress);
        var carol = Credential.Basic("carol", "carolpw");

        var me = Ok(await api.GetAsync("/current/user", carol));
        Near(new DateTimeOffset(2025, 2, 3, 4, 5, 6, 789, TimeSpan.Zero), Timestamp(me.GetProperty("createdAt")), TimeSpan.FromMilliseconds(1));
        Status(await api.GetAsync("/user", Credential.Basic("admin", "v3admin")), 200);

        Status(await api.PostAsync("/message", Credential.Header("Acarollegacy.01"), Body.Json(new { message = "legacy app" })), 200);
        Status(await api.GetAsync("/message", Credential.Header("Ccarollegacy.01")), 200);

        var clients = Ok(await api.GetAsync("/client", carol));
        Assert.Null(clients.ById(2));
        var android = clients.ById(1)!.Value;
        HasShape(android, Shape.Client);
        Near(new DateTimeOffset(2025, 3, 2, 0, 0, 0, TimeSpan.Zero), Timestamp(android.GetProperty("createdAt")), TimeSpan.FromMilliseconds(1));

        var apps = Ok(await api.GetAsync("/application", carol));
        Assert.Equal(["Modern", "Legacy"], apps.EnumerateArray().Select(a => a.GetProperty("name").GetString()));
        Near(new DateTimeOffset(2025, 3, 1, 0, 0, 0, TimeSpan.Zero), Timestamp(apps[0].GetProperty("createdAt")), TimeSpan.FromMilliseconds(1));

        var message = Ok(await api.GetAsync("/message?limit=200", carol)).GetProperty("messages").EnumerateArray().Single(m => m.GetProperty("id").GetInt64() == 10);
        Near(new DateTimeOffset(2025, 4, 1, 6, 0, 0, TimeSpan.Zero), Timestamp(message.GetProperty("date")), TimeSpan.FromMilliseconds(1));
    }
}

/// <summary>The database Herald creates itself: Gotify's tables, columns and unique indexes, in WAL mode.</summary>
public sealed class DatabaseSchemaTests(ServerFixture fx) : IClassFixture<ServerFixture>
{
    public static TheoryData<string, string[]> Tables => new()
    {
        { "users", ["id", "name", "pass", "admin", "created_at", "oidc_id"] },
        { "applications", ["id", "token", "user_id", "name", "description", "internal", "image", "default_priority", "created_at", "last_used", "sort_key"] },
        { "messages", ["id", "application_id", "message", "title", "priority", "extras", "date"] },
        { "clients", ["id", "token", "user_id", "name", "created_at", "last_used", "elevated_until", "expires_after_inactivity_seconds", "expires_at"] },
        { "plugin_confs", ["id", "user_id", "module_path", "token", "application_id", "enabled", "created_at", "config", "storage"] },
    };

    [SqliteTheory]
    [MemberData(nameof(Tables))]
    public async Task Schema_FreshDatabase_HasGotifyTableWithColumns(string table, string[] columns)
    {
        // A database created by Herald has Gotify's tables and columns, so Gotify tooling and a rollback keep working.
        await using var db = await TestDb.OpenAsync(fx.Server.DatabasePath);
        await using var cmd = db.CreateCommand();
        cmd.CommandText = $"SELECT name FROM pragma_table_info('{table}')";
        var actual = new List<string>();
        await using (var reader = await cmd.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                actual.Add(reader.GetString(0));
            }
        }

        Assert.True(actual.Count > 0, $"table {table} is missing");
        foreach (var column in columns)
        {
            Assert.Contains(column, actual);
        }
    }

    [SqliteTheory]
    [InlineData("users", "name")]
    [InlineData("applications", "token")]
    [InlineData("clients", "token")]
    [InlineData("plugin_confs", "token")]
    public async Task Schema_FreshDatabase_UniqueIndexOnColumn(string table, string column)
    {
        // User names and tokens are unique at the database level, as in Gotify.
        await using var db = await TestDb.OpenAsync(fx.Server.DatabasePath);
        var count = (long)(await db.ScalarAsync(
            $"SELECT COUNT(*) FROM pragma_index_list('{table}') il WHERE il.\"unique\" = 1 AND (SELECT COUNT(*) FROM pragma_index_info(il.name)) = 1 AND (SELECT name FROM pragma_index_info(il.name)) = $c",
            ("$c", column)))!;
        Assert.True(count >= 1, $"no unique index on {table}.{column}");
    }

    [SqliteFact]
    public async Task Schema_StoredTimes_InGotifyDriverTextFormat()
    {
        // Times are written as Gotify's SQLite driver writes them ("2006-01-02 15:04:05.999999999-07:00"), so Gotify can read a Herald database back.
        var acc = await fx.NewAccountAsync();
        var id = (await fx.Api.SendMessageAsync(acc.App, "timed")).GetProperty("id").GetInt64();
        await using var db = await TestDb.OpenAsync(fx.Server.DatabasePath);
        const string pattern = @"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,9})?[+-]\d{2}:\d{2}$";
        Assert.Matches(pattern, (string)(await db.ScalarAsync("SELECT date FROM messages WHERE id = $id", ("$id", id)))!);
        Assert.Matches(pattern, (string)(await db.ScalarAsync("SELECT created_at FROM applications WHERE id = $id", ("$id", acc.App.Id)))!);
        Assert.Matches(pattern, (string)(await db.ScalarAsync("SELECT created_at FROM clients WHERE id = $id", ("$id", acc.Client.Id)))!);
        Assert.Matches(pattern, (string)(await db.ScalarAsync("SELECT last_used FROM applications WHERE id = $id", ("$id", acc.App.Id)))!);
    }

    [SqliteFact]
    public async Task Schema_FreshDatabase_JournalModeIsWal()
    {
        // The SQLite file is in WAL mode.
        await using var db = await TestDb.OpenAsync(fx.Server.DatabasePath);
        Assert.Equal("wal", ((string)(await db.ScalarAsync("PRAGMA journal_mode"))!).ToLowerInvariant());
    }
}
