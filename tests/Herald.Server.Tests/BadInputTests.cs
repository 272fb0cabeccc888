using System.Net.Http.Headers;
using System.Text;
using Herald.Server.Tests.Infrastructure;
using static Herald.Server.Tests.Infrastructure.ApiAssert;

namespace Herald.Server.Tests;

/// <summary>Malformed input of every kind gets a 4xx Gotify error, never a 500, and nothing is stored half-way.</summary>
public sealed class BadInputTests(ServerFixture fx) : IClassFixture<ServerFixture>
{
    private const string Unauthorized = "you need to provide a valid access token or user credentials to access this api";

    private HeraldClient Api => fx.Api;

    /// <summary>How many applications, clients and messages the account's user has (to prove nothing was stored).</summary>
    private async Task<(int Apps, int Clients, int Messages)> CountsAsync(Account acc) =>
        (Ok(await Api.GetAsync("/application", acc.Auth)).GetArrayLength(),
         Ok(await Api.GetAsync("/client", acc.Auth)).GetArrayLength(),
         (await Api.AllMessagesAsync(acc.Auth)).Count);

    public static TheoryData<string, string, string> MalformedBodies => new()
    {
        { "POST", "/message", "{\"message\": \"x\"" },
        { "POST", "/message", "{message: 'x'}" },
        { "POST", "/message", "[]" },
        { "POST", "/message", "\"just a string\"" },
        { "POST", "/message", "{\"message\":\"x\"} trailing" },
        { "POST", "/application", "{\"name\":" },
        { "POST", "/client", "not json at all" },
        { "PUT", "/application/{app}", "{\"name\":\"x\",}" },
        { "PUT", "/client/{client}", "{{}}" },
        { "POST", "/current/user/password", "{\"pass\":" },
        { "PUT", "/application/{app}/security", "{\"regenerateToken\":tru}" },
        { "POST", "/client/{client}/elevate", "{\"durationSeconds\":}" },
    };

