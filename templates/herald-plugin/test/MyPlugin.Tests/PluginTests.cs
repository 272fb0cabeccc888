using System.Text.Json;
using Herald.PluginTesting;

namespace MyPlugin.Tests;

/// <summary>The plugin run in-process as Herald runs it (Herald.PluginTesting), one test per capability.</summary>
public sealed class PluginTests
{
    [Fact]
    public async Task Webhook_PostBody_SendsItAsMessageWithConfiguredTitle()
    {
        // The webhook is the plugin's reason to exist: its body must arrive as one message, titled from the config.
        await using var harness = await PluginHarness.StartAsync(new MyPluginFactory());
        await harness.SetConfigAsync("title: Alerts");

        var response = await harness.CallWebhookAsync(HttpMethod.Post, "message", "disk almost full");

        Assert.Equal(200, response.StatusCode);
        var message = Assert.Single(harness.Messages.Sent);
        Assert.Equal("Alerts", message.Title);
        Assert.Equal("disk almost full", message.Message);
    }

    [Fact]
    public async Task Webhook_EmptyBody_Returns400AndSendsNothing()
    {
        // An empty POST must not produce an empty notification on the user's phone.
        await using var harness = await PluginHarness.StartAsync(new MyPluginFactory());

        var response = await harness.CallWebhookAsync(HttpMethod.Post, "message", "  ");

        Assert.Equal(400, response.StatusCode);
        Assert.Empty(harness.Messages.Sent);
    }

    [Fact]
    public async Task Storage_AfterTwoMessages_CountsTwo()
    {
        // The count lives in the instance's storage, so it survives restarts of the server.
        await using var harness = await PluginHarness.StartAsync(new MyPluginFactory());

        await harness.CallWebhookAsync(HttpMethod.Post, "message", "one");
        await harness.CallWebhookAsync(HttpMethod.Post, "message", "two");

        using var state = JsonDocument.Parse(harness.Storage.Data);
        Assert.Equal(2, state.RootElement.GetProperty("Sent").GetInt32());
    }

    [Fact]
    public async Task Display_WithLocation_ShowsFullWebhookUrl()
    {
        // Users copy the URL from the plugin's page: it must be absolute and point at this instance's webhook.
        await using var harness = await PluginHarness.StartAsync(new MyPluginFactory());

        var display = await harness.GetDisplayAsync(new Uri("https://push.example.org/"));

        Assert.Contains($"https://push.example.org{harness.BasePath}message", display, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Config_Default_RoundTripsThroughYaml()
    {
        // The default config is what a new user sees; it must read back as the same value.
        await using var harness = await PluginHarness.StartAsync(new MyPluginFactory());

        Assert.Equal("title: MyPlugin", harness.GetConfig().Trim());
    }

    [Fact]
    public async Task Config_EmptyTitle_IsRejectedAndOldTitleKept()
    {
        // A rejected config must leave the running one in place (the server answers 400 with the plugin's message).
        await using var harness = await PluginHarness.StartAsync(new MyPluginFactory());

        var error = await Assert.ThrowsAsync<PluginConfigException>(() => harness.SetConfigAsync("title: ''"));
        await harness.CallWebhookAsync(HttpMethod.Post, "message", "still works");

        Assert.Equal("title must not be empty", error.Message);
        Assert.Equal("MyPlugin", harness.Messages.Sent.Single().Title);
    }
}
