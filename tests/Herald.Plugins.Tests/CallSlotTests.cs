using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using Herald.Plugins.Tests.Infrastructure;

namespace Herald.Plugins.Tests;

/// <summary>
/// Call slots are shared fairly: one user's instance can take only its share of its plugin's slots (16 of 64), so a
/// flood of slow calls into it leaves the plugin's other users answering; a call that finds no slot answers 503 and
/// never disables anything. Display and config calls wait 2 s for a slot here (10 s by default).
/// </summary>
[Collection(PluginCollection.Name)]
public sealed partial class CallSlotTests(FixturePlugins fixtures) : PluginServerTest(fixtures)
{
    private const string Busy = "{\"error\":\"Service Unavailable\",\"errorCode\":503,\"errorDescription\":\"the plugin is busy: {0} waited 2 s for a call slot (at most 16 calls per user and 64 for the whole plugin run at once)\"}";

    private HttpClient bob = null!;

    protected override IReadOnlyDictionary<string, string?> Environment { get; } = new Dictionary<string, string?> { ["HERALD_PLUGIN_CONFIG_TIMEOUT"] = "2" };

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        bob = await PluginApiClient.CreateUserAsync(Server.Client, "bob", "bobpass");
        foreach (var client in new[] { Server.Client, bob })
        {
            var (id, _) = await InstanceAsync(client);
            Assert.Equal(HttpStatusCode.OK, (await PluginApiClient.SendAsync(client, HttpMethod.Post, $"plugin/{id}/enable")).Status);
        }
    }

    public override async Task DisposeAsync()
    {
        bob.Dispose();
        await base.DisposeAsync();
    }

    protected override void Deploy(string pluginsDirectory)
    {
        Fixtures.DeployZip("Echo", pluginsDirectory, "echo.zip");
    }

    // Invariant: one user's instance flooded with slow webhook calls, as many as the whole plugin has slots, leaves
    // another user's instance of the same plugin answering display, config and webhook calls at once, and neither
    // instance is disabled.
    [Fact]
    public async Task Slots_OneUsersInstanceFlooded_OtherUsersInstanceAnswersPromptly()
    {
        var (adminId, adminToken) = await InstanceAsync(Server.Client);
        var (bobId, bobToken) = await InstanceAsync(bob);
        await using (new HeldCalls(Server.BaseAddress, $"plugin/{adminId}/custom/{adminToken}/hold?ms=20000", 64))
        {
            await WaitForHoldsAsync(16);

            // The flooded instance's own display waits out its 2 s: by then all 64 calls have reached the server.
            Assert.Equal(HttpStatusCode.ServiceUnavailable, (await PluginApiClient.SendAsync(Server.Client, HttpMethod.Get, $"plugin/{adminId}/display")).Status);

            var watch = Stopwatch.StartNew();
            var (status, display) = await PluginApiClient.SendAsync(bob, HttpMethod.Get, $"plugin/{bobId}/display");
            Assert.Equal((HttpStatusCode.OK, $"\"Echo plugin v1 running at: {Server.BaseAddress}plugin/{bobId}/custom/{bobToken}/echo\""), (status, display));
            Assert.Equal(HttpStatusCode.OK, (await PluginApiClient.SendAsync(bob, HttpMethod.Post, $"plugin/{bobId}/config", "magic_string: bobs\n")).Status);
            using var anonymous = new HttpClient { BaseAddress = Server.BaseAddress, Timeout = TimeSpan.FromSeconds(15) };
            Assert.StartsWith("Magic string is: bobs\r\n", await anonymous.GetStringAsync($"plugin/{bobId}/custom/{bobToken}/echo"), StringComparison.Ordinal);

            // Each of the three is one short call; 5 s is generous on a loaded machine, and far below the 20 s that
            // bob's calls would wait for a slot if admin's calls could take them all.
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"bob's three calls took {watch.Elapsed.TotalSeconds:0.0} s");
        }

        await AssertHealthyAsync(Server.Client);
        await AssertHealthyAsync(bob);
    }

    // Invariant: a display or config call that finds no free slot of its instance's share within its timeout answers
    // 503 in Gotify's format, stores nothing and does not disable the instance; once slots are free it answers again.
    [Fact]
    public async Task Display_NoFreeCallSlot_503JsonAndInstanceNotFaulted()
    {
        var (id, token) = await InstanceAsync(Server.Client);
        await using (new HeldCalls(Server.BaseAddress, $"plugin/{id}/custom/{token}/hold?ms=20000", 16))
        {
            await WaitForHoldsAsync(16);

            var (status, body) = await PluginApiClient.SendAsync(Server.Client, HttpMethod.Get, $"plugin/{id}/display");
            Assert.Equal((HttpStatusCode.ServiceUnavailable, Busy.Replace("{0}", "GetDisplayAsync", StringComparison.Ordinal)), (status, body));
            (status, body) = await PluginApiClient.SendAsync(Server.Client, HttpMethod.Post, $"plugin/{id}/config", "magic_string: never stored\n");
            Assert.Equal((HttpStatusCode.ServiceUnavailable, Busy.Replace("{0}", "DefaultConfig", StringComparison.Ordinal)), (status, body));
        }

        Assert.Equal("magic_string: hello world\n", await Server.Client.GetStringAsync($"plugin/{id}/config"));
        await AssertHealthyAsync(Server.Client);
    }

    private static async Task<(long Id, string Token)> InstanceAsync(HttpClient client)
    {
        var item = await PluginApiClient.FindAsync(client, "herald.test/echo");
        return (item.GetProperty("id").GetInt64(), item.GetProperty("token").GetString()!);
    }

    /// <summary>Waits until <paramref name="count"/> of admin's held calls run in the plugin (each logs as it starts).</summary>
    private async Task WaitForHoldsAsync(int count)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (HoldStarted().Count(Server.Log) < count)
        {
            Assert.True(DateTime.UtcNow < deadline, $"{HoldStarted().Count(Server.Log)} of {count} held calls started within 15 s:\n{Server.Log}");
            await Task.Delay(50);
        }
    }

    /// <summary>The instance is enabled, not faulted, and answers display calls again (its held calls have ended).</summary>
    private static async Task AssertHealthyAsync(HttpClient client)
    {
        var item = await PluginApiClient.FindAsync(client, "herald.test/echo");
        Assert.True(item.GetProperty("enabled").GetBoolean());
        Assert.Equal("ok", item.GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.OK, (await PluginApiClient.SendAsync(client, HttpMethod.Get, $"plugin/{item.GetProperty("id").GetInt64()}/display")).Status);
    }

    [GeneratedRegex("Echo hold of 20000 ms started for admin")]
    private static partial Regex HoldStarted();
}