    [Theory]
    [MemberData(nameof(MalformedBodies))]
    public async Task AnyRoute_MalformedJson_Returns400AndStoresNothing(string method, string path, string json)
    {
        // Syntactically broken JSON is a 400 Gotify error and changes nothing.
        var acc = await fx.NewAccountAsync();
        var before = await CountsAsync(acc);
        // Elevation-guarded routes get basic auth (always elevated) so that only the body is wrong.
        var auth = path == "/message" ? acc.App.Header : path.EndsWith("/security", StringComparison.Ordinal) || path.EndsWith("/elevate", StringComparison.Ordinal) ? acc.User.Basic : acc.Auth;
        var target = path.Replace("{app}", acc.App.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{client}", acc.Client.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        Error(await Api.SendAsync(new HttpMethod(method), target, auth, Body.RawJson(json)), 400);
        Assert.Equal(before, await CountsAsync(acc));
        Status(await Api.GetAsync("/current/user", acc.User.Basic), 200);
    }

    public static TheoryData<string, string> WrongTypes => new()
    {
        { "/message", "{\"message\":123}" },
        { "/message", "{\"message\":\"m\",\"priority\":\"high\"}" },
        { "/message", "{\"message\":\"m\",\"priority\":1.5}" },
        { "/message", "{\"message\":\"m\",\"priority\":99999999999999999999}" },
        { "/message", "{\"message\":\"m\",\"title\":{}}" },
        { "/message", "{\"message\":\"m\",\"extras\":\"text\"}" },
        { "/message", "{\"message\":\"m\",\"extras\":[1,2]}" },
        { "/message", "{\"message\":[\"m\"]}" },
        { "/application", "{\"name\":\"x\",\"defaultPriority\":\"high\"}" },
        { "/application", "{\"name\":5}" },
        { "/application", "{\"name\":\"x\",\"sortKey\":7}" },
        { "/client", "{\"name\":\"c\",\"expiresAfterInactivitySeconds\":-1}" },
        { "/client", "{\"name\":\"c\",\"expiresAfterInactivitySeconds\":\"soon\"}" },
        { "/client", "{\"name\":true}" },
    };

    [Theory]
    [MemberData(nameof(WrongTypes))]
    public async Task AnyRoute_WrongJsonTypes_Returns400AndStoresNothing(string path, string json)
    {
        // A field of the wrong type is a 400 Gotify error; nothing is created.
        var acc = await fx.NewAccountAsync();
        var before = await CountsAsync(acc);
        var auth = path == "/message" ? acc.App.Header : acc.Auth;
        Error(await Api.PostAsync(path, auth, Body.RawJson(json)), 400);
        Assert.Equal(before, await CountsAsync(acc));
    }

    [Fact]
    public async Task CreateUser_WrongTypes_Returns400AndNoUser()
    {
        // A malformed user creation creates no user.
        var name = Scenario.UniqueName("typed");
        Error(await Api.PostAsync("/user", fx.Admin, Body.RawJson($"{{\"name\":\"{name}\",\"pass\":\"p\",\"admin\":\"yes\"}}")), 400);
        Error(await Api.PostAsync("/user", fx.Admin, Body.RawJson($"{{\"name\":\"{name}\",\"pass\":12345,\"admin\":false}}")), 400);
        Assert.DoesNotContain(Ok(await Api.GetAsync("/user", fx.Admin)).EnumerateArray(), u => u.GetProperty("name").GetString() == name);
    }

    [Fact]
    public async Task PostMessage_ClientTokenNegativeAppid_Returns400()
    {
        // appid is unsigned: -1 is bad input, not a lookup.
        var acc = await fx.NewAccountAsync();
        Error(await Api.PostAsync("/message", acc.Auth, Body.RawJson("{\"appid\":-1,\"message\":\"x\"}")), 400);
        Assert.Empty(await Api.AllMessagesAsync(acc.Auth));
    }

    [Theory]
    [InlineData("priority", "abc")]
    [InlineData("priority", "1.5")]
    [InlineData("priority", "")]
    public async Task PostMessage_FormBadPriority_Returns400AndStoresNothing(string field, string value)
    {
        // Unparsable numbers in form bodies are 400s.
        var acc = await fx.NewAccountAsync();
        var response = await Api.PostAsync("/message", acc.App.Header, Body.Form(("message", "m"), (field, value)));
        if (value.Length == 0 && response.StatusCode == 200)
        {
            // Gotify's form binding treats an empty value as absent; that is acceptable too.
            return;
        }

        Error(response, 400);
        Assert.Empty(await Api.AllMessagesAsync(acc.Auth));
    }

    [Fact]
    public async Task PostRoutes_EmptyJsonBody_Returns400()
    {
        // An empty body declared as JSON is a bad request (Gotify: "EOF").
        var acc = await fx.NewAccountAsync();
        Error(await Api.PostAsync("/message", acc.App.Header, Body.RawJson(string.Empty)), 400);
        Error(await Api.PostAsync("/application", acc.Auth, Body.RawJson(string.Empty)), 400);
        Assert.Equal((1, 1, 0), await CountsAsync(acc));
    }

    [Fact]
    public async Task PostMessage_InvalidUtf8Json_Returns400OrReplacesLikeGo()
    {
        // Bytes that are not UTF-8 inside a JSON string never cause a 500: either a 400, or Go's behaviour (U+FFFD replacement).
        var acc = await fx.NewAccountAsync();
        var bytes = Encoding.ASCII.GetBytes("{\"message\":\"").Concat(new byte[] { 0xC3, 0x28, 0xFF, 0xFE }).Concat(Encoding.ASCII.GetBytes("\"}")).ToArray();
        var response = await Api.PostAsync("/message", acc.App.Header, Body.Raw(bytes, "application/json"));
        if (response.StatusCode == 200)
        {
            Assert.Contains('\uFFFD', response.Json.GetProperty("message").GetString()!);
            return;
        }

        Error(response, 400);
        Assert.Empty(await Api.AllMessagesAsync(acc.Auth));
    }

    [Fact]
    public async Task PostMessage_DeeplyNestedExtras_Returns400()
    {
        // Absurdly deep JSON (100 000 levels) is refused cleanly, not with a stack overflow or a 500.
        var acc = await fx.NewAccountAsync();
        var depth = 100_000;
        var json = "{\"message\":\"m\",\"extras\":{\"a\":" + new string('[', depth) + new string(']', depth) + "}}";
        Error(await Api.PostAsync("/message", acc.App.Header, Body.RawJson(json)), 400);
        Status(await Api.GetAsync("/health"), 200);
        Assert.Empty(await Api.AllMessagesAsync(acc.Auth));
    }

    [Fact]
    public async Task PostRoutes_MultipartWithoutBoundary_Returns400()
    {
        // A multipart Content-Type without a boundary is a bad request.
        var acc = await fx.NewAccountAsync();
        Error(await Api.PostAsync("/message", acc.App.Header, Body.Raw("garbage", "multipart/form-data")), 400);
        Error(await Api.PostAsync($"/application/{acc.App.Id}/image", acc.Auth, Body.Raw("garbage", "multipart/form-data")), 400);
    }

    [Fact]
    public async Task PostMessage_FormBodyDeclaredAsJson_Returns400()
    {
        // The body is decoded by its declared Content-Type: a form body labelled JSON is malformed JSON.
        var acc = await fx.NewAccountAsync();
        Error(await Api.PostAsync("/message", acc.App.Header, Body.Raw("message=hi&title=t", "application/json")), 400);
        Assert.Empty(await Api.AllMessagesAsync(acc.Auth));
    }

    [Fact]
    public async Task PostMessage_OversizedBody_Rejected4xxAndNothingStored()
    {
        // A 40 MB request body is refused with a 4xx Gotify error; the server stays healthy and stores nothing.
        var acc = await fx.NewAccountAsync();
        var big = new byte[40 * 1024 * 1024];
        Array.Fill(big, (byte)'a');
        var prefix = "{\"message\":\""u8.ToArray();
        var suffix = "\"}"u8.ToArray();
        var body = prefix.Concat(big).Concat(suffix).ToArray();
        using var http = new HttpClient(new SocketsHttpHandler { Expect100ContinueTimeout = TimeSpan.FromSeconds(10) }) { Timeout = TimeSpan.FromSeconds(120) };
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(Api.BaseUrl, "/message"));
        request.Headers.ExpectContinue = true;
        request.Headers.Add("X-Gotify-Key", acc.App.Token);
        request.Content = new ByteArrayContent(body);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var api = new ApiResponse(HttpMethod.Post, "/message", response.StatusCode, text, response.Headers, response.Content.Headers);
        ClientError(api, 400, 413);
        Status(await Api.GetAsync("/health"), 200);
        Assert.Empty(await Api.AllMessagesAsync(acc.Auth));
    }

