using System.Text.Json;
using Herald.Server.Tests.Infrastructure;
using static Herald.Server.Tests.Infrastructure.ApiAssert;

namespace Herald.Server.Tests;

/// <summary>POST/GET/DELETE /message and /application/{id}/message (behaviour reference §3.5).</summary>
public sealed class MessagesTests(ServerFixture fx) : IClassFixture<ServerFixture>
{
    private HeraldClient Api => fx.Api;

    [Fact]
    public async Task PostMessage_AppTokenJson_ReturnsStoredMessage()
    {
        // A 200 returns the stored Message with every documented field, and the same message is then listed.
        var acc = await fx.NewAccountAsync();
        var before = DateTimeOffset.UtcNow;
        var sent = Ok(await Api.PostAsync("/message", acc.App.Header, Body.Json(new { message = "hello", title = "greeting", priority = 5 })));
        HasShape(sent, Shape.Message);
        Assert.Equal(acc.App.Id, sent.GetProperty("appid").GetInt64());
        Assert.Equal("hello", sent.GetProperty("message").GetString());
        Assert.Equal("greeting", sent.GetProperty("title").GetString());
        Assert.Equal(5, sent.GetProperty("priority").GetInt32());
        Assert.False(sent.TryGetProperty("extras", out _), "extras must be omitted when none were sent");
        Near(before, Timestamp(sent.GetProperty("date")), TimeSpan.FromSeconds(30));

        var listed = Ok(await Api.GetAsync("/message", acc.Auth)).GetProperty("messages");
        Assert.Equal(1, listed.GetArrayLength());
        Assert.True(JsonElement.DeepEquals(sent, listed[0]), $"listed {listed[0]} differs from created {sent}");
    }

