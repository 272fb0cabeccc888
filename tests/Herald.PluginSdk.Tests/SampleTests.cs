using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Herald.PluginSdk.Tests.Infrastructure;

namespace Herald.PluginSdk.Tests;

/// <summary>
/// The four sample plugins, built once with the packed SDK and deployed together into one running server with two
/// users, each exercised through the HTTP API the way its users would.
/// </summary>
[Collection(SdkCollection.Name)]
public sealed class SampleTests(SampleTests.Server server) : IClassFixture<SampleTests.Server>
{
    public sealed class Server : IAsyncLifetime
    {
        private readonly PackedPackages packages;
        private readonly TempDirectory data = new("herald-sdk-samples");

        public Server(PackedPackages packages)
        {
            this.packages = packages;
            Herald = new HeraldProcess(new HeraldStartInfo { WorkDir = data.Path, AdminPassword = null });
        }

        public HeraldProcess Herald { get; }

        /// <summary>A client authenticated as the second user, bob.</summary>
        public HttpClient Bob { get; } = new();

        public string BuildOutput { get; private set; } = string.Empty;

        public async Task InitializeAsync()
        {
            var samples = Path.Combine(packages.SourceCopy, "samples", "plugins");

            // The samples' nuget.config names artifacts/packages, where a root pack by hand puts the packages.
            Directory.CreateDirectory(Path.Combine(packages.SourceCopy, "artifacts", "packages"));
            var build = await DotnetCli.RunAsync(samples, "build", "Samples.slnx", "-c", "Release", $"-p:HeraldVersion={packages.Version}", $"-p:RestoreAdditionalProjectSources={packages.PackagesDirectory}");
            BuildOutput = build.Output;
            build.EnsureSuccess("dotnet build of the samples");

            await Herald.StartAsync();
            using (var created = await Herald.Client.PostAsJsonAsync("user", new { name = "bob", pass = "bob", admin = false }))
            {
                Assert.Equal(HttpStatusCode.OK, created.StatusCode);
            }

            Bob.BaseAddress = Herald.BaseAddress;
            Bob.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.ASCII.GetBytes("bob:bob")));
            foreach (var zip in Directory.GetFiles(samples, "herald-sample-*-1.0.0-any.zip", SearchOption.AllDirectories))
            {
                File.Copy(zip, Path.Combine(Herald.PluginsDir, Path.GetFileName(zip)));
            }