    [Fact]
    public async Task GetMessages_LongQueryAndLargeCookieHeader_AcceptedLikeGo()
    {
        // Go accepts up to 1 MiB of request line plus headers: a 20 KB query string or a 64 KB cookie jar from other apps on the domain still work.
        var acc = await fx.NewAccountAsync();
        Status(await Api.GetAsync("/message?pad=" + new string('a', 20_000), acc.Auth), 200);
        Status(await Api.SendAsync(HttpMethod.Get, "/message", acc.Auth, headers: [new("Cookie", "other-app=" + new string('b', 64_000))]), 200);
    }

    public static TheoryData<string, string> InvalidIds => new()
    {
        { "DELETE", "/message/abc" },
        { "DELETE", "/message/-1" },
        { "DELETE", "/message/1.5" },
        { "DELETE", "/message/99999999999999999999" },
        { "DELETE", "/message/0x10" },
        { "GET", "/application/abc/message" },
        { "DELETE", "/application/abc/message" },
        { "PUT", "/application/abc" },
        { "DELETE", "/application/-5" },
        { "POST", "/application/abc/image" },
        { "DELETE", "/application/abc/image" },
        { "PUT", "/application/abc/security" },
        { "PUT", "/client/abc" },
        { "DELETE", "/client/1e3" },
        { "POST", "/client/abc/elevate" },
        { "GET", "/user/abc" },
        { "POST", "/user/abc" },
        { "DELETE", "/user/%20" },
    };

