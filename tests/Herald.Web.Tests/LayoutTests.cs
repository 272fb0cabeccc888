using System.Globalization;
using System.Text.Json;
using Herald.Web.Tests.Infrastructure;

namespace Herald.Web.Tests;

/// <summary>Every main page in light and dark themes, on a desktop and a phone-sized screen (screenshots kept as artifacts).</summary>
public sealed class LayoutTests : IClassFixture<PluginUiFixture>
{
    private static readonly string[] Pages = ["messages", "applications", "clients", "users", "plugins", "plugin"];
    private readonly PluginUiFixture ui;

    public LayoutTests(PluginUiFixture ui)
    {
        this.ui = ui;
    }

    // Invariant: each main page renders in both themes (the system's scheme decides: dark pages have a dark
    // background, light ones a light one) and fits a phone-sized screen without horizontal scrolling.
    [BrowserFact]
    public async Task Pages_LightDarkDesktopPhone_RenderThemedAndFitTheScreen()
    {
        await SeedAsync();
        var pluginId = (await ui.Api.GetAsync("plugin")).EnumerateArray().First(p => p.GetProperty("status").GetString() == "ok").GetProperty("id").GetInt64();
        foreach (var scheme in new[] { ColorScheme.Light, ColorScheme.Dark })
        {
            foreach (var (device, width, height) in new[] { ("desktop", 1280, 800), ("phone", 390, 844) })
            {
                await using var ui2 = await ui.NewPageAsync(width, height, scheme);
                await ui2.LoginAsync();
                foreach (var name in Pages)
                {
                    var hash = name switch { "messages" => "#/", "plugin" => $"#/plugins/{pluginId}", _ => "#/" + name };
                    await ui2.Page.GotoAsync("/" + hash);
                    await Expect(ui2.Page.Locator("main .page-head h1")).ToBeVisibleAsync();
                    await Expect(ui2.Page.Locator("main .loading:visible")).ToHaveCountAsync(0);
                    if (name == "plugin")
                    {
                        await Expect(ui2.Page.Locator("#plugin-display a")).ToBeVisibleAsync();
                    }

                    var label = $"{name}-{scheme.ToString().ToLowerInvariant()}-{device}";
                    await ui2.ScreenshotAsync(label);

                    var luminance = await ui2.Page.EvaluateAsync<double>("""
                        () => {
                          const [r, g, b] = getComputedStyle(document.body).backgroundColor.match(/\d+/g).map(Number);
                          return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
                        }
                        """);
                    Assert.True(scheme == ColorScheme.Dark ? luminance < 0.25 : luminance > 0.85, $"{label}: background luminance {luminance.ToString(CultureInfo.InvariantCulture)}");

                    var overflow = await ui2.Page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth");
                    Assert.True(overflow <= 0, $"{label}: {overflow} px wider than the screen");
                }

                ui2.AssertNoScriptErrors();
            }
        }
    }

    // Invariant: on a phone the navigation is off screen until the menu button opens it, and following a link closes it.
    [BrowserFact]
    public async Task Phone_MenuButton_OpensAndClosesNavigation()
    {
        await using var ui2 = await ui.NewPageAsync(390, 844);
        await ui2.LoginAsync();
        var nav = ui2.Page.Locator("nav.side");
        await Expect(nav).Not.ToBeInViewportAsync();
        await ui2.Page.Locator("header.top button.menu-button").ClickAsync();
        await Expect(nav).ToBeInViewportAsync(new() { Ratio = 1 });
        await ui2.ScreenshotAsync("navigation-open-light-phone");
        await nav.Locator("a[href='#/clients']").ClickAsync();
        await Expect(ui2.Page.Locator("main h1")).ToHaveTextAsync("Clients");
        await Expect(nav).Not.ToBeInViewportAsync();
        ui2.AssertNoScriptErrors();
    }

    // Invariant: the theme button overrides the system's scheme (system, light, dark in turn) and the choice
    // survives a reload.
    [BrowserFact]
    public async Task Theme_ButtonChoosesDark_KeptAfterReloadOverSystemLight()
    {
        await using var ui2 = await ui.NewPageAsync(colorScheme: ColorScheme.Light);
        await ui2.LoginAsync();
        var html = ui2.Page.Locator("html");
        await Expect(html).Not.ToHaveAttributeAsync("data-theme", new System.Text.RegularExpressions.Regex("."));
        await ui2.Page.Locator("#theme-button").ClickAsync();
        await Expect(html).ToHaveAttributeAsync("data-theme", "light");
        await ui2.Page.Locator("#theme-button").ClickAsync();
        await Expect(html).ToHaveAttributeAsync("data-theme", "dark");
        await ui2.Page.ReloadAsync();
        await Expect(ui2.Page.Locator("#logout-button")).ToBeVisibleAsync();
        await Expect(html).ToHaveAttributeAsync("data-theme", "dark");
        var background = await ui2.Page.EvaluateAsync<string>("() => getComputedStyle(document.body).backgroundColor");
        Assert.Equal("rgb(14, 19, 26)", background);
        ui2.AssertNoScriptErrors();
    }

    private async Task SeedAsync()
    {
        var backups = await ui.Api.CreateApplicationAsync("Backups", "Nightly backups of the NAS", 2);
        var alerts = await ui.Api.CreateApplicationAsync("Home alerts", "Doorbell, smoke and water sensors", 8);
        await ui.Api.SendAsync(HttpMethod.Post, "client", new { name = "Pixel 8" });
        await ui.Api.SendAsync(HttpMethod.Post, "client", new { name = "gotify-cli on the server" });
        await ui.Api.CreateUserAsync("family", "family-pass");
        var markdown = new Dictionary<string, object> { ["client::display"] = new { contentType = "text/markdown" } };
        var token = (JsonElement app) => app.GetProperty("token").GetString()!;
        await ui.Api.PostMessageAsync(token(backups), "Backup of `/srv/photos` finished in 12 min.\n\n| volume | size |\n| --- | --- |\n| photos | 412 GB |\n| documents | 18 GB |", "Backup finished", 2, markdown);
        await ui.Api.PostMessageAsync(token(backups), "Disk /dev/sdb reports 3 reallocated sectors.\nCheck the SMART log soon.", "Disk warning", 5);
        var image = new Uri(ui.Server.BaseAddress, "static/defaultapp.png").ToString();
        await ui.Api.PostMessageAsync(token(alerts), "Someone rang the **front door** bell.", "Doorbell", 9, new Dictionary<string, object>
        {
            ["client::display"] = new { contentType = "text/markdown" },
            ["client::notification"] = new Dictionary<string, object> { ["bigImageUrl"] = image, ["click"] = new { url = "https://example.invalid/camera" } },
        });
    }
}
