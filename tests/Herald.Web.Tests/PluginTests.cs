using System.Text.Json;
using Herald.Web.Tests.Infrastructure;

namespace Herald.Web.Tests;

/// <summary>The plugins pages with the echo fixture plugin and a file that fails to load.</summary>
public sealed class PluginTests : IClassFixture<PluginUiFixture>
{
    private readonly PluginUiFixture ui;

    public PluginTests(PluginUiFixture ui)
    {
        this.ui = ui;
    }

    private static async Task<JsonElement> EchoAsync(HeraldApi api) =>
        (await api.GetAsync("plugin")).EnumerateArray().Single(p => p.GetProperty("modulePath").GetString() == "herald.test/echo");

    // Invariant: the list shows each plugin's name, version, author, license, website, enabled state and load status.
    // Enabling there enables it on the server; the details page saves only a configuration the plugin accepts (showing
    // its validation error otherwise), and renders the plugin's display with its webhook URL, which works.
    [BrowserFact]
    public async Task Plugin_EnableInvalidThenValidConfig_ErrorShownThenDisplayAndWebhookWork()
    {
        await using var ui2 = await ui.NewPageAsync();
        await ui2.LoginAsync(path: "/#/plugins");
        var page = ui2.Page;
        var echo = await EchoAsync(ui.Api);
        var id = echo.GetProperty("id").GetInt64();
        var row = page.Locator($".row.plugins[data-id='{id}']");
        await Expect(row).ToContainTextAsync("test plugin");
        await Expect(row).ToContainTextAsync("v1.0.0");
        await Expect(row).ToContainTextAsync("by Herald · MIT");
        await Expect(row.Locator("a[href='https://herald.test/echo']")).ToBeVisibleAsync();
        await Expect(row.Locator(".badge.ok")).ToHaveTextAsync("Loaded");
        var toggle = row.Locator("input.switch");
        await Expect(toggle).Not.ToBeCheckedAsync();
        await ui2.ScreenshotAsync("plugins-light");

        await toggle.ClickAsync();
        await Expect(page.Locator(".toast", new() { HasText = "test plugin enabled" })).ToBeVisibleAsync();
        Assert.True((await EchoAsync(ui.Api)).GetProperty("enabled").GetBoolean());

        await row.Locator("a", new() { HasText = "Details" }).ClickAsync();
        var editor = page.Locator("#plugin-config");
        await Expect(editor).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("magic_string"));
        var error = page.Locator("#plugin-config-error");

        await editor.FillAsync("magic_string: ''\n");
        await page.Locator("#plugin-config-save").ClickAsync();
        await Expect(error).ToBeVisibleAsync();
        await Expect(error).ToContainTextAsync("magic_string must not be empty");
        Assert.DoesNotContain("magic_string: ''", await ConfigAsync(id), StringComparison.Ordinal);

        await editor.FillAsync("magic_string: [unclosed\n");
        await page.Locator("#plugin-config-save").ClickAsync();
        await Expect(error).ToBeVisibleAsync();
        await Expect(error).Not.ToContainTextAsync("magic_string must not be empty");

        await editor.FillAsync("# chosen in the web UI\nmagic_string: abracadabra\n");
        await page.Locator("#plugin-config-save").ClickAsync();
        await Expect(error).ToBeHiddenAsync();
        await Expect(page.Locator(".toast", new() { HasText = "Configuration saved." })).ToBeVisibleAsync();
        Assert.Equal("# chosen in the web UI\nmagic_string: abracadabra\n", await ConfigAsync(id));

        var display = page.Locator("#plugin-display");
        await Expect(display).ToContainTextAsync("Echo plugin v1 running at:");
        var link = display.Locator("a");
        var href = await link.GetAttributeAsync("href") ?? string.Empty;
        Assert.StartsWith(ui.Server.BaseAddress + $"plugin/{id}/custom/{echo.GetProperty("token").GetString()}/", href, StringComparison.Ordinal);
        Assert.EndsWith("/echo", href, StringComparison.Ordinal);
        await ui2.ScreenshotAsync("plugin-detail-light");