    [Fact]
    public async Task PostMessage_Response_ContentTypeApplicationJson()
    {
        // API responses carry Content-Type application/json.
        var acc = await fx.NewAccountAsync();
        var response = Status(await Api.PostAsync("/message", acc.App.Header, Body.Json(new { message = "x" })), 200);
        Assert.Equal("application/json", response.MediaType);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public async Task PostMessage_BlankOrMissingTitle_UsesApplicationName(string? title)
    {
        // A title that is missing or only whitespace becomes the application's name.
        var acc = await fx.NewAccountAsync();
        var body = title is null ? (object)new { message = "m" } : new { message = "m", title };
        var sent = Ok(await Api.PostAsync("/message", acc.App.Header, Body.Json(body)));
        Assert.Equal(acc.App.Name, sent.GetProperty("title").GetString());
    }

    [Fact]
    public async Task PostMessage_NoPriority_UsesApplicationDefaultPriority()
    {
        // Without a priority the application's defaultPriority is used.
        var user = await fx.NewUserAsync();
        var app = await Api.NewAppAsync(user.Basic, defaultPriority: 7);
        var sent = Ok(await Api.PostAsync("/message", app.Header, Body.Json(new { message = "m" })));
        Assert.Equal(7, sent.GetProperty("priority").GetInt32());
    }

    [Fact]
    public async Task PostMessage_ExplicitPriorityZero_KeepsZero()
    {
        // An explicit "priority":0 is a value, not "missing": it must not be replaced by the default priority.
        var user = await fx.NewUserAsync();
        var app = await Api.NewAppAsync(user.Basic, defaultPriority: 7);
        var sent = Ok(await Api.PostAsync("/message", app.Header, Body.RawJson("{\"message\":\"m\",\"priority\":0}")));
        Assert.Equal(0, sent.GetProperty("priority").GetInt32());
        var listed = Ok(await Api.GetAsync($"/application/{app.Id}/message", user.Basic)).GetProperty("messages");
        Assert.Equal(0, listed[0].GetProperty("priority").GetInt32());
    }

    [Theory]
    [InlineData(-3)]
    [InlineData(11)]
    [InlineData(1000)]
    public async Task PostMessage_PriorityOutsideZeroToTen_StoredAsGiven(int priority)
    {
        // Gotify does no range validation on priority: any int is stored as sent.
        var acc = await fx.NewAccountAsync();
        var sent = Ok(await Api.PostAsync("/message", acc.App.Header, Body.Json(new { message = "m", priority })));
        Assert.Equal(priority, sent.GetProperty("priority").GetInt32());
    }

    [Fact]
    public async Task PostMessage_IdAppidDateInBodyWithAppToken_Ignored()
    {
        // With an app token, client-supplied id, appid and date are ignored: the server assigns them.
        var acc = await fx.NewAccountAsync();
        var otherApp = await Api.NewAppAsync(acc.Auth);
        var before = DateTimeOffset.UtcNow;
        var body = new { id = 987654, appid = otherApp.Id, date = "2001-02-03T04:05:06Z", message = "m" };
        var sent = Ok(await Api.PostAsync("/message", acc.App.Header, Body.Json(body)));
        Assert.NotEqual(987654, sent.GetProperty("id").GetInt64());
        Assert.Equal(acc.App.Id, sent.GetProperty("appid").GetInt64());
        Near(before, Timestamp(sent.GetProperty("date")), TimeSpan.FromSeconds(30));
        var otherMessages = Ok(await Api.GetAsync($"/application/{otherApp.Id}/message", acc.Auth)).GetProperty("messages");
        Assert.Equal(0, otherMessages.GetArrayLength());
    }

    [Fact]
    public async Task PostMessage_UnicodeAndLargeText_RoundTripExactly()
    {
        // Message text is stored byte-exact: non-ASCII, emoji, control characters and the largest text every engine holds.
        var acc = await fx.NewAccountAsync();
        const string unicode = "Grüße 👋🏽 — 日本語 עברית \"quoted\" \\ back\\slash \t tab \n newline \u0001";
        var sent = Ok(await Api.PostAsync("/message", acc.App.Header, Body.Json(new { message = unicode, title = "✓ ünïcödé" })));
        Assert.Equal(unicode, sent.GetProperty("message").GetString());
        var big = string.Concat(Enumerable.Repeat("0123456789abcdef", 4096))[..65_535];

        var large = Ok(await Api.PostAsync("/message", acc.App.Header, Body.Json(new { message = big })));
        var listed = Ok(await Api.GetAsync("/message", acc.Auth)).GetProperty("messages");
        Assert.Equal(big, listed.ById(large.GetProperty("id").GetInt64())!.Value.GetProperty("message").GetString());
        var first = listed.ById(sent.GetProperty("id").GetInt64())!.Value;
        Assert.Equal(unicode, first.GetProperty("message").GetString());
        Assert.Equal("✓ ünïcödé", first.GetProperty("title").GetString());
    }

    [Fact]
    public async Task PostMessage_TextOverMySqlTextSize_Refused400OnEveryEngine()
    {
        // One limit on every engine (MySQL's text holds 65,535 bytes): a longer message or title is a 400 in Gotify's
        // format, never a truncated row, and nothing is stored; the size is counted in UTF-8 bytes, not characters.
        var acc = await fx.NewAccountAsync();
        Error(await Api.PostAsync("/message", acc.App.Header, Body.Json(new { message = new string('é', 40_000) })), 400,
            "the message is 80000 bytes long; a text field holds at most 65535 bytes on every database engine (the size of MySQL's text column)");
        Error(await Api.PostAsync("/message", acc.App.Header, Body.Json(new { message = "m", title = new string('x', 65_536) })), 400,
            "the title is 65536 bytes long; a text field holds at most 65535 bytes on every database engine (the size of MySQL's text column)");
        Assert.Equal(0, Ok(await Api.GetAsync($"/application/{acc.App.Id}/message", acc.Auth)).GetProperty("messages").GetArrayLength());
    }

    [Fact]
    public async Task PostMessage_UnknownFields_Ignored()
    {
        // Unknown JSON fields are ignored, not rejected.
        var acc = await fx.NewAccountAsync();
        var sent = Ok(await Api.PostAsync("/message", acc.App.Header, Body.RawJson("{\"message\":\"m\",\"colour\":\"blue\",\"nested\":{\"a\":[1,2]}}")));
        Assert.Equal("m", sent.GetProperty("message").GetString());
        HasShape(sent, Shape.Message);
    }

    [Fact]
    public async Task PostMessage_Extras_RoundTripUnchanged()
    {
        // extras is any JSON object; it is stored and returned exactly (REST response and listing).
        var acc = await fx.NewAccountAsync();
        const string extras = "{\"client::display\":{\"contentType\":\"text/markdown\"},\"client::notification\":{\"click\":{\"url\":\"https://example.org\"}},\"x::n\":[1,2.5,true,null,\"s\"]}";
        var sent = Ok(await Api.PostAsync("/message", acc.App.Header, Body.RawJson("{\"message\":\"**hi**\",\"extras\":" + extras + "}")));
        using var expected = JsonDocument.Parse(extras);
        Assert.True(JsonElement.DeepEquals(expected.RootElement, sent.GetProperty("extras")), sent.GetProperty("extras").ToString());
        var listed = Ok(await Api.GetAsync("/message", acc.Auth)).GetProperty("messages")[0];
        Assert.True(JsonElement.DeepEquals(expected.RootElement, listed.GetProperty("extras")), listed.ToString());
    }

    [Fact]
    public async Task PostMessage_UrlEncodedForm_Accepted()
    {
        // Form bodies bind like JSON (curl -d title=...&message=...).
        var acc = await fx.NewAccountAsync();
        var sent = Ok(await Api.PostAsync("/message", acc.App.Header, Body.Form(("title", "t"), ("message", "form msg"), ("priority", "4"))));
        Assert.Equal("form msg", sent.GetProperty("message").GetString());
        Assert.Equal("t", sent.GetProperty("title").GetString());
        Assert.Equal(4, sent.GetProperty("priority").GetInt32());
    }

    [Fact]
    public async Task PostMessage_MultipartForm_Accepted()
    {
        // Multipart bodies bind (curl -F title=... -F message=... -F priority=5).
        var acc = await fx.NewAccountAsync();
        var sent = Ok(await Api.PostAsync("/message", Credential.Query(acc.App.Token), Body.Multipart([("title", "my title"), ("message", "my message"), ("priority", "5")])));
        Assert.Equal("my message", sent.GetProperty("message").GetString());
        Assert.Equal("my title", sent.GetProperty("title").GetString());
        Assert.Equal(5, sent.GetProperty("priority").GetInt32());
    }

    [Fact]
    public async Task PostMessage_QueryParametersWithoutBody_Accepted()
    {
        // Form binding also reads the URL query: POST /message?message=...&title=... works without a body.
        var acc = await fx.NewAccountAsync();
        var sent = Ok(await Api.PostAsync("/message?message=from%20query&title=qt&priority=3", acc.App.Header));
        Assert.Equal("from query", sent.GetProperty("message").GetString());
        Assert.Equal("qt", sent.GetProperty("title").GetString());
        Assert.Equal(3, sent.GetProperty("priority").GetInt32());
    }

    [Fact]
    public async Task PostMessage_FormWithoutPriority_UsesDefaultPriority()
    {
        // The default priority also applies to form bodies that omit priority.
        var user = await fx.NewUserAsync();
        var app = await Api.NewAppAsync(user.Basic, defaultPriority: 6);
        var sent = Ok(await Api.PostAsync("/message", app.Header, Body.Form(("message", "m"))));
        Assert.Equal(6, sent.GetProperty("priority").GetInt32());
    }

    [Theory]
    [InlineData("{\"title\":\"t\"}")]
    [InlineData("{\"message\":\"\"}")]
    [InlineData("{\"message\":null}")]
    [InlineData("{}")]
    public async Task PostMessage_MissingOrEmptyMessage_Returns400FieldRequired(string json)
    {
        // "message" is required; nothing is stored.
        var acc = await fx.NewAccountAsync();
        Error(await Api.PostAsync("/message", acc.App.Header, Body.RawJson(json)), 400, "Field 'message' is required");
        Assert.Empty(await Api.MessageIdsAsync(acc.Auth));
    }

    [Fact]
    public async Task PostMessage_ClientTokenWithAppid_StoredInThatApp()
    {
        // Gotify 3: a client token plus appid of an own application sends into that application.
        var acc = await fx.NewAccountAsync();
        var sent = Ok(await Api.PostAsync("/message", acc.Auth, Body.Json(new { appid = acc.App.Id, message = "via client" })));
        Assert.Equal(acc.App.Id, sent.GetProperty("appid").GetInt64());
        Assert.Equal(acc.App.Name, sent.GetProperty("title").GetString());
    }

    [Fact]
    public async Task PostMessage_BasicAuthWithAppid_StoredInThatApp()
    {
        // Gotify 3: basic auth plus appid sends into that application.
        var acc = await fx.NewAccountAsync();
        var sent = Ok(await Api.PostAsync("/message", acc.User.Basic, Body.Json(new { appid = acc.App.Id, message = "via basic" })));
        Assert.Equal(acc.App.Id, sent.GetProperty("appid").GetInt64());
    }

    [Fact]
    public async Task PostMessage_ClientTokenAppidInForm_StoredInThatApp()
    {
        // appid may come from a form body too.
        var acc = await fx.NewAccountAsync();
        var sent = Ok(await Api.PostAsync("/message", acc.Auth, Body.Form(("appid", acc.App.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("message", "m"))));
        Assert.Equal(acc.App.Id, sent.GetProperty("appid").GetInt64());
    }

    [Theory]
    [InlineData("{\"message\":\"m\"}")]
    [InlineData("{\"message\":\"m\",\"appid\":0}")]
    public async Task PostMessage_ClientTokenWithoutAppid_Returns400(string json)
    {
        // Without an app token, appid is mandatory.
        var acc = await fx.NewAccountAsync();
        Error(await Api.PostAsync("/message", acc.Auth, Body.RawJson(json)), 400, "appid is required when not authenticating with an application token");
        Error(await Api.PostAsync("/message", acc.User.Basic, Body.RawJson(json)), 400, "appid is required when not authenticating with an application token");
    }

    [Fact]
    public async Task PostMessage_ClientTokenForeignOrUnknownAppid_Returns400AppidNotFound()
    {
        // A user can only send into their own applications.
        var acc = await fx.NewAccountAsync();
        var other = await fx.NewAccountAsync();
        Error(await Api.PostAsync("/message", acc.Auth, Body.Json(new { appid = other.App.Id, message = "m" })), 400, "appid not found");
        Error(await Api.PostAsync("/message", acc.Auth, Body.Json(new { appid = 99999999, message = "m" })), 400, "appid not found");
        Assert.Empty(await Api.MessageIdsAsync(other.Auth));
    }

    [Fact]
    public async Task PostMessage_SequentialPosts_IdsStrictlyIncreasing()
    {
        // Message ids are strictly increasing (paging relies on it).
        var acc = await fx.NewAccountAsync();
        long previous = 0;
        for (var i = 0; i < 10; i++)
        {
            var id = (await Api.SendMessageAsync(acc.App, "m" + i)).GetProperty("id").GetInt64();
            Assert.True(id > previous, $"id {id} is not above {previous}");
            previous = id;
        }
    }

    [Fact]
    public async Task PostMessage_AfterDeletingNewest_IdNotReused()
    {
        // A deleted id is never handed out again (since= paging would otherwise skip or repeat messages).
        var acc = await fx.NewAccountAsync();
        var first = (await Api.SendMessageAsync(acc.App, "a")).GetProperty("id").GetInt64();
        Status(await Api.DeleteAsync($"/message/{first}", acc.Auth), 200);
        var second = (await Api.SendMessageAsync(acc.App, "b")).GetProperty("id").GetInt64();
        Assert.True(second > first, $"id {second} reuses or precedes deleted id {first}");
    }

    [Fact]
    public async Task GetMessages_Default_NewestFirstWithPagingAndNoNext()
    {
        // GET /message lists the user's messages newest first; a single page has since=0, limit=100 and no next.
        var acc = await fx.NewAccountAsync();
        var ids = new List<long>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add((await Api.SendMessageAsync(acc.App, "m" + i)).GetProperty("id").GetInt64());
        }

        var page = Ok(await Api.GetAsync("/message", acc.Auth));
        HasShape(page, Shape.PagedMessages);
        var paging = page.GetProperty("paging");
        HasShape(paging, Shape.Paging);
        Assert.Equal(3, paging.GetProperty("size").GetInt32());
        Assert.Equal(0, paging.GetProperty("since").GetInt64());
        Assert.Equal(100, paging.GetProperty("limit").GetInt32());
        Assert.False(paging.TryGetProperty("next", out _), "next must be omitted on the last page");
        var listed = page.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("id").GetInt64()).ToArray();
        Assert.Equal(ids.AsEnumerable().Reverse().ToArray(), listed);
        foreach (var m in page.GetProperty("messages").EnumerateArray())
        {
            HasShape(m, Shape.Message);
        }
    }

