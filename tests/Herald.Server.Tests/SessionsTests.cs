using System.Globalization;
using Herald.Server.Tests.Infrastructure;
using static Herald.Server.Tests.Infrastructure.ApiAssert;

namespace Herald.Server.Tests;

/// <summary>Cookie sessions: /auth/local/login, /auth/logout, the gotify-client-token cookie and CSRF (behaviour reference §2.6, §3.9).</summary>
public sealed class SessionsTests(ServerFixture fx) : IClassFixture<ServerFixture>
{
    private const string Unauthorized = "you need to provide a valid access token or user credentials to access this api";
    private const string CookieName = "gotify-client-token";

    private HeraldClient Api => fx.Api;

    private sealed record Session(TestUser User, string Token, long ClientId, ApiResponse Response)
    {
        public Credential Cookie => Credential.Cookie(Token);
    }

    private async Task<Session> LoginAsync(TestUser? user = null, string clientName = "Firefox 128")
    {
        user ??= await fx.NewUserAsync();
        var response = Status(await Api.PostAsync("/auth/local/login", user.Basic, Body.Form(("name", clientName))), 200);
        var cookie = FindCookie(response) ?? throw new Xunit.Sdk.XunitException("login set no gotify-client-token cookie: " + response);
        return new Session(user, CookieValue(cookie), response.Json.GetProperty("clientId").GetInt64(), response);
    }

    /// <summary>The last gotify-client-token Set-Cookie (a browser applies them in order, so the last one wins).</summary>
    private static string? FindCookie(ApiResponse response) =>
        response.SetCookies.LastOrDefault(c => c.StartsWith(CookieName + "=", StringComparison.Ordinal));

    private static string CookieValue(string setCookie) => setCookie.Split(';')[0][(CookieName.Length + 1)..];

    private static bool HasAttribute(string setCookie, string attribute) =>
        setCookie.Split(';').Select(p => p.Trim()).Any(p => p.Equals(attribute, StringComparison.OrdinalIgnoreCase));

    private static string? AttributeValue(string setCookie, string name) =>
        setCookie.Split(';').Select(p => p.Trim()).Where(p => p.StartsWith(name + "=", StringComparison.OrdinalIgnoreCase)).Select(p => p[(name.Length + 1)..]).FirstOrDefault();

    /// <summary>Seconds until the cookie expires, from Max-Age or Expires.</summary>
    private static double Lifetime(string setCookie)
    {
        var maxAge = AttributeValue(setCookie, "Max-Age");
        if (maxAge is not null)
        {
            return double.Parse(maxAge, CultureInfo.InvariantCulture);
        }

        var expires = AttributeValue(setCookie, "Expires") ?? throw new Xunit.Sdk.XunitException("cookie has neither Max-Age nor Expires: " + setCookie);
        return (DateTimeOffset.Parse(expires, CultureInfo.InvariantCulture) - DateTimeOffset.UtcNow).TotalSeconds;
    }

    [Fact]
    public async Task Login_BasicAndName_Returns200CurrentUserAndSessionCookie()
    {
        // Login answers the CurrentUser of a new, 1-hour elevated client and sets the HttpOnly SameSite=Strict 7-day cookie holding a 2.x-format client token.
        var user = await fx.NewUserAsync();
        var before = DateTimeOffset.UtcNow;
        var session = await LoginAsync(user);
        var body = session.Response.Json;
        HasShape(body, Shape.CurrentUser);
        Assert.Equal(user.Id, body.GetProperty("id").GetInt64());
        Assert.Equal(user.Name, body.GetProperty("name").GetString());
        Near(before.AddHours(1), Timestamp(body.GetProperty("elevatedUntil")), TimeSpan.FromMinutes(1));

        var cookie = FindCookie(session.Response)!;
        Assert.True(HasAttribute(cookie, "HttpOnly"), cookie);
        Assert.Equal("Strict", AttributeValue(cookie, "SameSite"), StringComparer.OrdinalIgnoreCase);
        Assert.Equal("/", AttributeValue(cookie, "Path"));
        Assert.InRange(Lifetime(cookie), 604800 - 120, 604800 + 1);
        Assert.False(HasAttribute(cookie, "Secure"), "Secure is only set with GOTIFY_SERVER_SECURECOOKIE=true");
        Assert.Matches(@"^C[a-zA-Z0-9.\-_]{14}$", session.Token);
    }

    [Fact]
    public async Task Login_JsonBody_Accepted()
    {
        // The web UI sends {"name":"..."} as JSON.
        var user = await fx.NewUserAsync();
        var response = await Api.PostAsync("/auth/local/login", user.Basic, Body.Json(new { name = "json client" }));
        Status(response, 200);
        Assert.NotNull(FindCookie(response));
    }

