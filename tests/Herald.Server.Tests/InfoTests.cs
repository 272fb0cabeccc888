using Herald.Server.Tests.Infrastructure;
using static Herald.Server.Tests.Infrastructure.ApiAssert;

namespace Herald.Server.Tests;

/// <summary>/version, /health, /gotifyinfo and the generic 404 (behaviour reference §1, §3.4).</summary>
public sealed class InfoTests(ServerFixture fx) : IClassFixture<ServerFixture>
{
    private HeraldClient Api => fx.Api;

    [Fact]
    public async Task Version_Get_ReturnsVersionCommitBuildDate()
    {
        // GET /version needs no auth and answers VersionInfo with non-empty strings.
        var response = await Api.GetAsync("/version");
        var json = Ok(response);
        Assert.Equal("application/json", response.MediaType);
        HasShape(json, Shape.VersionInfo);
        Assert.False(string.IsNullOrWhiteSpace(json.GetProperty("version").GetString()));
        Assert.False(string.IsNullOrWhiteSpace(json.GetProperty("commit").GetString()));
        Assert.False(string.IsNullOrWhiteSpace(json.GetProperty("buildDate").GetString()));
    }

    [Fact]
    public async Task Health_Get_ReturnsGreen()
    {
        // GET /health answers {"health":"green","database":"green"} while the database works.
        var json = Ok(await Api.GetAsync("/health"));
        HasShape(json, Shape.Health);
        Assert.Equal("green", json.GetProperty("health").GetString());
        Assert.Equal("green", json.GetProperty("database").GetString());
    }

    [Fact]
    public async Task Health_Head_Returns200()
    {
        // HEAD /health is supported (Docker health checks).
        var response = await Api.SendAsync(HttpMethod.Head, "/health");
        Status(response, 200);
    }

    [Fact]
    public async Task GotifyInfo_Default_ReportsVersionNoRegistrationNoOidc()
    {
        // GET /gotifyinfo answers GotifyInfo; registration and OIDC are off by default; version matches /version.
        var json = Ok(await Api.GetAsync("/gotifyinfo"));
        HasShape(json, Shape.GotifyInfo);
        Assert.False(json.GetProperty("register").GetBoolean());
        Assert.False(json.GetProperty("oidc").GetBoolean());
        Assert.Equal(Ok(await Api.GetAsync("/version")).GetProperty("version").GetString(), json.GetProperty("version").GetString());
    }

    [Theory]
    [InlineData("GET", "/nope")]
    [InlineData("GET", "/message/1/extra")]
    [InlineData("POST", "/does/not/exist")]
    [InlineData("DELETE", "/applications")]
    [InlineData("GET", "/api/message")]
    public async Task AnyMethod_UnknownRoute_Returns404PageNotFound(string method, string path)
    {
        // Unknown routes answer Gotify's 404 JSON, authenticated or not.
        Error(await Api.SendAsync(new HttpMethod(method), path), 404, "page not found");
        Error(await Api.SendAsync(new HttpMethod(method), path, fx.Admin), 404, "page not found");
    }

    [Theory]
    [InlineData("PATCH", "/message")]
    [InlineData("PUT", "/message")]
    [InlineData("POST", "/version")]
    [InlineData("DELETE", "/current/user")]
    [InlineData("PATCH", "/application/1")]
    public async Task KnownPath_WrongMethod_Returns404PageNotFound(string method, string path)
    {
        // A known path with an unsupported method is the same 404 (Gotify has no 405, and 405 is undocumented).
        Error(await Api.SendAsync(new HttpMethod(method), path, fx.Admin), 404, "page not found");
    }

    [Fact]
    public async Task GetMessages_TrailingSlash_RedirectsToCanonicalPath()
    {
        // Like gin, a trailing slash redirects to the path without it, and duplicate slashes are collapsed.
        var redirect = await Api.GetAsync("/message/", fx.Admin);
        Assert.True(redirect.StatusCode is 301 or 307 or 308, redirect.ToString());
        Assert.Equal("/message", redirect.Headers.Location?.OriginalString);
        var (status, head, _) = await RawHttp.SendAsync(Api.BaseUrl, "GET", "//message", fx.Admin.Headers);
        Assert.True(status == 200, head);
    }

    [Fact]
    public async Task AccessLog_Credentials_NeverWritten()
    {
        // Tokens in ?token= are masked in the access log and no credential ever reaches the server output.
        var acc = await fx.NewAccountAsync();
        Status(await Api.GetAsync("/message?limit=0", Credential.Query(acc.Client.Token)), 400);
        Status(await Api.GetAsync("/nope", Credential.Query(acc.Client.Token)), 404);
        Status(await Api.GetAsync("/message?limit=0", acc.Auth), 400);
        Status(await Api.GetAsync("/message?limit=0", acc.User.Basic), 400);
        Status(await Api.PostAsync("/message", Credential.Query(acc.App.Token), Body.Json(new { title = "no message" })), 400);
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (!fx.Server.Log.Contains("token=[masked]", StringComparison.Ordinal) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        var output = fx.Server.Log;
        Assert.Contains("token=[masked]", output, StringComparison.Ordinal);
        Assert.DoesNotContain(acc.Client.Token, output, StringComparison.Ordinal);
        Assert.DoesNotContain(acc.App.Token, output, StringComparison.Ordinal);
        Assert.DoesNotContain(acc.User.Pass, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnyApiRoute_ForeignOriginWithoutCorsConfig_Returns403EmptyBody()
    {
        // Without CORS settings a cross-origin API request is refused with a bare 403 (gin-contrib/cors); same-origin passes.
        var foreign = await Api.SendAsync(HttpMethod.Get, "/current/user", fx.Admin, headers: [new("Origin", "http://evil.example")]);
        Status(foreign, 403);
        Assert.Equal(string.Empty, foreign.Body);
        Assert.Null(foreign.Header("Access-Control-Allow-Origin"));
        Status(await Api.SendAsync(HttpMethod.Get, "/current/user", fx.Admin, headers: [new("Origin", "http://" + Api.HostAndPort)]), 200);
    }

    [Fact]
    public async Task Options_AnyPath_Returns200()
    {
        // OPTIONS on any API path answers 200 (no preflight headers without Origin).
        var response = await Api.SendAsync(HttpMethod.Options, "/message");
        Assert.True(response.StatusCode is 200 or 204, response.ToString());
    }
}
