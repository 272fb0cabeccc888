using System.Net;
using System.Text.RegularExpressions;
using Herald.Plugins.Tests.Infrastructure;

namespace Herald.Plugins.Tests;

/// <summary>
/// Plugins that throw, hang, crash or leak, each against a running Herald: the failure is contained to the plugin's
/// instance, attributed to it in the log, and explained to its user; the server and other plugins carry on.
/// </summary>
[Collection(PluginCollection.Name)]
public sealed partial class MisbehaviourTests(FixturePlugins fixtures) : PluginServerTest(fixtures)
{

    // Lifecycle calls time out after 2 s here (30 s by default) so the hang is observable quickly.
    protected override IReadOnlyDictionary<string, string?> Environment { get; } = new Dictionary<string, string?> { ["HERALD_PLUGIN_LIFECYCLE_TIMEOUT"] = "2" };

    protected override void Deploy(string pluginsDirectory)
    {
        foreach (var name in new[] { "ThrowsInEnable", "HangsInEnable", "ThrowsInWebhook", "ThrowsOnThread", "StaticLeak" })
        {
            Fixtures.DeployDll(name, pluginsDirectory);
        }

        Fixtures.DeployZip("Echo", pluginsDirectory, "echo.zip");
    }

    // Invariant (Gotify parity): EnableAsync throwing answers 500 with the plugin's text and leaves the instance disabled.
    [Fact]
    public async Task Enable_PluginThrows_500WithItsMessageAndStaysDisabled()
    {
        var id = await IdAsync("herald.test/throws-in-enable");
        var (status, body) = await PluginApiClient.SendAsync(Server.Client, HttpMethod.Post, $"plugin/{id}/enable");
        Assert.Equal(HttpStatusCode.InternalServerError, status);
        Assert.Equal("{\"error\":\"Internal Server Error\",\"errorCode\":500,\"errorDescription\":\"cannot enable: the fixture always fails\"}", body);
        Assert.False((await PluginApiClient.FindAsync(Server.Client, "herald.test/throws-in-enable")).GetProperty("enabled").GetBoolean());
        await Server.WaitForLogAsync("Plugin herald.test/throws-in-enable failed in EnableAsync for user 1", TimeSpan.FromSeconds(5));
    }

    // Invariant: a hanging EnableAsync is abandoned at the timeout; the instance is disabled with the reason shown.
    [Fact]
    public async Task Enable_PluginHangs_AbandonedAfterTimeoutAndFaulted()
    {
        var id = await IdAsync("herald.test/hangs-in-enable");
        var (status, body) = await PluginApiClient.SendAsync(Server.Client, HttpMethod.Post, $"plugin/{id}/enable");
        Assert.Equal(HttpStatusCode.InternalServerError, status);
        Assert.Equal("EnableAsync did not finish within 2 s", PluginApiClient.ErrorDescription(body));
        var item = await PluginApiClient.FindAsync(Server.Client, "herald.test/hangs-in-enable");
        Assert.False(item.GetProperty("enabled").GetBoolean());
        Assert.Equal("faulted", item.GetProperty("status").GetString());
        Assert.Equal("Disabled by Herald because EnableAsync did not finish within 2 s.", item.GetProperty("statusMessage").GetString());

        // Other plugins are untouched.
        Assert.Equal(HttpStatusCode.OK, (await PluginApiClient.SendAsync(Server.Client, HttpMethod.Post, $"plugin/{await IdAsync("herald.test/echo")}/enable")).Status);
    }

