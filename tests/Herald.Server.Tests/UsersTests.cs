using System.Text.RegularExpressions;
using Herald.Server.Tests.Infrastructure;
using static Herald.Server.Tests.Infrastructure.ApiAssert;

namespace Herald.Server.Tests;

/// <summary>/user and /current/user (behaviour reference §3.8).</summary>
public sealed partial class UsersTests(ServerFixture fx) : IClassFixture<ServerFixture>
{
    private const string Unauthorized = "you need to provide a valid access token or user credentials to access this api";
    private const string NotAllowed = "you are not allowed to access this api";

    private HeraldClient Api => fx.Api;

    [GeneratedRegex(@"^\$2[aby]\$04\$.{53}$")]
    private static partial Regex BcryptCost4();

    [Fact]
    public async Task CurrentUser_BasicAuth_ReturnsUserWithoutClientFields()
    {
        // With basic auth /current/user is the plain User: no clientId, no elevatedUntil.
        var user = await fx.NewUserAsync();
        var me = Ok(await Api.GetAsync("/current/user", user.Basic));
        HasShape(me, Shape.CurrentUser);
        Assert.Equal(user.Id, me.GetProperty("id").GetInt64());
        Assert.Equal(user.Name, me.GetProperty("name").GetString());
        Assert.False(me.GetProperty("admin").GetBoolean());
        Assert.False(me.TryGetProperty("clientId", out _), "basic auth has no client");
        Assert.False(me.TryGetProperty("elevatedUntil", out _), "basic auth has no elevation timestamp");
    }

    [Fact]
    public async Task CreateUser_Admin_ReturnsDocumentedUser()
    {
        // An admin creates users; the answer is the User model with createdAt.
        var before = DateTimeOffset.UtcNow;
        var name = Scenario.UniqueName("new");
        var user = Ok(await Api.PostAsync("/user", fx.Admin, Body.Json(new { name, pass = "secret", admin = false })));
        HasShape(user, Shape.User);
        Assert.Equal(name, user.GetProperty("name").GetString());
        Assert.False(user.GetProperty("admin").GetBoolean());
        Near(before, Timestamp(user.GetProperty("createdAt")), TimeSpan.FromSeconds(30));
        Status(await Api.GetAsync("/current/user", Credential.Basic(name, "secret")), 200);
    }

    [Fact]
    public async Task CreateUser_AdminFlag_CreatesAdmin()
    {
        // admin:true creates a user that can use admin routes.
        var user = await fx.NewUserAsync(isAdmin: true);
        Status(await Api.GetAsync("/user", user.Basic), 200);
    }

    [Fact]
    public async Task CreateUser_Form_Accepted()
    {
        // Form bodies bind like JSON.
        var name = Scenario.UniqueName("form");
        var user = Ok(await Api.PostAsync("/user", fx.Admin, Body.Form(("name", name), ("pass", "pw"), ("admin", "false"))));
        Assert.Equal(name, user.GetProperty("name").GetString());
    }

    [Fact]
    public async Task BasicAuth_PasswordWithColonsAndUnicode_Authenticates()
    {
        // Basic auth splits at the first colon only; passwords may contain colons and non-ASCII characters.
        var user = await Api.NewUserAsync(fx.Admin, pass: "pa:ss:wörd ✓");
        Status(await Api.GetAsync("/current/user", Credential.Basic(user.Name, "pa:ss:wörd ✓")), 200);
        Error(await Api.GetAsync("/current/user", Credential.Basic(user.Name, "pa")), 401, Unauthorized);
    }

    [Fact]
    public async Task CreateUser_DuplicateName_Returns400()
    {
        // User names are unique.
        var user = await fx.NewUserAsync();
        Error(await Api.PostAsync("/user", fx.Admin, Body.Json(new { name = user.Name, pass = "x", admin = false })), 400, "username already exists");
    }

