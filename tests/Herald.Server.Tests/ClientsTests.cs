using System.Text.Json;
using System.Text.RegularExpressions;
using Herald.Server.Tests.Infrastructure;
using static Herald.Server.Tests.Infrastructure.ApiAssert;

namespace Herald.Server.Tests;

/// <summary>/client CRUD, elevation and inactivity expiry (behaviour reference §3.7, §2.6).</summary>
public sealed partial class ClientsTests(ServerFixture fx) : IClassFixture<ServerFixture>
{
    private const string Unauthorized = "you need to provide a valid access token or user credentials to access this api";

    private HeraldClient Api => fx.Api;

    [GeneratedRegex(@"^C[a-zA-Z0-9.\-_]{14}$")]
    private static partial Regex ClientToken();

    [Fact]
    public async Task CreateClient_BasicAuth_ReturnsDocumentedClientWithToken()
    {
        // POST /client returns the Client with a 2.x-format token, createdAt, lastUsed null and no expiry.
        var user = await fx.NewUserAsync();
        var before = DateTimeOffset.UtcNow;
        var client = Ok(await Api.PostAsync("/client", user.Basic, Body.Json(new { name = "phone" })));
        HasShape(client, Shape.Client);
        Assert.Matches(ClientToken(), client.GetProperty("token").GetString());
        Assert.Equal("phone", client.GetProperty("name").GetString());
        Assert.Equal(0, client.GetProperty("expiresAfterInactivitySeconds").GetInt64());
        Assert.Equal(JsonValueKind.Null, client.GetProperty("lastUsed").ValueKind);
        Assert.True(!client.TryGetProperty("expiresAt", out var e) || e.ValueKind == JsonValueKind.Null, "a client without inactivity limit has no expiresAt");
        Near(before, Timestamp(client.GetProperty("createdAt")), TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task CreateClient_Form_Accepted()
    {
        // Form bodies bind like JSON.
        var user = await fx.NewUserAsync();
        var client = Ok(await Api.PostAsync("/client", user.Basic, Body.Form(("name", "formclient"))));
        Assert.Equal("formclient", client.GetProperty("name").GetString());
    }

    [Fact]
    public async Task CreateClient_QueryParametersWithoutBody_Accepted()
    {
        // POST /client?name=... works without a body (the v2 web UI login flow used form-style binding).
        var user = await fx.NewUserAsync();
        var client = Ok(await Api.PostAsync("/client?name=queryclient", user.Basic));
        Assert.Equal("queryclient", client.GetProperty("name").GetString());
    }

    [Fact]
    public async Task CreateClient_TokenAuthenticatesClientRoutes()
    {
        // A created client token authenticates client routes as its user.
        var user = await fx.NewUserAsync();
        var client = await Api.NewClientAsync(user.Basic);
        var me = Ok(await Api.GetAsync("/current/user", client.Header));
        Assert.Equal(user.Id, me.GetProperty("id").GetInt64());
        Assert.Equal(client.Id, me.GetProperty("clientId").GetInt64());
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("{\"name\":\"\"}")]
    public async Task CreateClient_MissingName_Returns400(string json)
    {
        // name is required; nothing is created.
        var user = await fx.NewUserAsync();
        Error(await Api.PostAsync("/client", user.Basic, Body.RawJson(json)), 400, "Field 'name' is required");
        Assert.Equal(0, Ok(await Api.GetAsync("/client", user.Basic)).GetArrayLength());
    }

    [Fact]
    public async Task CreateClient_WithInactivityExpiry_ReportsExpiresAt()
    {
        // expiresAfterInactivitySeconds is stored and expiresAt = (lastUsed ?? createdAt) + seconds.
        var user = await fx.NewUserAsync();
        var client = Ok(await Api.PostAsync("/client", user.Basic, Body.Json(new { name = "tmp", expiresAfterInactivitySeconds = 3600 })));
        Assert.Equal(3600, client.GetProperty("expiresAfterInactivitySeconds").GetInt64());
        var created = Timestamp(client.GetProperty("createdAt"));
        Near(created.AddSeconds(3600), Timestamp(client.GetProperty("expiresAt")), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task GetClients_ListsOwnClientsWithTokens()
    {
        // 2.9 behaviour: GET /client includes tokens; only the user's own clients are listed.
        var user = await fx.NewUserAsync();
        var other = await fx.NewUserAsync();
        var c1 = await Api.NewClientAsync(user.Basic);
        var c2 = await Api.NewClientAsync(user.Basic);
        await Api.NewClientAsync(other.Basic);
        var list = Ok(await Api.GetAsync("/client", c1.Header));
        Assert.Equal(2, list.GetArrayLength());
        foreach (var item in list.EnumerateArray())
        {
            HasShape(item, Shape.Client);
        }

        Assert.Equal(c1.Token, list.ById(c1.Id)!.Value.GetProperty("token").GetString());
        Assert.Equal(c2.Token, list.ById(c2.Id)!.Value.GetProperty("token").GetString());
    }

    [Fact]
    public async Task ClientToken_Used_SetsLastUsed()
    {
        // Using a client token records lastUsed.
        var user = await fx.NewUserAsync();
        var client = await Api.NewClientAsync(user.Basic);
        var before = DateTimeOffset.UtcNow;
        Status(await Api.GetAsync("/message", client.Header), 200);
        var listed = Ok(await Api.GetAsync("/client", user.Basic)).ById(client.Id)!.Value;
        Near(before, Timestamp(listed.GetProperty("lastUsed")), TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task UpdateClient_Name_ChangedExpiryKeptTokenKept()
    {
        // PUT /client/{id} renames; expiry is only changed when sent; the token stays valid.
        var user = await fx.NewUserAsync();
        var created = Ok(await Api.PostAsync("/client", user.Basic, Body.Json(new { name = "old", expiresAfterInactivitySeconds = 600 })));
        var id = created.GetProperty("id").GetInt64();
        var updated = Ok(await Api.PutAsync($"/client/{id}", user.Basic, Body.Json(new { name = "new" })));
        HasShape(updated, Shape.Client);
        Assert.Equal("new", updated.GetProperty("name").GetString());
        Assert.Equal(600, updated.GetProperty("expiresAfterInactivitySeconds").GetInt64());
        Status(await Api.GetAsync("/current/user", Credential.Header(created.GetProperty("token").GetString()!)), 200);
    }

    [Fact]
    public async Task UpdateClient_Expiry_Changed()
    {
        // Sending expiresAfterInactivitySeconds on update changes it (0 = never).
        var user = await fx.NewUserAsync();
        var client = await Api.NewClientAsync(user.Basic);
        var updated = Ok(await Api.PutAsync($"/client/{client.Id}", user.Basic, Body.Json(new { name = client.Name, expiresAfterInactivitySeconds = 7200 })));
        Assert.Equal(7200, updated.GetProperty("expiresAfterInactivitySeconds").GetInt64());
        Assert.Equal(7200, Ok(await Api.GetAsync("/client", user.Basic)).ById(client.Id)!.Value.GetProperty("expiresAfterInactivitySeconds").GetInt64());
    }

    [Fact]
    public async Task UpdateClient_MissingName_Returns400()
    {
        // name is required on update.
        var user = await fx.NewUserAsync();
        var client = await Api.NewClientAsync(user.Basic);
        Error(await Api.PutAsync($"/client/{client.Id}", user.Basic, Body.Json(new { expiresAfterInactivitySeconds = 5 })), 400, "Field 'name' is required");
    }

    [Fact]
    public async Task UpdateClient_ForeignOrUnknown_Returns404()
    {
        // Another user's client is reported as not existing and not changed.
        var a = await fx.NewUserAsync();
        var b = await fx.NewUserAsync();
        var theirs = await Api.NewClientAsync(b.Basic);
        Error(await Api.PutAsync($"/client/{theirs.Id}", a.Basic, Body.Json(new { name = "x" })), 404, $"client with id {theirs.Id} doesn't exists");
        Error(await Api.PutAsync("/client/99999999", a.Basic, Body.Json(new { name = "x" })), 404, "client with id 99999999 doesn't exists");
        Assert.Equal(theirs.Name, Ok(await Api.GetAsync("/client", b.Basic)).ById(theirs.Id)!.Value.GetProperty("name").GetString());
    }

    [Fact]
    public async Task DeleteClient_NonElevatedClientToken_DeletesAndRevokesToken()
    {
        // 2.9 behaviour: a plain client token may delete a client; the deleted token stops working at once.
        var user = await fx.NewUserAsync();
        var keeper = await Api.NewClientAsync(user.Basic);
        var victim = await Api.NewClientAsync(user.Basic);
        Status(await Api.DeleteAsync($"/client/{victim.Id}", keeper.Header), 200);
        Error(await Api.GetAsync("/current/user", victim.Header), 401, Unauthorized);
        Assert.Null(Ok(await Api.GetAsync("/client", keeper.Header)).ById(victim.Id));
    }

    [Fact]
    public async Task DeleteClient_Itself_Allowed()
    {
        // A client may delete itself (the UI's "log out this device").
        var user = await fx.NewUserAsync();
        var client = await Api.NewClientAsync(user.Basic);
        Status(await Api.DeleteAsync($"/client/{client.Id}", client.Header), 200);
        Error(await Api.GetAsync("/current/user", client.Header), 401, Unauthorized);
    }

    [Fact]
    public async Task DeleteClient_ForeignOrUnknown_Returns404AndKeepsIt()
    {
        // A user cannot delete another user's client.
        var a = await fx.NewUserAsync();
        var b = await fx.NewUserAsync();
        var theirs = await Api.NewClientAsync(b.Basic);
        Error(await Api.DeleteAsync($"/client/{theirs.Id}", a.Basic), 404, $"client with id {theirs.Id} doesn't exists");
        Error(await Api.DeleteAsync("/client/99999999", a.Basic), 404, "client with id 99999999 doesn't exists");
        Status(await Api.GetAsync("/current/user", theirs.Header), 200);
    }

    [Fact]
    public async Task ElevateClient_BasicAuth_Returns204AndSetsElevatedUntil()
    {
        // POST /client/{id}/elevate {"durationSeconds":N} answers 204 and sets elevatedUntil ≈ now + N.
        var user = await fx.NewUserAsync();
        var client = await Api.NewClientAsync(user.Basic);
        var before = DateTimeOffset.UtcNow;
        var response = await Api.PostAsync($"/client/{client.Id}/elevate", user.Basic, Body.Json(new { durationSeconds = 600 }));
        Status(response, 204);
        Assert.Equal(string.Empty, response.Body);
        var listed = Ok(await Api.GetAsync("/client", user.Basic)).ById(client.Id)!.Value;
        Near(before.AddSeconds(600), Timestamp(listed.GetProperty("elevatedUntil")), TimeSpan.FromSeconds(30));
        var me = Ok(await Api.GetAsync("/current/user", client.Header));
        Near(before.AddSeconds(600), Timestamp(me.GetProperty("elevatedUntil")), TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task ElevateClient_ElevationPassed_HiddenAgain()
    {
        // An elevation that has run out is no longer reported, neither in GET /client nor in /current/user.
        var user = await fx.NewUserAsync();
        var client = await Api.NewClientAsync(user.Basic);
        Status(await Api.PostAsync($"/client/{client.Id}/elevate", user.Basic, Body.Json(new { durationSeconds = 1 })), 204);
        await Task.Delay(TimeSpan.FromSeconds(2.2));
        var listed = Ok(await Api.GetAsync("/client", user.Basic)).ById(client.Id)!.Value;
        Assert.True(!listed.TryGetProperty("elevatedUntil", out var e) || e.ValueKind == JsonValueKind.Null, listed.ToString());
        Assert.False(Ok(await Api.GetAsync("/current/user", client.Header)).TryGetProperty("elevatedUntil", out _));
    }

    [Fact]
    public async Task ElevateClient_NotElevatedClientToken_AnswersDocumentedStatus()
    {
        // The elevate operation documents only 204/400/401/404; a plain client token must get one of them (never 403/500).
        var user = await fx.NewUserAsync();
        var client = await Api.NewClientAsync(user.Basic);
        var response = await Api.PostAsync($"/client/{client.Id}/elevate", client.Header, Body.Json(new { durationSeconds = 60 }));
        Documented(response, 204, 401);
    }

    [Fact]
    public async Task ElevateClient_UnknownOrForeign_Returns404()
    {
        // Elevating a client that is not the user's is "client not found".
        var a = await fx.NewUserAsync();
        var b = await fx.NewUserAsync();
        var theirs = await Api.NewClientAsync(b.Basic);
        Error(await Api.PostAsync($"/client/{theirs.Id}/elevate", a.Basic, Body.Json(new { durationSeconds = 60 })), 404, "client not found");
        Error(await Api.PostAsync("/client/99999999/elevate", a.Basic, Body.Json(new { durationSeconds = 60 })), 404, "client not found");
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("{\"durationSeconds\":0}")]
    public async Task ElevateClient_MissingDuration_Returns400(string json)
    {
        // durationSeconds is required and non-zero.
        var user = await fx.NewUserAsync();
        var client = await Api.NewClientAsync(user.Basic);
        Error(await Api.PostAsync($"/client/{client.Id}/elevate", user.Basic, Body.RawJson(json)), 400, "Field 'durationSeconds' is required");
    }

    [Fact]
    public async Task ClientToken_InactivityExpired_Returns401AndHidden()
    {
        // A client unused for longer than expiresAfterInactivitySeconds no longer authenticates and is not listed.
        var user = await fx.NewUserAsync();
        var client = Ok(await Api.PostAsync("/client", user.Basic, Body.Json(new { name = "short", expiresAfterInactivitySeconds = 1 })));
        var token = client.GetProperty("token").GetString()!;
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        Error(await Api.GetAsync("/current/user", Credential.Header(token)), 401, Unauthorized);
        Assert.Null(Ok(await Api.GetAsync("/client", user.Basic)).ById(client.GetProperty("id").GetInt64()));
    }

    [Fact]
    public async Task CurrentUser_ClientToken_HasClientIdButNoElevation()
    {
        // With a client token /current/user carries clientId; elevatedUntil only while elevated.
        var user = await fx.NewUserAsync();
        var client = await Api.NewClientAsync(user.Basic);
        var me = Ok(await Api.GetAsync("/current/user", client.Header));
        HasShape(me, Shape.CurrentUser);
        Assert.Equal(client.Id, me.GetProperty("clientId").GetInt64());
        Assert.False(me.TryGetProperty("elevatedUntil", out _), "a never-elevated client has no elevatedUntil");
    }
}
