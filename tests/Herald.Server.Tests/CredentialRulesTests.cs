using Herald.Server.Tests.Infrastructure;
using static Herald.Server.Tests.Infrastructure.ApiAssert;

namespace Herald.Server.Tests;

/// <summary>Two users with a client, an application, a message each and a login session for the first.</summary>
public sealed class CredentialRulesFixture : ServerFixture
{
    public Account A { get; private set; } = null!;

    public Account B { get; private set; } = null!;

    public string CookieA { get; private set; } = null!;

    public long MessageA { get; private set; }

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        A = await NewAccountAsync();
        B = await NewAccountAsync();
        MessageA = (await Api.SendMessageAsync(A.App, "secret of A")).GetProperty("id").GetInt64();
        await Api.SendMessageAsync(B.App, "secret of B");
        var login = Status(await Api.PostAsync("/auth/local/login", A.User.Basic, Body.Form(("name", "browser"))), 200);
        var cookie = login.SetCookies.First(c => c.StartsWith("gotify-client-token=", StringComparison.Ordinal));
        CookieA = cookie.Split(';')[0]["gotify-client-token=".Length..];
    }
}

/// <summary>
/// How credentials are read (transports, precedence, schemes) and one user never reaching another's data (behaviour
/// reference §2). Every route × every credential kind is the data-driven matrix in Adversarial/Matrix.
/// </summary>
public sealed class CredentialRulesTests(CredentialRulesFixture fx) : IClassFixture<CredentialRulesFixture>
{
    private const string Unauthorized = "you need to provide a valid access token or user credentials to access this api";

    private HeraldClient Api => fx.Api;

    public static TheoryData<string> TokenTransports => new() { "query", "header", "Bearer", "bearer", "BEARER", "cookie" };

    private static Credential Transport(string kind, string token) => kind switch
    {
        "query" => Credential.Query(token),
        "header" => Credential.Header(token),
        "cookie" => Credential.Cookie(token),
        _ => Credential.Bearer(token, kind),
    };

    [Theory]
    [MemberData(nameof(TokenTransports))]
    public async Task ClientToken_EveryTransport_AuthenticatesReadAndWrite(string kind)
    {
        // A client token works via ?token=, X-Gotify-Key, Authorization: Bearer (any case) and the cookie, on reads and writes.
        var auth = Transport(kind, fx.A.Client.Token);
        var me = Ok(await Api.GetAsync("/current/user", auth));
        Assert.Equal(fx.A.User.Id, me.GetProperty("id").GetInt64());
        Assert.Equal(fx.A.Client.Id, me.GetProperty("clientId").GetInt64());
        var created = Ok(await Api.PostAsync("/client", auth, Body.Json(new { name = "via " + kind })));
        Status(await Api.DeleteAsync($"/client/{created.GetProperty("id").GetInt64()}", auth), 200);
    }

    [Theory]
    [InlineData("query")]
    [InlineData("header")]
    [InlineData("Bearer")]
    [InlineData("bearer")]
    [InlineData("BEARER")]
    public async Task AppToken_EveryTransport_SendsMessage(string kind)
    {
        // An application token works via ?token=, X-Gotify-Key and Authorization: Bearer (any case).
        var sent = Ok(await Api.PostAsync("/message", Transport(kind, fx.A.App.Token), Body.Json(new { message = "via " + kind })));
        Assert.Equal(fx.A.App.Id, sent.GetProperty("appid").GetInt64());
    }

    [Theory]
    [InlineData("basic")]
    [InlineData("query")]
    [InlineData("header")]
    [InlineData("Bearer")]
    public async Task AdminCredentials_EveryTransport_UseAdminRoutes(string kind)
    {
        // Admin routes accept the admin's basic auth and (2.9 behaviour, no elevation) the admin's client token in any transport.
        Credential auth;
        if (kind == "basic")
        {
            auth = fx.Admin;
        }
        else
        {
            var client = await Api.NewClientAsync(fx.Admin);
            auth = Transport(kind, client.Token);
        }

        Ok(await Api.GetAsync("/user", auth));
        Ok(await Api.GetAsync($"/user/{fx.A.User.Id}", auth));
    }

    [Fact]
    public async Task BasicAuth_ClientRoutes_Accepted()
    {
        // Basic auth is accepted on client routes (GET and unsafe methods).
        Ok(await Api.GetAsync("/message", fx.A.User.Basic));
        Ok(await Api.GetAsync("/application", fx.A.User.Basic));
        var client = Ok(await Api.PostAsync("/client", fx.A.User.Basic, Body.Json(new { name = "basic-made" })));
        Status(await Api.DeleteAsync($"/client/{client.GetProperty("id").GetInt64()}", fx.A.User.Basic), 200);
    }

    [Fact]
    public async Task BasicAuth_InvalidWithValidToken_AuthenticatesByToken()
    {
        // Invalid basic credentials are skipped: a valid X-Gotify-Key in the same request still authenticates.
        var auth = Credential.Combine(Credential.Basic("wrong", "wrong"), fx.A.Auth);
        Assert.Equal(fx.A.User.Id, Ok(await Api.GetAsync("/current/user", auth)).GetProperty("id").GetInt64());
    }