    [Fact]
    public async Task CreateUser_ConcurrentSameName_OneWinsOthers400()
    {
        // A race on the same user name creates exactly one user; the losers get 400 "username already exists", never a 500.
        var name = Scenario.UniqueName("race");
        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Api.PostAsync("/user", fx.Admin, Body.Json(new { name, pass = "p", admin = false }))));
        Assert.Single(responses, r => r.StatusCode == 200);
        foreach (var r in responses.Where(r => r.StatusCode != 200))
        {
            Error(r, 400, "username already exists");
        }

        Assert.Single(Ok(await Api.GetAsync("/user", fx.Admin)).EnumerateArray(), u => u.GetProperty("name").GetString() == name);
    }

    [Theory]
    [InlineData("{\"pass\":\"x\",\"admin\":false}", "Field 'name' is required")]
    [InlineData("{\"name\":\"nopass\",\"admin\":false}", "Field 'pass' is required")]
    [InlineData("{\"name\":\"emptypass\",\"pass\":\"\",\"admin\":false}", "Field 'pass' is required")]
    public async Task CreateUser_MissingField_Returns400(string json, string description)
    {
        // name and pass are required; the user is not created.
        Error(await Api.PostAsync("/user", fx.Admin, Body.RawJson(json)), 400, description);
        var users = Ok(await Api.GetAsync("/user", fx.Admin));
        Assert.DoesNotContain(users.EnumerateArray(), u => u.GetProperty("name").GetString() is "nopass" or "emptypass");
    }

    [Fact]
    public async Task CreateUser_NonAdminRegistrationOff_Returns403()
    {
        // Without registration a non-admin cannot create users.
        var user = await fx.NewUserAsync();
        Error(await Api.PostAsync("/user", user.Basic, Body.Json(new { name = Scenario.UniqueName("x"), pass = "p", admin = false })), 403, NotAllowed);
    }

    [Fact]
    public async Task CreateUser_AnonymousRegistrationOff_Returns401()
    {
        // Without registration an anonymous request cannot create users.
        var name = Scenario.UniqueName("anon");
        Error(await Api.PostAsync("/user", Credential.None, Body.Json(new { name, pass = "p", admin = false })), 401, NotAllowed);
        Error(await Api.GetAsync("/current/user", Credential.Basic(name, "p")), 401, Unauthorized);
    }

    [Fact]
    public async Task GetUsers_Admin_ListsUsers()
    {
        // GET /user lists all users as User models.
        var user = await fx.NewUserAsync();
        var list = Ok(await Api.GetAsync("/user", fx.Admin));
        foreach (var u in list.EnumerateArray())
        {
            HasShape(u, Shape.User);
        }

        Assert.NotNull(list.ById(user.Id));
        Assert.Contains(list.EnumerateArray(), u => u.GetProperty("name").GetString() == "admin" && u.GetProperty("admin").GetBoolean());
    }

    [Fact]
    public async Task GetUsers_AdminClientTokenNotElevated_Allowed()
    {
        // 2.9 behaviour: an admin's ordinary client token (e.g. the Android app) may list, update and delete users without elevation.
        var admin = await fx.NewUserAsync(isAdmin: true);
        var client = await Api.NewClientAsync(admin.Basic);
        Status(await Api.GetAsync("/user", client.Header), 200);
        Status(await Api.GetAsync($"/user/{admin.Id}", client.Header), 200);
        var victim = await fx.NewUserAsync();
        Status(await Api.PostAsync($"/user/{victim.Id}", client.Header, Body.Json(new { name = victim.Name, admin = false, pass = "reset" })), 200);
        Status(await Api.DeleteAsync($"/user/{victim.Id}", client.Header), 200);
        Error(await Api.GetAsync($"/user/{victim.Id}", client.Header), 404, "user does not exist");
    }

    [Fact]
    public async Task AdminRoutes_NonAdmin_Return403()
    {
        // Admin routes refuse authenticated non-admins with 403, whether by basic auth or client token.
        var acc = await fx.NewAccountAsync();
        foreach (var auth in new[] { acc.User.Basic, acc.Auth })
        {
            Error(await Api.GetAsync("/user", auth), 403, NotAllowed);
            Error(await Api.GetAsync($"/user/{acc.User.Id}", auth), 403, NotAllowed);
            Error(await Api.PostAsync($"/user/{acc.User.Id}", auth, Body.Json(new { name = acc.User.Name, admin = true })), 403, NotAllowed);
            Error(await Api.DeleteAsync($"/user/{acc.User.Id}", auth), 403, NotAllowed);
        }

        Assert.False(Ok(await Api.GetAsync("/current/user", acc.User.Basic)).GetProperty("admin").GetBoolean());
    }

    [Fact]
    public async Task GetUser_Existing_ReturnsUser()
    {
        // GET /user/{id} returns that user.
        var user = await fx.NewUserAsync();
        var json = Ok(await Api.GetAsync($"/user/{user.Id}", fx.Admin));
        HasShape(json, Shape.User);
        Assert.Equal(user.Name, json.GetProperty("name").GetString());
    }

    [Fact]
    public async Task GetUser_Unknown_Returns404()
    {
        // An unknown user id is "user does not exist".
        Error(await Api.GetAsync("/user/99999999", fx.Admin), 404, "user does not exist");
    }

    [Fact]
    public async Task UpdateUser_NameAdminPass_Changed()
    {
        // POST /user/{id} renames, changes the admin flag and the password.
        var user = await fx.NewUserAsync();
        var newName = Scenario.UniqueName("renamed");
        var json = Ok(await Api.PostAsync($"/user/{user.Id}", fx.Admin, Body.Json(new { name = newName, admin = true, pass = "newpass" })));
        HasShape(json, Shape.User);
        Assert.Equal(newName, json.GetProperty("name").GetString());
        Assert.True(json.GetProperty("admin").GetBoolean());
        Status(await Api.GetAsync("/user", Credential.Basic(newName, "newpass")), 200);
        Error(await Api.GetAsync("/current/user", Credential.Basic(newName, user.Pass)), 401, Unauthorized);
        Error(await Api.GetAsync("/current/user", user.Basic), 401, Unauthorized);
    }

    [Fact]
    public async Task UpdateUser_Demote_ClientTokenLosesAdminAtOnce()
    {
        // Rights follow the user row at once: a demoted admin's existing client token is refused on admin routes.
        var admin = await fx.NewUserAsync(isAdmin: true);
        var client = await Api.NewClientAsync(admin.Basic);
        Status(await Api.GetAsync("/user", client.Header), 200);
        Ok(await Api.PostAsync($"/user/{admin.Id}", fx.Admin, Body.Json(new { name = admin.Name, admin = false })));
        Error(await Api.GetAsync("/user", client.Header), 403, NotAllowed);
        Assert.False(Ok(await Api.GetAsync("/current/user", client.Header)).GetProperty("admin").GetBoolean());
    }

    [Fact]
    public async Task UpdateUser_EmptyPass_KeepsPassword()
    {
        // An empty or missing pass on update keeps the old password.
        var user = await fx.NewUserAsync();
        Ok(await Api.PostAsync($"/user/{user.Id}", fx.Admin, Body.Json(new { name = user.Name, admin = false, pass = "" })));
        Status(await Api.GetAsync("/current/user", user.Basic), 200);
        Ok(await Api.PostAsync($"/user/{user.Id}", fx.Admin, Body.Json(new { name = user.Name, admin = false })));
        Status(await Api.GetAsync("/current/user", user.Basic), 200);
    }

    [Fact]
    public async Task UpdateUser_Unknown_Returns404()
    {
        // Updating an unknown user is "user does not exist".
        Error(await Api.PostAsync("/user/99999999", fx.Admin, Body.Json(new { name = "ghost", admin = false })), 404, "user does not exist");
    }

    [Fact]
    public async Task UpdateUser_MissingName_Returns400()
    {
        // name is required on update.
        var user = await fx.NewUserAsync();
        Error(await Api.PostAsync($"/user/{user.Id}", fx.Admin, Body.Json(new { admin = false })), 400, "Field 'name' is required");
    }

    [Fact]
    public async Task UpdateUser_RenameOntoExistingName_Returns400NotServerError()
    {
        // Renaming onto an existing name is bad input (Gotify answers 500 here; Herald must not).
        var a = await fx.NewUserAsync();
        var b = await fx.NewUserAsync();
        Error(await Api.PostAsync($"/user/{b.Id}", fx.Admin, Body.Json(new { name = a.Name, admin = false })), 400, "username already exists");
        Status(await Api.GetAsync("/current/user", b.Basic), 200);
    }

    [Fact]
    public async Task DeleteUser_RemovesAppsMessagesClientsAndCredentials()
    {
        // Deleting a user removes their applications, messages and clients; none of their credentials work any more.
        var acc = await fx.NewAccountAsync();
        await Api.SendMessageAsync(acc.App, "bye");
        Status(await Api.DeleteAsync($"/user/{acc.User.Id}", fx.Admin), 200);
        Error(await Api.GetAsync("/current/user", acc.User.Basic), 401, Unauthorized);
        Error(await Api.GetAsync("/current/user", acc.Auth), 401, Unauthorized);
        Error(await Api.PostAsync("/message", acc.App.Header, Body.Json(new { message = "x" })), 401, Unauthorized);
        Error(await Api.GetAsync($"/user/{acc.User.Id}", fx.Admin), 404, "user does not exist");

        await using var db = await TestDb.OpenForAsync(fx.WorkDir);
        Assert.Equal(0L, await db.ScalarAsync("SELECT COUNT(*) FROM applications WHERE user_id = @id", ("@id", acc.User.Id)));
        Assert.Equal(0L, await db.ScalarAsync("SELECT COUNT(*) FROM clients WHERE user_id = @id", ("@id", acc.User.Id)));
        Assert.Equal(0L, await db.ScalarAsync("SELECT COUNT(*) FROM messages WHERE application_id = @id", ("@id", acc.App.Id)));
        Assert.Equal(0L, await db.ScalarAsync("SELECT COUNT(*) FROM users WHERE id = @id", ("@id", acc.User.Id)));
    }

    [Fact]
    public async Task DeleteUser_Unknown_Returns404()
    {
        // Deleting an unknown user is "user does not exist".
        Error(await Api.DeleteAsync("/user/99999999", fx.Admin), 404, "user does not exist");
    }

    [Fact]
    public async Task ChangePassword_PlainClientToken_ChangesPassword()
    {
        // 2.9 behaviour: POST /current/user/password needs no elevation; the old password stops working.
        var user = await fx.NewUserAsync();
        var client = await Api.NewClientAsync(user.Basic);
        Status(await Api.PostAsync("/current/user/password", client.Header, Body.Json(new { pass = "changed" })), 200);
        Status(await Api.GetAsync("/current/user", Credential.Basic(user.Name, "changed")), 200);
        Error(await Api.GetAsync("/current/user", user.Basic), 401, Unauthorized);
        Status(await Api.GetAsync("/current/user", client.Header), 200);
    }

    [Fact]
    public async Task ChangePassword_BasicAuth_ChangesPassword()
    {
        // Basic auth may change its own password.
        var user = await fx.NewUserAsync();
        Status(await Api.PostAsync("/current/user/password", user.Basic, Body.Json(new { pass = "changed2" })), 200);
        Status(await Api.GetAsync("/current/user", Credential.Basic(user.Name, "changed2")), 200);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("{\"pass\":\"\"}")]
    public async Task ChangePassword_MissingPass_Returns400AndKeepsPassword(string json)
    {
        // pass is required; the password stays.
        var user = await fx.NewUserAsync();
        Error(await Api.PostAsync("/current/user/password", user.Basic, Body.RawJson(json)), 400, "Field 'pass' is required");
        Status(await Api.GetAsync("/current/user", user.Basic), 200);
    }

    [SqliteFact]
    public async Task Passwords_Stored_BcryptWithConfiguredCost()
    {
        // Passwords are stored as bcrypt hashes with cost = passstrength (4 in the tests), never in plain text.
        var user = await fx.NewUserAsync();
        Status(await Api.PostAsync("/current/user/password", user.Basic, Body.Json(new { pass = "another-pass" })), 200);
        var other = await fx.NewUserAsync();
        await using var db = await TestDb.OpenAsync(fx.Server.DatabasePath);
        foreach (var id in new[] { user.Id, other.Id })
        {
            var hash = (string)(await db.ScalarAsync("SELECT CAST(pass AS TEXT) FROM users WHERE id = $id", ("$id", id)))!;
            Assert.Matches(BcryptCost4(), hash);
        }
    }
}

