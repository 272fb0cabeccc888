using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Herald.Plugins.Tests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace Herald.Plugins.Tests;

/// <summary>
/// The echo plugin (every capability of the API) against a running Herald over HTTP: Gotify's lifecycle, status codes
/// and texts, messages with the REST defaults, storage, YAML config with comments, display, subscriptions, background
/// work, new users, hot upgrade and removal.
/// </summary>
[Collection(PluginCollection.Name)]
public sealed class EchoEndToEndTests(FixturePlugins fixtures) : PluginServerTest(fixtures)
{
    private static readonly TimeSpan HotSwapLimit = TimeSpan.FromSeconds(2);

    private HttpClient Client => Server.Client;

    protected override void Deploy(string pluginsDirectory)
    {
        Fixtures.DeployZip("Echo", pluginsDirectory, "echo.zip");
    }

    // Invariant: Gotify's /plugin semantics hold for a real plugin package, end to end.
    [Fact]
    public async Task Echo_EveryCapability_WorksOverHttp()
    {
        var item = await PluginApiClient.FindAsync(Client, "herald.test/echo");
        var id = item.GetProperty("id").GetInt64();
        var token = item.GetProperty("token").GetString()!;
        Assert.StartsWith("P", token, StringComparison.Ordinal);
        Assert.False(item.GetProperty("enabled").GetBoolean()); // new instances start disabled
        Assert.Equal(["configurer", "displayer", "messenger", "storager", "webhooker", "subscriber"], item.GetProperty("capabilities").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal("test plugin", item.GetProperty("name").GetString());
        Assert.Equal("1.0.0", item.GetProperty("version").GetString());
        Assert.Equal("Echoes webhooks as messages", item.GetProperty("description").GetString());
        Assert.Equal("Herald", item.GetProperty("author").GetString());
        Assert.Equal("MIT", item.GetProperty("license").GetString());
        Assert.Equal("ok", item.GetProperty("status").GetString());

        // Webhooks are unreachable while disabled.
        var echoPath = $"plugin/{id}/custom/{token}/echo";
        var (status, body) = await PluginApiClient.SendAsync(Client, HttpMethod.Get, echoPath);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("{\"error\":\"Bad Request\",\"errorCode\":400,\"errorDescription\":\"plugin is disabled\"}", body);

        Assert.Equal(HttpStatusCode.OK, (await PluginApiClient.SendAsync(Client, HttpMethod.Post, $"plugin/{id}/enable")).Status);
        (status, body) = await PluginApiClient.SendAsync(Client, HttpMethod.Post, $"plugin/{id}/enable");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("config is already enabled/disabled", PluginApiClient.ErrorDescription(body));

        // Webhook with the token as only credential: no auth header.
        using var anonymous = new HttpClient { BaseAddress = Server.BaseAddress };
        Assert.Equal($"Magic string is: hello world\r\nEcho server running at /plugin/{id}/custom/{token}/echo (v1)", await anonymous.GetStringAsync(echoPath));
        Assert.Equal("hello Ada (v1)", await anonymous.GetStringAsync($"plugin/{id}/custom/{token}/hello/Ada"));
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync($"plugin/{id}/custom/{token}/nope")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync($"plugin/{id}/custom/Pwrongtoken/echo")).StatusCode);

        // The message landed in the plugin's internal application.
        var app = (await Client.GetFromJsonAsync<JsonElement[]>("application"))!.Single(a => a.GetProperty("internal").GetBoolean());
        Assert.Equal("test plugin", app.GetProperty("name").GetString());
        Assert.Equal("auto generated application for herald.test/echo", app.GetProperty("description").GetString());
        var appId = app.GetProperty("id").GetInt64();
        var message = (await Client.GetFromJsonAsync<JsonElement>($"application/{appId}/message")).GetProperty("messages")[0];
        Assert.Equal("Hello received", message.GetProperty("title").GetString());
        Assert.Equal("echo server received a hello message 1 times", message.GetProperty("message").GetString());
        Assert.Equal(2, message.GetProperty("priority").GetInt32());
        Assert.Equal("echo", message.GetProperty("extras").GetProperty("plugin::name").GetString());