    [Fact]
    public async Task Login_CreatesSevenDayInactivityClient()
    {
        // The session is a client named as requested with expiresAfterInactivitySeconds = 604800.
        var session = await LoginAsync(clientName: "My Browser");
        var client = Ok(await Api.GetAsync("/client", session.User.Basic)).ById(session.ClientId)!.Value;
        Assert.Equal("My Browser", client.GetProperty("name").GetString());
        Assert.Equal(604800, client.GetProperty("expiresAfterInactivitySeconds").GetInt64());
        Timestamp(client.GetProperty("expiresAt"));
    }

    [Fact]
    public async Task Login_NoBasicAuth_Returns401()
    {
        // Login needs basic auth.
        Error(await Api.PostAsync("/auth/local/login", Credential.None, Body.Form(("name", "x"))), 401, "basic auth required");
    }

    [Fact]
    public async Task Login_WrongPassword_Returns401AndNoCookie()
    {
        // Wrong credentials give "invalid credentials" and no session.
        var user = await fx.NewUserAsync();
        var response = await Api.PostAsync("/auth/local/login", Credential.Basic(user.Name, "wrong"), Body.Form(("name", "x")));
        Error(response, 401, "invalid credentials");
        Assert.True(FindCookie(response) is null || CookieValue(FindCookie(response)!).Length == 0, "no session cookie may be set on failure");
        Assert.Equal(0, Ok(await Api.GetAsync("/client", user.Basic)).GetArrayLength());
    }

    [Fact]
    public async Task Login_MissingName_Returns400()
    {
        // The client name is required; no client is created.
        var user = await fx.NewUserAsync();
        Error(await Api.PostAsync("/auth/local/login", user.Basic, Body.Form()), 400, "Field 'name' is required");
        Assert.Equal(0, Ok(await Api.GetAsync("/client", user.Basic)).GetArrayLength());
    }

    [Fact]
    public async Task Cookie_AuthenticatesClientRoutes()
    {
        // The cookie alone authenticates client routes as the session's client.
        var session = await LoginAsync();
        var me = Ok(await Api.GetAsync("/current/user", session.Cookie));
        Assert.Equal(session.User.Id, me.GetProperty("id").GetInt64());
        Assert.Equal(session.ClientId, me.GetProperty("clientId").GetInt64());
        Status(await Api.GetAsync("/message", session.Cookie), 200);
        Status(await Api.GetAsync("/application", session.Cookie), 200);
    }

    [Fact]
    public async Task Cookie_UnknownValue_Returns401()
    {
        // A made-up cookie authenticates nothing.
        Error(await Api.GetAsync("/current/user", Credential.Cookie("Cnotavalidtoken")), 401, Unauthorized);
    }

    [SqliteFact]
    public async Task Cookie_StaleLastUsed_ReissuesCookie()
    {
        // Sliding expiry: when the session's last use is older than Gotify's 5-minute window, the next request re-sends the 7-day cookie.
        var session = await LoginAsync();
        await using (var db = await TestDb.OpenAsync(fx.Server.DatabasePath, readOnly: false))
        {
            var old = DateTimeOffset.UtcNow.AddHours(-1).ToString("yyyy-MM-dd HH:mm:ss'+00:00'", CultureInfo.InvariantCulture);
            Assert.Equal(1, await db.ExecAsync("UPDATE clients SET last_used = $t WHERE id = $id", ("$t", old), ("$id", session.ClientId)));
        }

        var response = Status(await Api.GetAsync("/current/user", session.Cookie), 200);
        var cookie = FindCookie(response);
        Assert.True(cookie is not null, "the cookie must be re-issued to slide its 7-day lifetime: " + string.Join(" | ", response.SetCookies));
        Assert.Equal(session.Token, CookieValue(cookie!));
        Assert.InRange(Lifetime(cookie!), 604800 - 120, 604800 + 1);
    }

    [Theory]
    [InlineData("Sec-Fetch-Site", "cross-site")]
    [InlineData("Sec-Fetch-Site", "same-site")]
    public async Task Csrf_CookieUnsafeRequestCrossSite_Returns403AndChangesNothing(string header, string value)
    {
        // Cookie-authenticated POST/PUT/DELETE from another site is refused with 403 and has no effect.
        var session = await LoginAsync();
        var response = await Api.PostAsync("/application", session.Cookie.With(header, value), Body.Json(new { name = "csrf" }));
        Error(response, 403);
        Error(await Api.DeleteAsync($"/client/{session.ClientId}", session.Cookie.With(header, value)), 403);
        Assert.Equal(0, Ok(await Api.GetAsync("/application", session.User.Basic)).GetArrayLength());
        Status(await Api.GetAsync("/current/user", session.Cookie), 200);
    }

    [Theory]
    [InlineData("http://evil.example")]
    [InlineData("null")]
    public async Task Csrf_CookieUnsafeRequestForeignOrigin_Returns403AndChangesNothing(string origin)
    {
        // A cookie-authenticated POST whose Origin does not match Host is refused (CORS or CSRF, both 403).
        var session = await LoginAsync();
        var response = await Api.PostAsync("/application", session.Cookie.With("Origin", origin), Body.Json(new { name = "csrf" }));
        Status(response, 403);
        Assert.Equal(0, Ok(await Api.GetAsync("/application", session.User.Basic)).GetArrayLength());
    }