    [Theory]
    [MemberData(nameof(InvalidIds))]
    public async Task AnyRoute_InvalidPathId_Returns400InvalidId(string method, string path)
    {
        // A path id that is not an unsigned integer is 400 "invalid id" (not a routing 404 and not a 500).
        Error(await Api.SendAsync(new HttpMethod(method), path, fx.Admin, Body.Json(new { name = "x", durationSeconds = 5, regenerateToken = true, admin = true })), 400, "invalid id");
    }

    [Fact]
    public async Task AnyRoute_ZeroPathId_Returns404()
    {
        // 0 is a valid number that matches nothing.
        var acc = await fx.NewAccountAsync();
        Error(await Api.DeleteAsync("/message/0", acc.Auth), 404, "message does not exist");
        Error(await Api.GetAsync("/application/0/message", acc.Auth), 404, "application does not exist");
    }

    public static TheoryData<string> BadTokens => new()
    {
        "gtfya.",
        "gtfyc.",
        "gtfya.!!!!",
        "gtfyc.AAAA",
        "gtfyc.a.b.c.d.e",
        "gtfyx.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "gtfy",
        "C",
        "A",
        new string('C', 8000),
    };

    [Theory]
    [MemberData(nameof(BadTokens))]
    public async Task AnyRoute_MalformedToken_Returns401NeverServerError(string token)
    {
        // Garbage tokens (including unparsable gtfy forms) are simply not credentials: 401 on client and app routes.
        Error(await Api.GetAsync("/current/user", Credential.Header(token)), 401);
        Error(await Api.GetAsync("/message", Credential.Query(token)), 401);
        Error(await Api.PostAsync("/message", Credential.Bearer(token), Body.Json(new { message = "x" })), 401);
    }

    [Fact]
    public async Task CurrentUser_SignedTokenBadSignature_Returns401NeverServerError()
    {
        // Gotify answers 500 for a 4-field token with a bad signature; Herald must answer 401.
        var (_, stored) = GotifyDbBuilder.EnhancedToken('c');
        var ts = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var token = $"{stored}.{ts}.{GotifyDbBuilder.Base64Url(new byte[64])}";
        Error(await Api.GetAsync("/current/user", Credential.Header(token)), 401);
    }

    [Fact]
    public async Task CurrentUser_NonAsciiQueryToken_Returns401()
    {
        // Percent-encoded non-ASCII tokens are just unknown tokens.
        Error(await Api.GetAsync("/current/user?token=%C3%A9%E2%82%AC%F0%9F%98%80"), 401, Unauthorized);
    }

    [Fact]
    public async Task CurrentUser_MalformedBasicAuth_Returns401()
    {
        // Broken basic auth headers are ignored like missing credentials.
        foreach (var value in new[] { "Basic", "Basic !!!notbase64", "Basic " + Convert.ToBase64String("nocolon"u8.ToArray()), "Basic " + Convert.ToBase64String(new byte[] { 0xFF, 0xFE, 0x3A, 0x00 }) })
        {
            Error(await Api.SendAsync(HttpMethod.Get, "/current/user", headers: [new("Authorization", value)]), 401, Unauthorized);
        }
    }
}