/// <summary>The last admin can be neither demoted nor deleted (own server: the test needs to know every admin).</summary>
public sealed class LastAdminTests : IAsyncLifetime
{
    private readonly ServerFixture _fx = new();

    public Task InitializeAsync() => _fx.InitializeAsync();

    public Task DisposeAsync() => _fx.DisposeAsync();

    [Fact]
    public async Task UpdateUser_DemoteLastAdmin_Returns400ThenAllowedWithSecondAdmin()
    {
        // Demoting or deleting the only admin is refused; once a second admin exists the first may be demoted.
        var api = _fx.Api;
        var me = Ok(await api.GetAsync("/current/user", _fx.Admin));
        var adminId = me.GetProperty("id").GetInt64();
        Error(await api.PostAsync($"/user/{adminId}", _fx.Admin, Body.Json(new { name = "admin", admin = false })), 400, "cannot delete last admin");
        Error(await api.DeleteAsync($"/user/{adminId}", _fx.Admin), 400, "cannot delete last admin");
        Assert.True(Ok(await api.GetAsync("/current/user", _fx.Admin)).GetProperty("admin").GetBoolean());

        var second = await api.NewUserAsync(_fx.Admin, isAdmin: true);
        Ok(await api.PostAsync($"/user/{adminId}", _fx.Admin, Body.Json(new { name = "admin", admin = false })));
        Error(await api.GetAsync("/user", _fx.Admin), 403, "you are not allowed to access this api");
        Error(await api.PostAsync($"/user/{second.Id}", second.Basic, Body.Json(new { name = second.Name, admin = false })), 400, "cannot delete last admin");
        Error(await api.DeleteAsync($"/user/{second.Id}", second.Basic), 400, "cannot delete last admin");
        Status(await api.DeleteAsync($"/user/{adminId}", second.Basic), 200);
    }
}

