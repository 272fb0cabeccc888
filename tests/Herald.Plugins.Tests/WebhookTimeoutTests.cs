using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Herald.Plugins.Tests.Infrastructure;

namespace Herald.Plugins.Tests;

/// <summary>
/// The webhook timeout counts the plugin's time only: clients that send slowly or stall, and callers that find no free
/// call slot, never disable an instance; a handler that overruns with the whole request in hand still does. The
/// timeout is 4 s here (30 s by default) so that slow clients outlast it quickly.
/// </summary>
[Collection(PluginCollection.Name)]
public sealed class WebhookTimeoutTests(FixturePlugins fixtures) : PluginServerTest(fixtures)
{
    private long id;
    private string token = null!;

    protected override IReadOnlyDictionary<string, string?> Environment { get; } = new Dictionary<string, string?> { ["HERALD_PLUGIN_WEBHOOK_TIMEOUT"] = "4" };

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        var item = await PluginApiClient.FindAsync(Server.Client, "herald.test/echo");
        id = item.GetProperty("id").GetInt64();
        token = item.GetProperty("token").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await PluginApiClient.SendAsync(Server.Client, HttpMethod.Post, $"plugin/{id}/enable")).Status);
    }

    protected override void Deploy(string pluginsDirectory)
    {
        Fixtures.DeployZip("Echo", pluginsDirectory, "echo.zip");
    }

    // Invariant: a body that takes longer to arrive than the webhook timeout is the client's time, not the plugin's:
    // every request is answered by the plugin, whole, and the instance stays enabled.
    [Fact]
    public async Task Webhook_BodiesArriveSlowerThanTimeout_AnsweredAndInstanceNotFaulted()
    {
        // 4 clients, 3000 bytes each at 500 bytes/s (above Kestrel's 240 bytes/s minimum): 6 s per body, 1.5 × the timeout.
        var bodies = "abcd".Select(c => Encoding.ASCII.GetBytes(new string(c, 3000))).ToArray();
        var answers = await Task.WhenAll(bodies.Select(body =>
            SlowClient.PostAsync(Server.BaseAddress, $"/plugin/{id}/custom/{token}/message", body, send: body.Length, piece: 50, pause: TimeSpan.FromMilliseconds(100), timeout: TimeSpan.FromSeconds(60))));

        Assert.All(answers, a => Assert.Equal(200, a.Status));
        var messages = (await Server.Client.GetFromJsonAsync<JsonElement>("message")).GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("message").GetString()).ToList();
        Assert.All(bodies, body => Assert.Contains(Encoding.ASCII.GetString(body), messages));
        await AssertHealthyAsync();
    }

    // Invariant: a client that stops sending its body is cut by the server (408 in Gotify's format) without the plugin
    // ever being called, and the instance stays enabled.
    [Fact]
    public async Task Webhook_BodyStalls_408AndInstanceNotFaulted()
    {
        var (status, body) = await SlowClient.PostAsync(Server.BaseAddress, $"/plugin/{id}/custom/{token}/message", new byte[1000], send: 10, piece: 10, pause: TimeSpan.Zero, timeout: TimeSpan.FromSeconds(30));

        Assert.Equal(408, status);
        var error = JsonDocument.Parse(body).RootElement;
        Assert.Equal("Request Timeout", error.GetProperty("error").GetString());
        Assert.Equal(408, error.GetProperty("errorCode").GetInt32());
        Assert.Equal(0, (await Server.Client.GetFromJsonAsync<JsonElement>("message")).GetProperty("messages").GetArrayLength()); // the plugin never ran
        await AssertHealthyAsync();
    }

    // Invariant: a handler that does not finish within the timeout, with the whole request received, is the plugin's
    // fault: the call is abandoned with 500 and the instance disabled with the reason (unchanged by the rules above).
    [Fact]
    public async Task Webhook_HandlerOverrunsWithWholeRequest_500AndInstanceFaulted()
    {
        using var anonymous = new HttpClient { BaseAddress = Server.BaseAddress };
        using var response = await anonymous.GetAsync($"plugin/{id}/custom/{token}/hold?ms=20000");

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("{\"error\":\"Internal Server Error\",\"errorCode\":500,\"errorDescription\":\"webhook GET hold did not finish within 4 s\"}", await response.Content.ReadAsStringAsync());
        var item = await PluginApiClient.WaitForListAsync(Server.Client, l => !l.Single().GetProperty("enabled").GetBoolean(), TimeSpan.FromSeconds(10));
        Assert.Equal("faulted", item.Single().GetProperty("status").GetString());
        Assert.Equal("Disabled by Herald because webhook GET hold did not finish within 4 s.", item.Single().GetProperty("statusMessage").GetString());
    }

    // Invariant: a webhook call that waits its whole timeout for a slot of the instance's share answers 503 in Gotify's
    // format and is not held against the plugin.
    [Fact]
    public async Task Webhook_NoFreeCallSlot_503JsonAndInstanceNotFaulted()
    {
        // 48 calls of 2.5 s into a share of 16: the first 16 run at once, the next 16 once those end (after 2.5 s of
        // waiting, inside the 4 s), and the last 16 find no slot within 4 s.
        await using var held = new HeldCalls(Server.BaseAddress, $"plugin/{id}/custom/{token}/hold?ms=2500", 48);
        var answers = await Task.WhenAll(held.Answers);

        var busy = answers.Where(a => a.Status == HttpStatusCode.ServiceUnavailable).ToList();
        Assert.NotEmpty(busy);
        Assert.All(answers.Except(busy), a => Assert.Equal((HttpStatusCode.OK, "held"), a));
        Assert.All(busy, a => Assert.Equal(
            "{\"error\":\"Service Unavailable\",\"errorCode\":503,\"errorDescription\":\"the plugin is busy: webhook GET hold waited 4 s for a call slot (at most 16 calls per user and 64 for the whole plugin run at once)\"}",
            a.Body));
        await AssertHealthyAsync();
    }

    private async Task AssertHealthyAsync()
    {
        var item = await PluginApiClient.FindAsync(Server.Client, "herald.test/echo");
        Assert.True(item.GetProperty("enabled").GetBoolean());
        Assert.Equal("ok", item.GetProperty("status").GetString());
        using var anonymous = new HttpClient { BaseAddress = Server.BaseAddress };
        Assert.StartsWith("Magic string is:", await anonymous.GetStringAsync($"plugin/{id}/custom/{token}/echo"), StringComparison.Ordinal);
    }
}