    [Fact]
    public async Task GetMessages_LimitAndSince_PagesBackwardsWithAbsoluteNext()
    {
        // limit/since page backwards; paging.next is an ABSOLUTE url (v2 style) and is omitted on the last page.
        var acc = await fx.NewAccountAsync();
        var ids = new List<long>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add((await Api.SendMessageAsync(acc.App, "m" + i)).GetProperty("id").GetInt64());
        }

        ids.Reverse();
        var page1 = Ok(await Api.GetAsync("/message?limit=2", acc.Auth));
        Assert.Equal(ids.Take(2), page1.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("id").GetInt64()));
        var paging1 = page1.GetProperty("paging");
        Assert.Equal(2, paging1.GetProperty("size").GetInt32());
        Assert.Equal(2, paging1.GetProperty("limit").GetInt32());
        Assert.Equal(ids[1], paging1.GetProperty("since").GetInt64());
        Assert.Equal($"http://{Api.HostAndPort}/message?limit=2&since={ids[1]}", paging1.GetProperty("next").GetString());

        var next = new Uri(paging1.GetProperty("next").GetString()!);
        var page2 = Ok(await Api.GetAsync(next.PathAndQuery, acc.Auth));
        Assert.Equal(ids.Skip(2).Take(2), page2.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("id").GetInt64()));
        Assert.Equal(ids[3], page2.GetProperty("paging").GetProperty("since").GetInt64());

        var page3 = Ok(await Api.GetAsync(new Uri(page2.GetProperty("paging").GetProperty("next").GetString()!).PathAndQuery, acc.Auth));
        Assert.Equal(ids.Skip(4), page3.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("id").GetInt64()));
        Assert.Equal(1, page3.GetProperty("paging").GetProperty("size").GetInt32());
        Assert.Equal(0, page3.GetProperty("paging").GetProperty("since").GetInt64());
        Assert.False(page3.GetProperty("paging").TryGetProperty("next", out _), "next must be omitted on the last page");
    }

    [Fact]
    public async Task GetMessages_BehindProxy_NextUsesForwardedSchemeAndHost()
    {
        // Behind a reverse proxy the absolute next url follows X-Forwarded-Proto and X-Forwarded-Host (gotify/location).
        var acc = await fx.NewAccountAsync();
        await Api.SendMessageAsync(acc.App, "1");
        var second = (await Api.SendMessageAsync(acc.App, "2")).GetProperty("id").GetInt64();
        var page = Ok(await Api.SendAsync(HttpMethod.Get, "/message?limit=1", acc.Auth, headers: [new("X-Forwarded-Proto", "https"), new("X-Forwarded-Host", "push.example.de")]));
        Assert.Equal($"https://push.example.de/message?limit=1&since={second}", page.GetProperty("paging").GetProperty("next").GetString());
    }

    [Fact]
    public async Task GetMessages_TokenInQuery_NextCarriesOnlyLimitAndSince()
    {
        // paging.next is built from limit and since only: a ?token= (or any other parameter) is never echoed into it.
        var acc = await fx.NewAccountAsync();
        await Api.SendMessageAsync(acc.App, "1");
        var second = (await Api.SendMessageAsync(acc.App, "2")).GetProperty("id").GetInt64();
        var page = Ok(await Api.GetAsync("/message?limit=1&foo=bar", Credential.Query(acc.Client.Token)));
        Assert.Equal($"http://{Api.HostAndPort}/message?limit=1&since={second}", page.GetProperty("paging").GetProperty("next").GetString());
    }

    [Fact]
    public async Task GetMessages_PageExactlyFull_HasNoNext()
    {
        // When the remaining messages exactly fill the page there is no next page.
        var acc = await fx.NewAccountAsync();
        for (var i = 0; i < 2; i++)
        {
            await Api.SendMessageAsync(acc.App, "m" + i);
        }

        var page = Ok(await Api.GetAsync("/message?limit=2", acc.Auth));
        Assert.Equal(2, page.GetProperty("messages").GetArrayLength());
        Assert.Equal(0, page.GetProperty("paging").GetProperty("since").GetInt64());
        Assert.False(page.GetProperty("paging").TryGetProperty("next", out _), "next must be omitted when nothing is left");
    }

    [Fact]
    public async Task GetMessages_Since_ReturnsOnlyLowerIds()
    {
        // since=N returns only messages with id < N.
        var acc = await fx.NewAccountAsync();
        var ids = new List<long>();
        for (var i = 0; i < 4; i++)
        {
            ids.Add((await Api.SendMessageAsync(acc.App, "m" + i)).GetProperty("id").GetInt64());
        }

        var listed = await Api.MessageIdsAsync(acc.Auth, $"/message?since={ids[2]}");
        Assert.Equal([ids[1], ids[0]], listed);
        Assert.Empty(await Api.MessageIdsAsync(acc.Auth, $"/message?since={ids[0]}"));
    }

    [Fact]
    public async Task GetMessages_LimitBounds_Accepted()
    {
        // The limit bounds are inclusive: 1 and 200 are valid.
        var acc = await fx.NewAccountAsync();
        Assert.Equal(200, Ok(await Api.GetAsync("/message?limit=200", acc.Auth)).GetProperty("paging").GetProperty("limit").GetInt32());
        Assert.Equal(1, Ok(await Api.GetAsync("/message?limit=1", acc.Auth)).GetProperty("paging").GetProperty("limit").GetInt32());
    }

    [Theory]
    [InlineData("/message?limit=0", "Field 'limit' must be more or equal to 1")]
    [InlineData("/message?limit=-5", "Field 'limit' must be more or equal to 1")]
    [InlineData("/message?limit=201", "Field 'limit' must be less or equal to 200")]
    public async Task GetMessages_LimitOutOfRange_Returns400(string path, string description)
    {
        // limit must lie in 1..200.
        var acc = await fx.NewAccountAsync();
        Error(await Api.GetAsync(path, acc.Auth), 400, description);
    }

    [Theory]
    [InlineData("/message?limit=abc")]
    [InlineData("/message?since=abc")]
    [InlineData("/message?since=-1")]
    [InlineData("/message?limit=99999999999999999999")]
    public async Task GetMessages_UnparsablePagingParameter_Returns400(string path)
    {
        // Non-numeric or negative paging parameters are bad requests, never a 500.
        var acc = await fx.NewAccountAsync();
        Error(await Api.GetAsync(path, acc.Auth), 400);
    }

    [Fact]
    public async Task GetMessages_OnlyOwnApplications_Listed()
    {
        // GET /message returns the messages of the user's applications only.
        var a = await fx.NewAccountAsync();
        var b = await fx.NewAccountAsync();
        var mine = (await Api.SendMessageAsync(a.App, "a")).GetProperty("id").GetInt64();
        await Api.SendMessageAsync(b.App, "b");
        Assert.Equal([mine], await Api.MessageIdsAsync(a.Auth));
    }

    [Fact]
    public async Task GetAppMessages_OwnApp_OnlyThatAppWithAbsoluteNext()
    {
        // GET /application/{id}/message lists one application's messages, paged like /message.
        var acc = await fx.NewAccountAsync();
        var app2 = await Api.NewAppAsync(acc.Auth);
        var ids = new List<long>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add((await Api.SendMessageAsync(acc.App, "a" + i)).GetProperty("id").GetInt64());
            await Api.SendMessageAsync(app2, "other" + i);
        }

        var page = Ok(await Api.GetAsync($"/application/{acc.App.Id}/message?limit=2", acc.Auth));
        HasShape(page, Shape.PagedMessages);
        Assert.Equal([ids[2], ids[1]], page.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("id").GetInt64()));
        Assert.All(page.GetProperty("messages").EnumerateArray(), m => Assert.Equal(acc.App.Id, m.GetProperty("appid").GetInt64()));
        Assert.Equal($"http://{Api.HostAndPort}/application/{acc.App.Id}/message?limit=2&since={ids[1]}", page.GetProperty("paging").GetProperty("next").GetString());
    }

    [Fact]
    public async Task GetAppMessages_ForeignOrUnknownApp_Returns404()
    {
        // Another user's application is reported as not existing.
        var a = await fx.NewAccountAsync();
        var b = await fx.NewAccountAsync();
        Error(await Api.GetAsync($"/application/{b.App.Id}/message", a.Auth), 404, "application does not exist");
        Error(await Api.GetAsync("/application/99999999/message", a.Auth), 404, "application does not exist");
    }

    [Fact]
    public async Task DeleteMessage_Own_Returns200AndRemovesOnlyIt()
    {
        // DELETE /message/{id} removes exactly that message.
        var acc = await fx.NewAccountAsync();
        var m1 = (await Api.SendMessageAsync(acc.App, "1")).GetProperty("id").GetInt64();
        var m2 = (await Api.SendMessageAsync(acc.App, "2")).GetProperty("id").GetInt64();
        Status(await Api.DeleteAsync($"/message/{m1}", acc.Auth), 200);
        Assert.Equal([m2], await Api.MessageIdsAsync(acc.Auth));
    }

    [Fact]
    public async Task DeleteMessage_ForeignOrUnknown_Returns404AndKeepsIt()
    {
        // A user cannot delete another user's message; it is reported as not existing and stays.
        var a = await fx.NewAccountAsync();
        var b = await fx.NewAccountAsync();
        var theirs = (await Api.SendMessageAsync(b.App, "b")).GetProperty("id").GetInt64();
        Error(await Api.DeleteAsync($"/message/{theirs}", a.Auth), 404, "message does not exist");
        Error(await Api.DeleteAsync("/message/99999999", a.Auth), 404, "message does not exist");
        Assert.Equal([theirs], await Api.MessageIdsAsync(b.Auth));
    }

    [Fact]
    public async Task DeleteMessage_WithAppToken_Returns401()
    {
        // Application tokens can only send; deleting needs a client credential.
        var acc = await fx.NewAccountAsync();
        var id = (await Api.SendMessageAsync(acc.App, "x")).GetProperty("id").GetInt64();
        Error(await Api.DeleteAsync($"/message/{id}", acc.App.Header), 401, "you need to provide a valid access token or user credentials to access this api");
        Assert.Equal([id], await Api.MessageIdsAsync(acc.Auth));
    }

    [Fact]
    public async Task DeleteAppMessages_Own_RemovesOnlyThatApp()
    {
        // DELETE /application/{id}/message clears one application and leaves the others.
        var acc = await fx.NewAccountAsync();
        var app2 = await Api.NewAppAsync(acc.Auth);
        await Api.SendMessageAsync(acc.App, "a");
        var kept = (await Api.SendMessageAsync(app2, "b")).GetProperty("id").GetInt64();
        Status(await Api.DeleteAsync($"/application/{acc.App.Id}/message", acc.Auth), 200);
        Assert.Equal([kept], await Api.MessageIdsAsync(acc.Auth));
    }

    [Fact]
    public async Task DeleteAppMessages_ForeignOrUnknownApp_Returns404()
    {
        // Another user's application cannot be cleared (and the Gotify text is "does not exists", sic).
        var a = await fx.NewAccountAsync();
        var b = await fx.NewAccountAsync();
        var theirs = (await Api.SendMessageAsync(b.App, "b")).GetProperty("id").GetInt64();
        Error(await Api.DeleteAsync($"/application/{b.App.Id}/message", a.Auth), 404, "application does not exists");
        Error(await Api.DeleteAsync("/application/99999999/message", a.Auth), 404, "application does not exists");
        Assert.Equal([theirs], await Api.MessageIdsAsync(b.Auth));
    }

    [Fact]
    public async Task DeleteMessages_All_RemovesOwnAndKeepsOthers()
    {
        // DELETE /message removes every message of the user's applications and nothing of other users.
        var a = await fx.NewAccountAsync();
        var b = await fx.NewAccountAsync();
        var app2 = await Api.NewAppAsync(a.Auth);
        await Api.SendMessageAsync(a.App, "a1");
        await Api.SendMessageAsync(app2, "a2");
        var theirs = (await Api.SendMessageAsync(b.App, "b")).GetProperty("id").GetInt64();
        Status(await Api.DeleteAsync("/message", a.Auth), 200);
        Assert.Empty(await Api.MessageIdsAsync(a.Auth));
        Assert.Equal([theirs], await Api.MessageIdsAsync(b.Auth));
    }

    [Fact]
    public async Task GetMessages_ContentTypeJsonWithoutBody_Accepted()
    {
        // Some clients send Content-Type: application/json on body-less GET and DELETE; that must not fail.
        var acc = await fx.NewAccountAsync();
        var id = (await Api.SendMessageAsync(acc.App, "x")).GetProperty("id").GetInt64();
        var get = await Api.SendRawAsync(HttpMethod.Get, "/message", acc.Auth, EmptyJson());
        Status(get, 200);
        Status(await Api.SendRawAsync(HttpMethod.Delete, $"/message/{id}", acc.Auth, EmptyJson()), 200);
        Status(await Api.SendRawAsync(HttpMethod.Delete, "/message", acc.Auth, EmptyJson()), 200);
        Assert.Empty(await Api.MessageIdsAsync(acc.Auth));
    }

    private static ByteArrayContent EmptyJson()
    {
        var content = new ByteArrayContent([]);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        return content;
    }

    [Fact]
    public async Task PostMessage_UpdatesApplicationLastUsed()
    {
        // Using an application token records lastUsed on the application.
        var acc = await fx.NewAccountAsync();
        var before = DateTimeOffset.UtcNow;
        await Api.SendMessageAsync(acc.App, "x");
        var app = Ok(await Api.GetAsync("/application", acc.Auth)).ById(acc.App.Id)!.Value;
        Near(before, Timestamp(app.GetProperty("lastUsed")), TimeSpan.FromSeconds(30));
    }
}
