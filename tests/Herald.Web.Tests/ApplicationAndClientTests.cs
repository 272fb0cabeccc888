using System.Text.Json;
using Herald.Web.Tests.Infrastructure;

namespace Herald.Web.Tests;

/// <summary>The applications and clients pages: create, edit, order, images, tokens, delete.</summary>
public sealed class ApplicationAndClientTests : IClassFixture<UiFixture>
{
    private readonly UiFixture ui;

    public ApplicationAndClientTests(UiFixture ui)
    {
        this.ui = ui;
    }

    private async Task<JsonElement?> FindAsync(string collection, string name) =>
        (await ui.Api.GetAsync(collection)).EnumerateArray().Cast<JsonElement?>().FirstOrDefault(a => a!.Value.GetProperty("name").GetString() == name);

    // Invariant: an application created in the UI exists on the server with the entered fields; an uploaded image
    // is stored and shown (list and navigation), removing it restores the default, and deleting removes the application.
    [BrowserFact]
    public async Task Application_CreateUploadImageRemoveDelete_ServerAgrees()
    {
        await using var ui2 = await ui.NewPageAsync();
        await ui2.LoginAsync(path: "/#/applications");
        var page = ui2.Page;

        await page.Locator("#create-application").ClickAsync();
        var dialog = page.Locator("dialog");
        await dialog.Locator("input[name=name]").FillAsync("Weather");
        await dialog.Locator("textarea[name=description]").FillAsync("Forecasts every morning");
        await dialog.Locator("input[name=defaultPriority]").FillAsync("4");
        await dialog.Locator("button[type=submit]").ClickAsync();
        await Expect(dialog).ToHaveCountAsync(0);
        var row = page.Locator(".row.apps[data-name='Weather']");
        await Expect(row).ToBeVisibleAsync();
        var app = await FindAsync("application", "Weather") ?? throw new InvalidOperationException("not created");
        Assert.Equal("Forecasts every morning", app.GetProperty("description").GetString());
        Assert.Equal(4, app.GetProperty("defaultPriority").GetInt32());
        await Expect(page.Locator("nav.side a", new() { HasText = "Weather" })).ToBeVisibleAsync();

        var png = Path.Combine(ui.Server.WorkDir, "weather.png");
        await File.WriteAllBytesAsync(png, await ui.Api.Http.GetByteArrayAsync("static/defaultapp.png"));
        await row.Locator("input[type=file]").SetInputFilesAsync(png);
        await Expect(row.Locator("img.app-image")).ToHaveAttributeAsync("src", new System.Text.RegularExpressions.Regex("/image/[^/]+\\.png$"));
        await Expect(row.Locator("img.app-image")).ToHaveJSPropertyAsync("naturalWidth", 128);
        var uploaded = (await FindAsync("application", "Weather"))!.Value.GetProperty("image").GetString()!;
        Assert.StartsWith("image/", uploaded, StringComparison.Ordinal);
        await Expect(page.Locator("nav.side a", new() { HasText = "Weather" }).Locator("img")).ToHaveAttributeAsync("src", new System.Text.RegularExpressions.Regex(uploaded + "$"));
        await ui2.ScreenshotAsync("applications-light");

        await row.Locator("button[aria-label='Remove image']").ClickAsync();
        await Expect(row.Locator("img.app-image")).ToHaveAttributeAsync("src", new System.Text.RegularExpressions.Regex("static/defaultapp.png$"));
        Assert.Equal("static/defaultapp.png", (await FindAsync("application", "Weather"))!.Value.GetProperty("image").GetString());

        await row.Locator("button[aria-label='Delete application']").ClickAsync();
        await page.Locator("dialog button.danger").ClickAsync();
        await Expect(row).ToHaveCountAsync(0);
        Assert.Null(await FindAsync("application", "Weather"));
        ui2.AssertNoScriptErrors();
    }