        // A message without title and priority gets the application's name and default priority, as POST /message does.
        using (var update = await Client.PutAsJsonAsync($"application/{appId}", new { name = "Echo app", description = "renamed", defaultPriority = 7 }))
        {
            Assert.Equal(HttpStatusCode.OK, update.StatusCode);
        }

        Assert.Equal(HttpStatusCode.OK, (await anonymous.PostAsync($"plugin/{id}/custom/{token}/message", new StringContent("plain body"))).StatusCode);
        message = (await Client.GetFromJsonAsync<JsonElement>($"application/{appId}/message")).GetProperty("messages")[0];
        Assert.Equal("Echo app", message.GetProperty("title").GetString());
        Assert.Equal(7, message.GetProperty("priority").GetInt32());

        // The internal application cannot be deleted through the API.
        (status, body) = await PluginApiClient.SendAsync(Client, HttpMethod.Delete, $"application/{appId}");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("cannot delete internal application", PluginApiClient.ErrorDescription(body));

        // Config: YAML, validated by the plugin, stored verbatim with comments.
        using (var config = await Client.GetAsync($"plugin/{id}/config"))
        {
            Assert.Equal("application/x-yaml", config.Content.Headers.ContentType!.MediaType);
            Assert.Equal("magic_string: hello world\n", await config.Content.ReadAsStringAsync());
        }

        (status, body) = await PluginApiClient.SendAsync(Client, HttpMethod.Post, $"plugin/{id}/config", "magic_string: \"\"\n");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("magic_string must not be empty", PluginApiClient.ErrorDescription(body));
        (status, _) = await PluginApiClient.SendAsync(Client, HttpMethod.Post, $"plugin/{id}/config", "magic_string: [unclosed\n");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("magic_string: hello world\n", await Client.GetStringAsync($"plugin/{id}/config")); // rejected configs change nothing

        const string Commented = "# the user's own comment\nmagic_string: abracadabra # inline too\n";
        Assert.Equal(HttpStatusCode.OK, (await PluginApiClient.SendAsync(Client, HttpMethod.Post, $"plugin/{id}/config", Commented)).Status);
        Assert.Equal(Commented, await Client.GetStringAsync($"plugin/{id}/config"));
        Assert.StartsWith("Magic string is: abracadabra\r\n", await anonymous.GetStringAsync(echoPath), StringComparison.Ordinal);

        // Display gets the request's public base URL.
        Assert.Equal($"\"Echo plugin v1 running at: {Server.BaseAddress}plugin/{id}/custom/{token}/echo\"", await Client.GetStringAsync($"plugin/{id}/display"));
        using (var proxied = new HttpRequestMessage(HttpMethod.Get, $"plugin/{id}/display"))
        {
            proxied.Headers.Add("X-Forwarded-Proto", "https");
            proxied.Headers.Add("X-Forwarded-Host", "push.example.org");
            proxied.Headers.Add("X-Forwarded-Prefix", "/gotify");
            using var response = await Client.SendAsync(proxied);
            Assert.Equal($"\"Echo plugin v1 running at: https://push.example.org/gotify/plugin/{id}/custom/{token}/echo\"", await response.Content.ReadAsStringAsync());
        }

        // Subscription: a message sent by another application of the user reaches the plugin, without a websocket.
        var other = await (await Client.PostAsJsonAsync("application", new { name = "sender" })).Content.ReadFromJsonAsync<JsonElement>();
        using (var send = new HttpRequestMessage(HttpMethod.Post, "message") { Content = JsonContent.Create(new { title = "from sender", message = "to be forwarded" }) })
        {
            send.Headers.Add("X-Gotify-Key", other.GetProperty("token").GetString());
            Assert.Equal(HttpStatusCode.OK, (await anonymous.SendAsync(send)).StatusCode);
        }