    // Invariant: a webhook handler that throws answers 500 without details; the exception is only in the log, attributed.
    [Fact]
    public async Task Webhook_HandlerThrows_500WithoutDetails()
    {
        var item = await PluginApiClient.FindAsync(Server.Client, "herald.test/throws-in-webhook");
        var id = item.GetProperty("id").GetInt64();
        var token = item.GetProperty("token").GetString();
        Assert.Equal(HttpStatusCode.OK, (await PluginApiClient.SendAsync(Server.Client, HttpMethod.Post, $"plugin/{id}/enable")).Status);
        using var anonymous = new HttpClient { BaseAddress = Server.BaseAddress };
        using var boom = await anonymous.GetAsync($"plugin/{id}/custom/{token}/boom");
        Assert.Equal(HttpStatusCode.InternalServerError, boom.StatusCode);
        Assert.Equal(string.Empty, await boom.Content.ReadAsStringAsync());
        await Server.WaitForLogAsync("Plugin herald.test/throws-in-webhook failed in webhook GET boom for user 1", TimeSpan.FromSeconds(5));
        await Server.WaitForLogAsync("secret detail that must not leak", TimeSpan.FromSeconds(5));
        Assert.Equal("fine", await anonymous.GetStringAsync($"plugin/{id}/custom/{token}/ok")); // the instance keeps serving
    }

    // Invariant: a plugin that keeps a static reference to its own code cannot be collected; deleting it still disables
    // and unloads it, and the log says the memory is freed on restart.
    [Fact]
    public async Task Delete_PluginHoldsStaticReference_UnloadedAndMemoryFreedOnRestart()
    {
        File.Delete(Path.Combine(Server.PluginsDir, "StaticLeak.dll"));
        await PluginApiClient.WaitForListAsync(Server.Client, l => l.All(i => i.GetProperty("modulePath").GetString() != "herald.test/static-leak"), TimeSpan.FromSeconds(2));
        await Server.WaitForLogAsync(
            "Plugin herald.test/static-leak 1.0.0 from StaticLeak.dll was disabled and unloaded, but something still references its code (a static field, event handler, timer or thread of the plugin), so its memory is freed on restart",
            TimeSpan.FromSeconds(15));
    }

    // Invariant: an exception on a thread the plugin started itself ends the process (.NET cannot survive it), is
    // attributed to the plugin, and the plugin starts disabled at the next start with the reason; others keep working.
    [Fact]
    public async Task Crash_ExceptionOnPluginThread_PluginStartsDisabledNextTime()
    {
        var echo = await IdAsync("herald.test/echo");
        Assert.Equal(HttpStatusCode.OK, (await PluginApiClient.SendAsync(Server.Client, HttpMethod.Post, $"plugin/{echo}/enable")).Status);
        var id = await IdAsync("herald.test/throws-on-thread");
        await PluginApiClient.SendAsync(Server.Client, HttpMethod.Post, $"plugin/{id}/enable");
        Assert.True(await Server.WaitForExitAsync(TimeSpan.FromSeconds(15)), "the unhandled exception should have ended the process");
        Assert.NotEqual(0, Server.ExitCode);
        Assert.Contains("Plugin herald.test/throws-on-thread crashed the server: unhandled exception on a thread it started itself; it will start disabled", Server.Log, StringComparison.Ordinal);

        await Server.StartAsync();
        var item = await PluginApiClient.FindAsync(Server.Client, "herald.test/throws-on-thread");
        Assert.False(item.GetProperty("enabled").GetBoolean());
        Assert.Equal("faulted", item.GetProperty("status").GetString());
        Assert.Matches(CrashMessage(), item.GetProperty("statusMessage").GetString());
        Assert.True((await PluginApiClient.FindAsync(Server.Client, "herald.test/echo")).GetProperty("enabled").GetBoolean());
    }

    [GeneratedRegex(@"^Disabled because it crashed the server on \d{4}-\d\d-\d\d \d\d:\d\d:\d\d [+-]\d\d:\d\d with an unhandled InvalidOperationException on a thread it started itself: boom on a thread the plugin started\.$")]
    private static partial Regex CrashMessage();

    private async Task<long> IdAsync(string modulePath) =>
        (await PluginApiClient.FindAsync(Server.Client, modulePath)).GetProperty("id").GetInt64();
}