/// <summary>Anonymous registration with GOTIFY_REGISTRATION=true.</summary>
public sealed class RegistrationFixture : ServerFixture
{
    protected override Dictionary<string, string?> Environment => new() { ["GOTIFY_REGISTRATION"] = "true" };
}

/// <summary>POST /user when registration is enabled (behaviour reference §3.8).</summary>
public sealed class RegistrationTests(RegistrationFixture fx) : IClassFixture<RegistrationFixture>
{
    [Fact]
    public async Task CreateUser_AnonymousNonAdmin_Registers()
    {
        // With registration on, anyone may create a non-admin user.
        var name = Scenario.UniqueName("self");
        var json = Ok(await fx.Api.PostAsync("/user", Credential.None, Body.Json(new { name, pass = "pw", admin = false })));
        Assert.False(json.GetProperty("admin").GetBoolean());
        Status(await fx.Api.GetAsync("/current/user", Credential.Basic(name, "pw")), 200);
    }

    [Fact]
    public async Task CreateUser_AnonymousAdmin_Returns401()
    {
        // Registration never creates admins: anonymous admin:true is 401 and nothing is created.
        var name = Scenario.UniqueName("sneaky");
        Error(await fx.Api.PostAsync("/user", Credential.None, Body.Json(new { name, pass = "pw", admin = true })), 401, "you are not allowed to create an admin user");
        Error(await fx.Api.GetAsync("/current/user", Credential.Basic(name, "pw")), 401, "you need to provide a valid access token or user credentials to access this api");
    }

    [Fact]
    public async Task CreateUser_NonAdminCreatesAdmin_Returns403()
    {
        // A logged-in non-admin cannot create an admin either (403).
        var user = await fx.NewUserAsync();
        Error(await fx.Api.PostAsync("/user", user.Basic, Body.Json(new { name = Scenario.UniqueName("x"), pass = "pw", admin = true })), 403, "you are not allowed to create an admin user");
    }

    [Fact]
    public async Task GotifyInfo_RegistrationOn_ReportsRegisterTrue()
    {
        // /gotifyinfo reflects GOTIFY_REGISTRATION.
        var info = Ok(await fx.Api.GetAsync("/gotifyinfo"));
        Assert.True(info.GetProperty("register").GetBoolean());
    }
}