    // Invariant: editing changes the application on the server, and moving one up reorders it on the server
    // (sort keys), which the navigation follows.
    [BrowserFact]
    public async Task Application_EditAndMoveUp_ServerOrderAndFieldsChange()
    {
        var first = await ui.Api.CreateApplicationAsync("Order first");
        var second = await ui.Api.CreateApplicationAsync("Order second");
        await using var ui2 = await ui.NewPageAsync();
        await ui2.LoginAsync(path: "/#/applications");
        var page = ui2.Page;

        await page.Locator(".row.apps[data-name='Order second'] button[aria-label='Move up']").ClickAsync();
        await Expect(page.Locator(".row.apps[data-name='Order second'] + .row.apps[data-name='Order first']")).ToHaveCountAsync(1);
        var names = (await ui.Api.GetAsync("application")).EnumerateArray().Select(a => a.GetProperty("name").GetString()).ToList();
        Assert.True(names.IndexOf("Order second") < names.IndexOf("Order first"), string.Join(", ", names));
        var navNames = await page.Locator("nav.side a span.name").AllTextContentsAsync();
        Assert.True(navNames.ToList().IndexOf("Order second") < navNames.ToList().IndexOf("Order first"), string.Join(", ", navNames));

        await page.Locator(".row.apps[data-name='Order first'] button[aria-label='Edit application']").ClickAsync();
        await page.Locator("dialog input[name=name]").FillAsync("Order renamed");
        await page.Locator("dialog input[name=defaultPriority]").FillAsync("7");
        await page.Locator("dialog button[type=submit]").ClickAsync();
        await Expect(page.Locator(".row.apps[data-name='Order renamed']")).ToBeVisibleAsync();
        var renamed = (await FindAsync("application", "Order renamed"))!.Value;
        Assert.Equal(first.GetProperty("id").GetInt64(), renamed.GetProperty("id").GetInt64());
        Assert.Equal(7, renamed.GetProperty("defaultPriority").GetInt32());
        Assert.Equal(first.GetProperty("token").GetString(), renamed.GetProperty("token").GetString());

        // The token is hidden until asked for, then shown as the server has it.
        var secret = page.Locator($".row.apps[data-id='{second.GetProperty("id").GetInt64()}'] .secret");
        await Expect(secret.Locator("code")).Not.ToHaveTextAsync(second.GetProperty("token").GetString()!);
        await secret.Locator("button[aria-label='Show token']").ClickAsync();
        await Expect(secret.Locator("code")).ToHaveTextAsync(second.GetProperty("token").GetString()!);
        ui2.AssertNoScriptErrors();
    }

    // Invariant: a client created in the UI exists on the server, and its copy button puts exactly its token on the
    // clipboard, a token that then authenticates against the API.
    [BrowserFact]
    public async Task Client_CreateAndCopyToken_ClipboardHoldsWorkingToken()
    {
        await using var ui2 = await ui.NewPageAsync(permissions: ["clipboard-read", "clipboard-write"]);
        await ui2.LoginAsync(path: "/#/clients");
        var page = ui2.Page;
        await Expect(page.Locator(".row.clients .badge", new() { HasText = "this browser" })).ToBeVisibleAsync();

        await page.Locator("#create-client").ClickAsync();
        await page.Locator("dialog input[name=name]").FillAsync("Phone");
        await page.Locator("dialog button[type=submit]").ClickAsync();
        var row = page.Locator(".row.clients[data-name='Phone']");
        await Expect(row).ToBeVisibleAsync();
        var client = await FindAsync("client", "Phone") ?? throw new InvalidOperationException("not created");

        await row.Locator("button[aria-label='Copy token']").ClickAsync();
        await Expect(page.Locator(".toast", new() { HasText = "copied" })).ToBeVisibleAsync();
        var copied = await page.EvaluateAsync<string>("() => navigator.clipboard.readText()");
        Assert.Equal(client.GetProperty("token").GetString(), copied);

        using var http = new HttpClient { BaseAddress = ui.Server.BaseAddress };
        http.DefaultRequestHeaders.Add("X-Gotify-Key", copied);
        var me = JsonDocument.Parse(await http.GetStringAsync("current/user")).RootElement;
        Assert.Equal("admin", me.GetProperty("name").GetString());
        await ui2.ScreenshotAsync("clients-light");
        ui2.AssertNoScriptErrors();
    }

    // Invariant: renaming and deleting a client change the server; deleting this browser's own client ends the session.
    [BrowserFact]
    public async Task Client_RenameDeleteThenDeleteOwn_ServerAgreesAndSessionEnds()
    {
        await ui.Api.SendAsync(HttpMethod.Post, "client", new { name = "Old laptop" });
        await using var ui2 = await ui.NewPageAsync();
        await ui2.LoginAsync(path: "/#/clients");
        var page = ui2.Page;

        await page.Locator(".row.clients[data-name='Old laptop'] button[aria-label='Rename client']").ClickAsync();
        await page.Locator("dialog input[name=name]").FillAsync("New laptop");
        await page.Locator("dialog button[type=submit]").ClickAsync();
        await Expect(page.Locator(".row.clients[data-name='New laptop']")).ToBeVisibleAsync();
        Assert.NotNull(await FindAsync("client", "New laptop"));
        Assert.Null(await FindAsync("client", "Old laptop"));

        await page.Locator(".row.clients[data-name='New laptop'] button[aria-label='Delete client']").ClickAsync();
        await page.Locator("dialog button.danger").ClickAsync();
        await Expect(page.Locator(".row.clients[data-name='New laptop']")).ToHaveCountAsync(0);
        Assert.Null(await FindAsync("client", "New laptop"));

        var own = page.Locator(".row.clients", new() { Has = page.Locator(".badge", new() { HasText = "this browser" }) });
        await own.Locator("button[aria-label='Delete client']").ClickAsync();
        await page.Locator("dialog button.danger").ClickAsync();
        await Expect(page.Locator("#login-form")).ToBeVisibleAsync();
        ui2.AssertNoScriptErrors();
    }
}
