using System.Net;
using System.Text.Json;
using Herald.Web.Tests.Infrastructure;

namespace Herald.Web.Tests;

/// <summary>Serving the UI, logging in and out, and the cookie session surviving a reload.</summary>
public sealed class SessionTests : IClassFixture<UiFixture>
{
    private readonly UiFixture ui;

    public SessionTests(UiFixture ui)
    {
        this.ui = ui;
    }

    // Invariant: the UI is served by Herald itself at / and /index.html with its files under /static/, with a
    // same-origin-only script policy, while unknown static paths and the API keep Gotify's JSON answers.
    [BrowserFact]
    public async Task Serve_RootIndexAndStatic_PageAndAssetsWithPolicy()
    {
        using var http = new HttpClient { BaseAddress = ui.Server.BaseAddress };
        foreach (var path in new[] { "/", "/index.html" })
        {
            using var page = await http.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
            Assert.Contains("static/js/main.js", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            var policy = string.Join(";", page.Headers.GetValues("Content-Security-Policy"));
            Assert.Contains("script-src 'self'", policy, StringComparison.Ordinal);
            Assert.Contains("connect-src 'self'", policy, StringComparison.Ordinal);
        }

        using var script = await http.GetAsync("/static/js/main.js");
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        Assert.Equal("text/javascript", script.Content.Headers.ContentType?.MediaType);

        using var image = await http.GetAsync("/static/defaultapp.png");
        Assert.Equal("image/png", image.Content.Headers.ContentType?.MediaType);

        // A validator makes reloads cheap: the same ETag gives 304 without a body.
        using var again = new HttpRequestMessage(HttpMethod.Get, "/static/js/main.js");
        again.Headers.TryAddWithoutValidation("If-None-Match", script.Headers.ETag!.ToString());
        using var notModified = await http.SendAsync(again);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);

        using var missing = await http.GetAsync("/static/nothing.js");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("page not found", JsonDocument.Parse(await missing.Content.ReadAsStringAsync()).RootElement.GetProperty("errorDescription").GetString());

        using var api = await http.GetAsync("/version");
        Assert.Equal("application/json", api.Content.Headers.ContentType?.MediaType);
    }

    // Invariant: logging in through the form creates a cookie session (a client named after the browser) that a
    // reload keeps; logging out deletes that client and returns to the login form, and a reload stays logged out.
    [BrowserFact]
    public async Task Login_ThenReloadThenLogout_SessionKeptThenEnded()
    {
        await using var ui2 = await ui.NewPageAsync();
        var page = ui2.Page;
        var clientsBefore = (await ui.Api.GetAsync("client")).GetArrayLength();

        await page.GotoAsync("/");
        await Expect(page.Locator("#login-form")).ToBeVisibleAsync();
        await ui2.ScreenshotAsync("login-light");
        await ui2.LoginAsync();
        await Expect(page.Locator("#current-user")).ToHaveTextAsync("admin");
        var clients = await ui.Api.GetAsync("client");
        Assert.Equal(clientsBefore + 1, clients.GetArrayLength());
        Assert.Contains(clients.EnumerateArray(), c => c.GetProperty("name").GetString()!.StartsWith("Chrome ", StringComparison.Ordinal));
        var cookie = Assert.Single(await ui2.Context.CookiesAsync(), c => c.Name == "gotify-client-token");
        Assert.True(cookie.HttpOnly, "the session cookie must not be readable by scripts");

        await page.ReloadAsync();
        await Expect(page.Locator("#logout-button")).ToBeVisibleAsync();
        await Expect(page.Locator("#login-form")).ToHaveCountAsync(0);

        await page.Locator("#logout-button").ClickAsync();
        await Expect(page.Locator("#login-form")).ToBeVisibleAsync();
        Assert.Equal(clientsBefore, (await ui.Api.GetAsync("client")).GetArrayLength());
        await page.ReloadAsync();
        await Expect(page.Locator("#login-form")).ToBeVisibleAsync();
        ui2.AssertNoScriptErrors();
    }

    // Invariant: a wrong password shows an error on the form and creates no session.
    [BrowserFact]
    public async Task Login_WrongPassword_ErrorShownAndNoSession()
    {
        await using var ui2 = await ui.NewPageAsync();
        var page = ui2.Page;
        var clientsBefore = (await ui.Api.GetAsync("client")).GetArrayLength();
        await page.GotoAsync("/");
        await page.Locator("#login-name").FillAsync("admin");
        await page.Locator("#login-pass").FillAsync("wrong");
        await page.Locator("#login-form button[type=submit]").ClickAsync();
        await Expect(page.Locator("#login-form [role=alert]")).ToHaveTextAsync("Wrong user name or password.");
        Assert.DoesNotContain(await ui2.Context.CookiesAsync(), c => c.Name == "gotify-client-token");
        Assert.Equal(clientsBefore, (await ui.Api.GetAsync("client")).GetArrayLength());
        ui2.AssertNoScriptErrors();
    }

    // Invariant: the UI requests nothing from any host but the server (no CDN, no external fonts), on every page.
    [BrowserFact]
    public async Task Pages_VisitedAll_RequestOnlyTheServer()
    {
        await using var ui2 = await ui.NewPageAsync();
        await ui2.LoginAsync();
        foreach (var hash in new[] { "#/", "#/applications", "#/clients", "#/users", "#/plugins" })
        {
            await ui2.Page.GotoAsync("/" + hash);
            await Expect(ui2.Page.Locator("main .page-head h1")).ToBeVisibleAsync();
        }

        var server = ui2.Server.GetLeftPart(UriPartial.Authority);
        var foreign = ui2.Requests.Where(u => !u.StartsWith(server, StringComparison.Ordinal) && !u.StartsWith("ws://" + ui2.Server.Authority, StringComparison.Ordinal) && !u.StartsWith("data:", StringComparison.Ordinal)).ToList();
        Assert.True(foreign.Count == 0, "Requests to other hosts:\n" + string.Join("\n", foreign));
        Assert.Contains(ui2.Requests, u => u.EndsWith("/static/vendor/marked.esm.js", StringComparison.Ordinal));
        ui2.AssertNoScriptErrors();
    }
}