            await PluginApiClient.WaitForListAsync(Herald.Client, items => items.Count(i => i.GetProperty("modulePath").GetString()!.StartsWith("github.com/herald-samples/", StringComparison.Ordinal)) == 4, TimeSpan.FromSeconds(30));
        }

        public async Task DisposeAsync()
        {
            Bob.Dispose();
            await Herald.DisposeAsync();
            data.Dispose();
        }
    }

    [Fact]
    public void Build_AllSamples_ProducesCheckedZips()
    {
        // Each sample is packaged by the SDK only after the server's check passed; four zips, no warning.
        Assert.Equal(4, server.BuildOutput.Split('\n').Count(l => l.Contains("Herald plugin package:", StringComparison.Ordinal)));
        Assert.Contains("0 Warning(s)", server.BuildOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Webhook_JsonAndFormPosts_BecomeMessagesThroughTemplates()
    {
        // The receiver's point: arbitrary JSON and form bodies, shaped by the user's templates.
        var client = server.Herald.Client;
        var id = await EnableAsync(client, "webhook");
        await ConfigureAsync(client, id, "title_template: \"{{alert.name}}\"\nmessage_template: \"{{alert.detail}} on {{host}}\"\npriority: 7\n");
        var url = WebhookUrl(await DisplayAsync(client, id));

        using var anonymous = new HttpClient();
        using (var json = await anonymous.PostAsync(url, new StringContent("""{"alert":{"name":"Disk","detail":"95% full"},"host":"nas"}""", Encoding.UTF8, "application/json")))
        {
            Assert.Equal(HttpStatusCode.OK, json.StatusCode);
        }

        using (var form = await anonymous.PostAsync(url, new FormUrlEncodedContent(new Dictionary<string, string> { ["host"] = "router" })))
        {
            Assert.Equal(HttpStatusCode.OK, form.StatusCode);
        }

        var messages = await MessagesAsync(client);
        Assert.Contains(messages, m => m.Title == "Disk" && m.Message == "95% full on nas" && m.Priority == 7);
        Assert.Contains(messages, m => m.Message == " on router");
    }

    [Fact]
    public async Task Broadcast_FromAdmin_ReachesOnlyUsersWhoOptedIn()
    {
        // Cross-user delivery is what the API's per-user instances make hard; opting in must be respected both ways.
        var admin = server.Herald.Client;
        var bobId = await EnableAsync(server.Bob, "broadcast");
        await ConfigureAsync(server.Bob, bobId, "receive: true\n");
        var adminId = await EnableAsync(admin, "broadcast");
        var url = WebhookUrl(await DisplayAsync(admin, adminId));

        using var anonymous = new HttpClient();
        using var posted = await anonymous.PostAsync(url, new StringContent("maintenance at 22:00"));
        Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
        Assert.Equal(1, JsonDocument.Parse(await posted.Content.ReadAsStringAsync()).RootElement.GetProperty("delivered").GetInt32());

        Assert.Contains(await MessagesAsync(server.Bob), m => m.Title == "Broadcast from admin" && m.Message == "maintenance at 22:00");
        Assert.DoesNotContain(await MessagesAsync(admin), m => m.Message == "maintenance at 22:00");
    }

    [Fact]
    public async Task Forwarder_NewMessage_IsPostedToEndpointAfterARetry()
    {
        // Subscription plus retries: the first attempt fails, the retry delivers, and the count is kept in storage.
        using var sink = new HttpSink(failFirst: 1);
        var client = server.Herald.Client;
        var id = await EnableAsync(client, "forwarder");
        await ConfigureAsync(client, id, $"url: {sink.Url}\nretries: 2\nretry_delay_ms: 100\n");

        using (var app = await client.PostAsJsonAsync("application", new { name = "backup" }))
        {
            var token = (await app.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString();
            using var message = await client.PostAsJsonAsync($"message?token={token}", new { title = "Backup", message = "finished", priority = 4 });
            Assert.Equal(HttpStatusCode.OK, message.StatusCode);
        }

        var forwarded = await sink.WaitForDeliveryAsync(TimeSpan.FromSeconds(15));
        Assert.Equal("Backup", forwarded.GetProperty("title").GetString());
        Assert.Equal("finished", forwarded.GetProperty("message").GetString());
        Assert.Equal(2, sink.Attempts);
        await WaitUntilAsync(async () => (await DisplayAsync(client, id)).Contains("Forwarded: 1", StringComparison.Ordinal), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Reminder_EverySecond_SendsUntilDisabled()
    {
        // Background work run by the host: reminders arrive on schedule and stop when the instance is disabled.
        var client = server.Herald.Client;
        var id = await EnableAsync(client, "reminder");
        await ConfigureAsync(client, id, "reminders:\n  - schedule: \"@every 1s\"\n    title: Tick\n    message: tock\n");
        await WaitUntilAsync(async () => (await MessagesAsync(client)).Count(m => m.Title == "Tick") >= 2, TimeSpan.FromSeconds(15));

        Assert.Equal(HttpStatusCode.OK, (await PluginApiClient.SendAsync(client, HttpMethod.Post, $"plugin/{id}/disable")).Status);
        await Task.Delay(500);
        var stopped = (await MessagesAsync(client)).Count(m => m.Title == "Tick");
        await Task.Delay(2500);
        Assert.Equal(stopped, (await MessagesAsync(client)).Count(m => m.Title == "Tick"));
    }

    private static async Task<long> EnableAsync(HttpClient client, string sample)
    {
        var item = await PluginApiClient.FindAsync(client, $"github.com/herald-samples/{sample}");
        var id = item.GetProperty("id").GetInt64();
        if (!item.GetProperty("enabled").GetBoolean())
        {
            var (status, body) = await PluginApiClient.SendAsync(client, HttpMethod.Post, $"plugin/{id}/enable");
            Assert.True(status == HttpStatusCode.OK, body);
        }

        return id;
    }

    private static async Task ConfigureAsync(HttpClient client, long id, string yaml)
    {
        var (status, body) = await PluginApiClient.SendAsync(client, HttpMethod.Post, $"plugin/{id}/config", yaml);
        Assert.True(status == HttpStatusCode.OK, body);
    }

    private static async Task<string> DisplayAsync(HttpClient client, long id) => (await client.GetFromJsonAsync<string>($"plugin/{id}/display"))!;

    private static Uri WebhookUrl(string display) =>
        new(System.Text.RegularExpressions.Regex.Match(display, @"http://[^\s*]+").Value);

    private static async Task<List<(string Title, string Message, int Priority)>> MessagesAsync(HttpClient client)
    {
        var page = await client.GetFromJsonAsync<JsonElement>("message?limit=200");
        return page.GetProperty("messages").EnumerateArray()
            .Select(m => (m.GetProperty("title").GetString()!, m.GetProperty("message").GetString()!, m.GetProperty("priority").GetInt32()))
            .ToList();
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"the condition did not hold within {timeout.TotalSeconds} s");
            await Task.Delay(100);
        }
    }
}