        var state = await WaitForStateAsync(anonymous, $"plugin/{id}/custom/{token}/state", s => s.GetProperty("Received").GetArrayLength() > 0 && s.GetProperty("Ticks").GetInt32() > 0);
        Assert.Equal(["from sender: to be forwarded"], state.GetProperty("Received").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal(2, state.GetProperty("CalledTimes").GetInt32());
        Assert.True(state.GetProperty("dataDirectory").GetBoolean());

        // Disable: webhooks answer 400 again; a second disable is 400.
        Assert.Equal(HttpStatusCode.OK, (await PluginApiClient.SendAsync(Client, HttpMethod.Post, $"plugin/{id}/disable")).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await anonymous.GetAsync(echoPath)).StatusCode);
        (status, body) = await PluginApiClient.SendAsync(Client, HttpMethod.Post, $"plugin/{id}/disable");
        Assert.Equal("config is already enabled/disabled", PluginApiClient.ErrorDescription(body));

        // Another user: gets their own instance (own id, token, app), and cannot see or touch admin's.
        using (var created = await Client.PostAsJsonAsync("user", new { name = "bob", pass = "bobpass", admin = false }))
        {
            Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        }

        using var bob = new HttpClient { BaseAddress = Server.BaseAddress };
        bob.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.ASCII.GetBytes("bob:bobpass")));
        var bobs = await PluginApiClient.FindAsync(bob, "herald.test/echo");
        Assert.NotEqual(id, bobs.GetProperty("id").GetInt64());
        Assert.NotEqual(token, bobs.GetProperty("token").GetString());
        Assert.False(bobs.GetProperty("enabled").GetBoolean());
        (status, body) = await PluginApiClient.SendAsync(bob, HttpMethod.Get, $"plugin/{id}/config");
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("unknown plugin", PluginApiClient.ErrorDescription(body));
        (status, body) = await PluginApiClient.SendAsync(bob, HttpMethod.Post, "plugin/999/enable");
        Assert.Equal("unknown plugin", PluginApiClient.ErrorDescription(body));
    }

    // Invariant (IPluginContext.Logger's promise): what a plugin logs reaches the server's log under the category
    // Herald.Plugins.<module path>, so an operator can tell which plugin wrote it and filter by it.
    [Fact]
    public async Task Logger_PluginLogsOnEnable_EntryInServerLogUnderPluginCategory()
    {
        var id = (await PluginApiClient.FindAsync(Client, "herald.test/echo")).GetProperty("id").GetInt64();
        Assert.DoesNotContain("Echo v1 enabled for admin", Server.Log, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await PluginApiClient.SendAsync(Client, HttpMethod.Post, $"plugin/{id}/enable")).Status);
        await Server.WaitForLogAsync("info: Herald.Plugins.herald.test/echo[0] Echo v1 enabled for admin", TimeSpan.FromSeconds(5));
    }

    // Invariant: replacing a package keeps every user's enabled state, config and storage, and the old version's load
    // context is collected; deleting it disables and unloads it; a new one appears, all within 2 s, without a restart.
    [Fact]
    public async Task FolderChanges_UpgradeDeleteAdd_AppliedWithinTwoSecondsKeepingUserState()
    {
        var item = await PluginApiClient.FindAsync(Client, "herald.test/echo");
        var id = item.GetProperty("id").GetInt64();
        var token = item.GetProperty("token").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await PluginApiClient.SendAsync(Client, HttpMethod.Post, $"plugin/{id}/enable")).Status);
        Assert.Equal(HttpStatusCode.OK, (await PluginApiClient.SendAsync(Client, HttpMethod.Post, $"plugin/{id}/config", "magic_string: kept\n")).Status);
        using var anonymous = new HttpClient { BaseAddress = Server.BaseAddress };
        await anonymous.GetStringAsync($"plugin/{id}/custom/{token}/echo");
        await anonymous.GetStringAsync($"plugin/{id}/custom/{token}/echo");

        Fixtures.DeployZip("EchoV2", Server.PluginsDir, "echo.zip");
        var items = await PluginApiClient.WaitForListAsync(Client, l => l.Any(i => i.GetProperty("version").GetString() == "2.0.0"), HotSwapLimit);
        var upgraded = items.Single(i => i.GetProperty("modulePath").GetString() == "herald.test/echo");
        Assert.Equal(id, upgraded.GetProperty("id").GetInt64());
        Assert.Equal(token, upgraded.GetProperty("token").GetString());
        Assert.True(upgraded.GetProperty("enabled").GetBoolean());
        Assert.Equal("magic_string: kept\n", await Client.GetStringAsync($"plugin/{id}/config"));
        Assert.Equal($"Magic string is: kept\r\nEcho server running at /plugin/{id}/custom/{token}/echo (v2)", await anonymous.GetStringAsync($"plugin/{id}/custom/{token}/echo"));
        var state = await anonymous.GetFromJsonAsync<JsonElement>($"plugin/{id}/custom/{token}/state");
        Assert.Equal(3, state.GetProperty("CalledTimes").GetInt32()); // storage survived the upgrade
        await Server.WaitForLogAsync("Plugin herald.test/echo 1.0.0 from echo.zip was unloaded and its memory freed", TimeSpan.FromSeconds(10));

        File.Delete(Path.Combine(Server.PluginsDir, "echo.zip"));
        await PluginApiClient.WaitForListAsync(Client, l => l.Length == 0, HotSwapLimit);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync($"plugin/{id}/custom/{token}/echo")).StatusCode);
        await Server.WaitForLogAsync("Plugin herald.test/echo 2.0.0 from echo.zip was unloaded and its memory freed", TimeSpan.FromSeconds(10));

        Fixtures.DeployZip("ConflictA", Server.PluginsDir, "conflict-a.zip");
        await PluginApiClient.WaitForListAsync(Client, l => l.Any(i => i.GetProperty("modulePath").GetString() == "herald.test/conflict-a"), HotSwapLimit);
    }

    // Invariant (Gotify parity): a stored config the plugin rejects at start disables the instance and keeps the old
    // text as comments under the default, with Gotify's exact header and CRLF line endings.
    [Fact]
    public async Task Start_StoredConfigRejected_DisabledAndOldTextKeptAsComments()
    {
        var id = (await PluginApiClient.FindAsync(Client, "herald.test/echo")).GetProperty("id").GetInt64();
        Assert.Equal(HttpStatusCode.OK, (await PluginApiClient.SendAsync(Client, HttpMethod.Post, $"plugin/{id}/enable")).Status);
        await Server.KillAsync();

        using (var db = new SqliteConnection($"Data Source={Server.DatabasePath};Pooling=False"))
        {
            db.Open();
            using var command = db.CreateCommand();
            command.CommandText = "UPDATE plugin_confs SET config = $config WHERE id = $id";
            command.Parameters.AddWithValue("$config", Encoding.UTF8.GetBytes("# tuned by hand\nmagic_string: \"\"\n"));
            command.Parameters.AddWithValue("$id", id);
            Assert.Equal(1, command.ExecuteNonQuery());
        }

        await Server.StartAsync();
        var item = await PluginApiClient.FindAsync(Client, "herald.test/echo");
        Assert.False(item.GetProperty("enabled").GetBoolean());
        Assert.Equal("faulted", item.GetProperty("status").GetString());
        Assert.Equal(
            "The stored configuration was rejected at start-up (magic_string must not be empty); a default configuration is used, the old one is kept as comments below it. Check the configuration, then enable the plugin again.",
            item.GetProperty("statusMessage").GetString());
        Assert.Equal(
            "# Plugin initialization failed because it rejected the current config. It might be outdated.\r\n# A default plugin configuration is used:\r\nmagic_string: ''\n\r\n# The original configuration: \r\n# # tuned by hand\r\n# magic_string: \"\"\r\n",
            await Client.GetStringAsync($"plugin/{id}/config"));
    }

    private static async Task<JsonElement> WaitForStateAsync(HttpClient client, string path, Func<JsonElement, bool> predicate)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        JsonElement state;
        do
        {
            state = await client.GetFromJsonAsync<JsonElement>(path);
            if (predicate(state))
            {
                return state;
            }

            await Task.Delay(50);
        }
        while (DateTime.UtcNow < deadline);
        return state;
    }
}