    [Fact]
    public async Task TokenSources_SeveralPresent_FirstNonEmptyWins()
    {
        // The first non-empty token source wins: query, then X-Gotify-Key, then Bearer, then cookie.
        var validQueryWrongHeader = Credential.Combine(Credential.Query(fx.A.Client.Token), Credential.Header("Cwrongwrongwron"));
        Status(await Api.GetAsync("/current/user", validQueryWrongHeader), 200);
        var wrongQueryValidHeader = Credential.Combine(Credential.Query("Cwrongwrongwron"), fx.A.Auth);
        Error(await Api.GetAsync("/current/user", wrongQueryValidHeader), 401, Unauthorized);
        var wrongHeaderValidBearer = Credential.Combine(Credential.Header("Cwrongwrongwron"), Credential.Bearer(fx.A.Client.Token));
        Error(await Api.GetAsync("/current/user", wrongHeaderValidBearer), 401, Unauthorized);
        var validBearerWrongCookie = Credential.Combine(Credential.Bearer(fx.A.Client.Token), Credential.Cookie("Cwrongwrongwron"));
        Status(await Api.GetAsync("/current/user", validBearerWrongCookie), 200);
    }

    [Fact]
    public async Task AuthorizationHeader_OtherScheme_NotATokenSource()
    {
        // Only the Bearer scheme carries a token; "Token <t>" is ignored.
        Error(await Api.GetAsync("/current/user", Credential.Bearer(fx.A.Client.Token, "Token")), 401, Unauthorized);
    }

    [Fact]
    public async Task ClientToken_PostMessageWithoutAppid_Returns400NotAuthError()
    {
        // A client token is a valid credential on POST /message; it only lacks the appid.
        Error(await Api.PostAsync("/message", fx.A.Auth, Body.Json(new { message = "x" })), 400, "appid is required when not authenticating with an application token");
    }

    [Fact]
    public async Task CrossUser_Messages_NeverVisibleOrDeletable()
    {
        // User B never sees or deletes A's messages.
        var bMessages = await Api.AllMessagesAsync(fx.B.Auth);
        Assert.DoesNotContain(bMessages, m => m.GetProperty("appid").GetInt64() == fx.A.App.Id);
        Error(await Api.GetAsync($"/application/{fx.A.App.Id}/message", fx.B.Auth), 404, "application does not exist");
        Error(await Api.DeleteAsync($"/message/{fx.MessageA}", fx.B.Auth), 404, "message does not exist");
        Error(await Api.DeleteAsync($"/application/{fx.A.App.Id}/message", fx.B.Auth), 404, "application does not exists");
        Status(await Api.DeleteAsync("/message", fx.B.User.Basic), 200);
        Assert.Contains(fx.MessageA, (await Api.AllMessagesAsync(fx.A.Auth)).Select(m => m.GetProperty("id").GetInt64()));
    }

    [Fact]
    public async Task CrossUser_Applications_NeverVisibleOrChangeable()
    {
        // User B never lists, changes, rotates, re-images or deletes A's application, and cannot send into it by appid.
        var bApps = Ok(await Api.GetAsync("/application", fx.B.Auth));
        Assert.Null(bApps.ById(fx.A.App.Id));
        Assert.DoesNotContain(bApps.EnumerateArray(), a => a.GetProperty("token").GetString() == fx.A.App.Token);
        Error(await Api.PutAsync($"/application/{fx.A.App.Id}", fx.B.Auth, Body.Json(new { name = "pwned" })), 404);
        Error(await Api.PutAsync($"/application/{fx.A.App.Id}/security", fx.B.User.Basic, Body.Json(new { regenerateToken = true })), 404);
        Error(await Api.PostAsync($"/application/{fx.A.App.Id}/image", fx.B.Auth, Body.File("file", "x.png", TestImages.Png)), 404);
        Error(await Api.DeleteAsync($"/application/{fx.A.App.Id}/image", fx.B.Auth), 404);
        Error(await Api.DeleteAsync($"/application/{fx.A.App.Id}", fx.B.Auth), 404);
        Error(await Api.PostAsync("/message", fx.B.Auth, Body.Json(new { appid = fx.A.App.Id, message = "spoof" })), 400, "appid not found");
        var mine = Ok(await Api.GetAsync("/application", fx.A.Auth)).ById(fx.A.App.Id)!.Value;
        Assert.Equal(fx.A.App.Name, mine.GetProperty("name").GetString());
        Assert.Equal(fx.A.App.Token, mine.GetProperty("token").GetString());
    }

    [Fact]
    public async Task CrossUser_Clients_NeverVisibleOrChangeable()
    {
        // User B never lists, renames, elevates or deletes A's client.
        var bClients = Ok(await Api.GetAsync("/client", fx.B.Auth));
        Assert.Null(bClients.ById(fx.A.Client.Id));
        Error(await Api.PutAsync($"/client/{fx.A.Client.Id}", fx.B.Auth, Body.Json(new { name = "pwned" })), 404);
        Error(await Api.PostAsync($"/client/{fx.A.Client.Id}/elevate", fx.B.User.Basic, Body.Json(new { durationSeconds = 60 })), 404, "client not found");
        Error(await Api.DeleteAsync($"/client/{fx.A.Client.Id}", fx.B.Auth), 404);
        Status(await Api.GetAsync("/current/user", fx.A.Auth), 200);
    }

    [Fact]
    public async Task CrossUser_CurrentUser_IsAlwaysTheCaller()
    {
        // /current/user reflects the credential's owner, never someone else.
        Assert.Equal(fx.A.User.Id, Ok(await Api.GetAsync("/current/user", fx.A.Auth)).GetProperty("id").GetInt64());
        Assert.Equal(fx.B.User.Id, Ok(await Api.GetAsync("/current/user", fx.B.Auth)).GetProperty("id").GetInt64());
        Assert.Equal(fx.A.User.Id, Ok(await Api.GetAsync("/current/user", Credential.Cookie(fx.CookieA))).GetProperty("id").GetInt64());
    }
}
