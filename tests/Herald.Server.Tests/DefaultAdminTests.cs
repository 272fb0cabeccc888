using Herald.Server.Tests.Infrastructure;
using static Herald.Server.Tests.Infrastructure.ApiAssert;

namespace Herald.Server.Tests;

/// <summary>The default admin created on a start with an empty user table (behaviour reference §5.1).</summary>
public sealed class DefaultAdminTests
{
    [Fact]
    public async Task FirstStart_EmptyDatabase_CreatesAdminFromEnvironment()
    {
        // GOTIFY_DEFAULTUSER_NAME/PASS create the only user, an admin.
        using var dir = new TempDirectory();
        var env = new Dictionary<string, string?> { ["GOTIFY_DEFAULTUSER_NAME"] = "boss", ["GOTIFY_DEFAULTUSER_PASS"] = "boss-pass" };
        await using var server = await HeraldProcess.StartAsync(dir.Path, env);
        using var api = new HeraldClient(server.BaseAddress);
        var me = Ok(await api.GetAsync("/current/user", Credential.Basic("boss", "boss-pass")));
        Assert.Equal("boss", me.GetProperty("name").GetString());
        Assert.True(me.GetProperty("admin").GetBoolean());
        var users = Ok(await api.GetAsync("/user", Credential.Basic("boss", "boss-pass")));
        Assert.Equal(1, users.GetArrayLength());
        Error(await api.GetAsync("/current/user", Credential.Basic("admin", "admin")), 401, "you need to provide a valid access token or user credentials to access this api");
    }

    [Fact]
    public async Task FirstStart_NoDefaultUserSettings_CreatesAdminAdmin()
    {
        // Without settings the default admin is admin/admin.
        using var dir = new TempDirectory();
        await using var server = await HeraldProcess.StartAsync(dir.Path, new Dictionary<string, string?> { ["GOTIFY_DEFAULTUSER_PASS"] = null });
        using var api = new HeraldClient(server.BaseAddress);
        var me = Ok(await api.GetAsync("/current/user", Credential.Basic("admin", "admin")));
        Assert.True(me.GetProperty("admin").GetBoolean());
    }

    [Fact]
    public async Task Restart_UsersExist_NoNewDefaultUserAndPasswordNotReset()
    {
        // The default user is only created when the user table is empty; later starts neither add users nor reset passwords.
        using var dir = new TempDirectory();
        var first = new Dictionary<string, string?> { ["GOTIFY_DEFAULTUSER_NAME"] = "first", ["GOTIFY_DEFAULTUSER_PASS"] = "first-pass" };
        await using (var server = await HeraldProcess.StartAsync(dir.Path, first))
        {
            using var api = new HeraldClient(server.BaseAddress);
            Status(await api.PostAsync("/current/user/password", Credential.Basic("first", "first-pass"), Body.Json(new { pass = "changed-pass" })), 200);
            Assert.Equal(0, await server.TerminateAsync(TimeSpan.FromSeconds(20)));
        }

        var second = new Dictionary<string, string?> { ["GOTIFY_DEFAULTUSER_NAME"] = "second", ["GOTIFY_DEFAULTUSER_PASS"] = "second-pass" };
        await using (var server = await HeraldProcess.StartAsync(dir.Path, second))
        {
            using var api = new HeraldClient(server.BaseAddress);
            Status(await api.GetAsync("/current/user", Credential.Basic("first", "changed-pass")), 200);
            Status(await api.GetAsync("/current/user", Credential.Basic("first", "first-pass")), 401);
            Status(await api.GetAsync("/current/user", Credential.Basic("second", "second-pass")), 401);
            Assert.Equal(1, Ok(await api.GetAsync("/user", Credential.Basic("first", "changed-pass"))).GetArrayLength());
        }
    }

    [SqliteFact]
    public async Task FirstStart_PassStrength_UsedForAdminHash()
    {
        // The default admin's bcrypt hash uses cost = GOTIFY_PASSSTRENGTH.
        using var dir = new TempDirectory();
        await using var server = await HeraldProcess.StartAsync(dir.Path, new Dictionary<string, string?> { ["GOTIFY_PASSSTRENGTH"] = "6" });
        await using var db = await TestDb.OpenAsync(server.DatabasePath);
        var hash = (string)(await db.ScalarAsync("SELECT CAST(pass AS TEXT) FROM users WHERE name = 'admin'"))!;
        Assert.Matches(@"^\$2[aby]\$06\$.{53}$", hash);
        Assert.True(BCrypt.Net.BCrypt.Verify(HeraldProcess.DefaultAdminPass, hash), "the stored hash must verify the configured password");
    }
}