    [Fact]
    public async Task Csrf_CookieSameOriginRequests_Allowed()
    {
        // Same-origin browser requests (Origin = Host, or Sec-Fetch-Site same-origin/none) and non-browser requests pass.
        var session = await LoginAsync();
        Status(await Api.PostAsync("/application", session.Cookie.With("Origin", "http://" + Api.HostAndPort), Body.Json(new { name = "a1" })), 200);
        Status(await Api.PostAsync("/application", session.Cookie.With("Sec-Fetch-Site", "same-origin"), Body.Json(new { name = "a2" })), 200);
        Status(await Api.PostAsync("/application", session.Cookie.With("Sec-Fetch-Site", "none"), Body.Json(new { name = "a3" })), 200);
        Status(await Api.PostAsync("/application", session.Cookie, Body.Json(new { name = "a4" })), 200);
        Assert.Equal(4, Ok(await Api.GetAsync("/application", session.Cookie)).GetArrayLength());
    }

    [Fact]
    public async Task Csrf_CookieSafeMethodCrossSite_Allowed()
    {
        // GET is never CSRF-checked.
        var session = await LoginAsync();
        Status(await Api.GetAsync("/application", session.Cookie.With("Sec-Fetch-Site", "cross-site")), 200);
    }

    [Fact]
    public async Task Csrf_TokenHeaderCrossSite_NotChecked()
    {
        // Only cookie credentials are CSRF-checked; a token header cannot be forged by a browser.
        var acc = await fx.NewAccountAsync();
        Status(await Api.PostAsync("/application", acc.Auth.With("Sec-Fetch-Site", "cross-site"), Body.Json(new { name = "ok" })), 200);
        Status(await Api.PostAsync("/message", acc.App.Header.With("Sec-Fetch-Site", "cross-site"), Body.Json(new { message = "ok" })), 200);
    }

    [Fact]
    public async Task Logout_Cookie_ClearsCookieAndDeletesClient()
    {
        // Logout clears the cookie and deletes the session's client: the old cookie no longer authenticates.
        var session = await LoginAsync();
        var response = Status(await Api.PostAsync("/auth/logout", session.Cookie), 200);
        var cleared = FindCookie(response);
        Assert.True(cleared is not null, "logout must send a clearing cookie: " + response);
        Assert.Equal(string.Empty, CookieValue(cleared!));
        Assert.True(Lifetime(cleared!) <= 0, "the clearing cookie must expire at once: " + cleared);
        Error(await Api.GetAsync("/current/user", session.Cookie), 401, Unauthorized);
        Assert.Null(Ok(await Api.GetAsync("/client", session.User.Basic)).ById(session.ClientId));
    }

    [Fact]
    public async Task Logout_ClientTokenHeader_DeletesThatClient()
    {
        // Logout also works with the client token in a header (non-cookie clients).
        var user = await fx.NewUserAsync();
        var client = await Api.NewClientAsync(user.Basic);
        Status(await Api.PostAsync("/auth/logout", client.Header), 200);
        Error(await Api.GetAsync("/current/user", client.Header), 401, Unauthorized);
    }

    [Fact]
    public async Task Logout_BasicAuth_Returns400NoClientAuth()
    {
        // Without a client credential there is no session to end: 400 "no client auth provided" (the spec documents 200/400 only); nothing is deleted.
        var user = await fx.NewUserAsync();
        var client = await Api.NewClientAsync(user.Basic);
        Error(await Api.PostAsync("/auth/logout", user.Basic), 400, "no client auth provided");
        Status(await Api.GetAsync("/current/user", client.Header), 200);
    }

    [Fact]
    public async Task Logout_NoCredentials_ErrorNotServerError()
    {
        // Logout without any credential is an error in the Gotify format, never a 5xx or a success.
        var response = await Api.PostAsync("/auth/logout", Credential.None);
        ClientError(response, 400, 401);
    }

    [Fact]
    public async Task Logout_CookieCrossSite_Returns403AndKeepsSession()
    {
        // A cross-site page cannot log the user out (logout is an unsafe cookie request).
        var session = await LoginAsync();
        Error(await Api.PostAsync("/auth/logout", session.Cookie.With("Sec-Fetch-Site", "cross-site")), 403);
        Status(await Api.GetAsync("/current/user", session.Cookie), 200);
    }

    [Fact]
    public async Task Session_ElevatedClient_CanRegenerateToken()
    {
        // A fresh login is elevated, so elevation-guarded operations succeed with the cookie.
        var session = await LoginAsync();
        var app = await Api.NewAppAsync(session.User.Basic);
        var json = Ok(await Api.PutAsync($"/application/{app.Id}/security", session.Cookie, Body.Json(new { regenerateToken = true })));
        Assert.False(string.IsNullOrEmpty(json.GetProperty("regenerateToken").GetProperty("token").GetString()));
    }
}