        // The displayed webhook works and its message reaches the open page live.
        await page.Locator("nav.side a[href='#/']").ClickAsync();
        await ui2.WaitForStreamAsync();
        using var http = new HttpClient();
        Assert.Contains("Magic string is: abracadabra", await http.GetStringAsync(href), StringComparison.Ordinal);
        await Expect(page.Locator("#messages article h2", new() { HasText = "Hello received" })).ToBeVisibleAsync();
        ui2.AssertNoScriptErrors();
    }

    // Invariant: a plugin that failed to load is listed with the server's sentence saying why, and cannot be toggled.
    [BrowserFact]
    public async Task Plugin_FailedToLoad_ListedWithErrorSentence()
    {
        var failed = (await ui.Api.GetAsync("plugin")).EnumerateArray().Single(p => p.GetProperty("status").GetString() == "failed");
        var sentence = failed.GetProperty("statusMessage").GetString()!;
        Assert.False(string.IsNullOrWhiteSpace(sentence));

        await using var ui2 = await ui.NewPageAsync();
        await ui2.LoginAsync(path: "/#/plugins");
        var row = ui2.Page.Locator(".row.plugins[data-status='failed']");
        await Expect(row.Locator(".badge.bad")).ToHaveTextAsync("Failed to load");
        await Expect(row.Locator(".status-message")).ToHaveTextAsync(sentence);
        await Expect(row.Locator("input.switch")).ToBeDisabledAsync();
        ui2.AssertNoScriptErrors();
    }

    // Invariant: plugins are per user: enabling for one user leaves another user's instance disabled, and that user's
    // switch enables and disables only their own instance.
    [BrowserFact]
    public async Task Plugin_EnabledByAdmin_OtherUserStillDisabledAndTogglesOwn()
    {
        await ui.Api.CreateUserAsync("erin", "erin-pass");
        var adminEcho = await EchoAsync(ui.Api);
        if (!adminEcho.GetProperty("enabled").GetBoolean())
        {
            await ui.Api.SendAsync(HttpMethod.Post, $"plugin/{adminEcho.GetProperty("id").GetInt64()}/enable");
        }

        using var erinApi = new HeraldApi(ui.Server.BaseAddress, "erin", "erin-pass");
        var erinEcho = await EchoAsync(erinApi);
        await using var ui2 = await ui.NewPageAsync();
        await ui2.LoginAsync("erin", "erin-pass", "/#/plugins");
        var row = ui2.Page.Locator($".row.plugins[data-id='{erinEcho.GetProperty("id").GetInt64()}']");
        await Expect(row.Locator("input.switch")).Not.ToBeCheckedAsync();
        await Expect(ui2.Page.Locator($".row.plugins[data-id='{adminEcho.GetProperty("id").GetInt64()}']")).ToHaveCountAsync(0);

        // Erin's own switch turns her instance on and off, and only hers.
        await row.Locator("input.switch").ClickAsync();
        await Expect(ui2.Page.Locator(".toast", new() { HasText = "test plugin enabled" })).ToBeVisibleAsync();
        Assert.True((await EchoAsync(erinApi)).GetProperty("enabled").GetBoolean());
        await row.Locator("input.switch").ClickAsync();
        await Expect(ui2.Page.Locator(".toast", new() { HasText = "test plugin disabled" })).ToBeVisibleAsync();
        Assert.False((await EchoAsync(erinApi)).GetProperty("enabled").GetBoolean());
        Assert.True((await EchoAsync(ui.Api)).GetProperty("enabled").GetBoolean());
        ui2.AssertNoScriptErrors();
    }

    private async Task<string> ConfigAsync(long id)
    {
        using var response = await ui.Api.Http.GetAsync($"plugin/{id}/config");
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsStringAsync();
    }
}
