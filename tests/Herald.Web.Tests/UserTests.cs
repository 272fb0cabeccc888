using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Herald.Web.Tests.Infrastructure;

namespace Herald.Web.Tests;

/// <summary>The users page (admins) and one's own password.</summary>
public sealed class UserTests : IClassFixture<UiFixture>
{
    private readonly UiFixture ui;

    public UserTests(UiFixture ui)
    {
        this.ui = ui;
    }

    private async Task<JsonElement?> FindUserAsync(string name) =>
        (await ui.Api.GetAsync("user")).EnumerateArray().Cast<JsonElement?>().FirstOrDefault(u => u!.Value.GetProperty("name").GetString() == name);

    // Invariant: a user an admin creates in the UI can log in and sees none of the admin's applications, messages
    // (stored or live) or clients, and no user management.
    [BrowserFact]
    public async Task User_CreatedByAdmin_LogsInAndSeesNoneOfAdminsData()
    {
        var secret = await ui.Api.CreateApplicationAsync("Admin secret app");
        var token = secret.GetProperty("token").GetString()!;
        await ui.Api.PostMessageAsync(token, "admin only message", "Admin only");
        await ui.Api.SendAsync(HttpMethod.Post, "client", new { name = "Admin phone" });

        await using (var admin = await ui.NewPageAsync())
        {
            await admin.LoginAsync(path: "/#/users");
            await admin.Page.Locator("#create-user").ClickAsync();
            await admin.Page.Locator("dialog input[name=name]").FillAsync("bob");
            await admin.Page.Locator("dialog input[name=pass]").FillAsync("bob-secret");
            await admin.Page.Locator("dialog button[type=submit]").ClickAsync();
            await Expect(admin.Page.Locator(".row.users[data-name='bob']")).ToBeVisibleAsync();
            await admin.ScreenshotAsync("users-light");
            admin.AssertNoScriptErrors();
        }

        var bob = await FindUserAsync("bob") ?? throw new InvalidOperationException("bob was not created");
        Assert.False(bob.GetProperty("admin").GetBoolean());

        await using var ui2 = await ui.NewPageAsync();
        await ui2.LoginAsync("bob", "bob-secret");
        var page = ui2.Page;
        await Expect(page.Locator("#current-user")).ToHaveTextAsync("bob");
        await Expect(page.Locator("#messages-empty")).ToBeVisibleAsync();
        await Expect(page.Locator("nav.side")).Not.ToContainTextAsync("Admin secret app");
        await Expect(page.Locator("nav.side a[href='#/users']")).ToHaveCountAsync(0);

        await ui2.WaitForStreamAsync();
        var live = await ui.Api.PostMessageAsync(token, "still admin only", "Live admin");
        await page.WaitForTimeoutAsync(1000);
        await Expect(page.Locator($"article[data-id='{live.GetProperty("id").GetInt64()}']")).ToHaveCountAsync(0);
        await Expect(page.Locator("#messages article")).ToHaveCountAsync(0);

        await page.GotoAsync("/#/applications");
        await Expect(page.Locator(".row.apps:not(.head)")).ToHaveCountAsync(0);
        await page.GotoAsync("/#/clients");
        await Expect(page.Locator(".row.clients:not(.head)")).ToHaveCountAsync(1);
        await Expect(page.Locator(".row.clients[data-name='Admin phone']")).ToHaveCountAsync(0);
        await page.GotoAsync("/#/users");
        await Expect(page.Locator("main")).ToContainTextAsync("Only administrators manage users.");
        ui2.AssertNoScriptErrors();
    }

    // Invariant: editing a user (name, admin flag, password) and deleting one take effect on the server.
    [BrowserFact]
    public async Task User_EditThenDelete_ServerAgrees()
    {
        await ui.Api.CreateUserAsync("carol", "carol-1");
        await using var ui2 = await ui.NewPageAsync();
        await ui2.LoginAsync(path: "/#/users");
        var page = ui2.Page;

        await page.Locator(".row.users[data-name='carol'] button[aria-label='Edit user']").ClickAsync();
        await page.Locator("dialog input[name=name]").FillAsync("caroline");
        await page.Locator("dialog input[name=pass]").FillAsync("caroline-2");
        await page.Locator("dialog input[name=admin]").CheckAsync();
        await page.Locator("dialog button[type=submit]").ClickAsync();
        await Expect(page.Locator(".row.users[data-name='caroline'] .badge", new() { HasText = "admin" })).ToBeVisibleAsync();
        var caroline = await FindUserAsync("caroline") ?? throw new InvalidOperationException("not renamed");
        Assert.True(caroline.GetProperty("admin").GetBoolean());
        Assert.Equal(HttpStatusCode.OK, await StatusWithBasicAsync("caroline", "caroline-2"));

        await page.Locator(".row.users[data-name='caroline'] button[aria-label='Delete user']").ClickAsync();
        await page.Locator("dialog button.danger").ClickAsync();
        await Expect(page.Locator(".row.users[data-name='caroline']")).ToHaveCountAsync(0);
        Assert.Null(await FindUserAsync("caroline"));
        ui2.AssertNoScriptErrors();
    }

    // Invariant: changing one's own password in the header dialog replaces it: the new one logs in, the old one not.
    [BrowserFact]
    public async Task Password_ChangedInDialog_NewPasswordWorksOldDoesNot()
    {
        await ui.Api.CreateUserAsync("dave", "dave-old");
        await using var ui2 = await ui.NewPageAsync();
        await ui2.LoginAsync("dave", "dave-old");
        var page = ui2.Page;

        await page.Locator("#change-password-button").ClickAsync();
        await page.Locator("dialog input[name=pass]").FillAsync("dave-new");
        await page.Locator("dialog input[name=again]").FillAsync("dave-different");
        await page.Locator("dialog button[type=submit]").ClickAsync();
        await Expect(page.Locator("dialog [role=alert]")).ToHaveTextAsync("The passwords differ.");
        Assert.Equal(HttpStatusCode.OK, await StatusWithBasicAsync("dave", "dave-old"));

        await page.Locator("dialog input[name=again]").FillAsync("dave-new");
        await page.Locator("dialog button[type=submit]").ClickAsync();
        await Expect(page.Locator("dialog")).ToHaveCountAsync(0);
        Assert.Equal(HttpStatusCode.OK, await StatusWithBasicAsync("dave", "dave-new"));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusWithBasicAsync("dave", "dave-old"));

        await page.Locator("#logout-button").ClickAsync();
        await ui2.LoginAsync("dave", "dave-new");
        ui2.AssertNoScriptErrors();
    }

    private async Task<HttpStatusCode> StatusWithBasicAsync(string user, string password)
    {
        using var http = new HttpClient { BaseAddress = ui.Server.BaseAddress };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
        using var response = await http.GetAsync("current/user");
        return response.StatusCode;
    }
}
