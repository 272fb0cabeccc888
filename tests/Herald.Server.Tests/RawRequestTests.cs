using System.Text;
using Herald.Server.Tests.Infrastructure;

namespace Herald.Server.Tests;

/// <summary>A server that echoes any Origin (CORS allows all), so that header bytes reaching the CORS answer are exercised.</summary>
public sealed class AnyOriginFixture : ServerFixture
{
    protected override Dictionary<string, string?> Environment => new() { ["GOTIFY_SERVER_CORS_ALLOWORIGINS"] = ".*" };
}

/// <summary>
/// Bytes no HTTP client library would send: header values that are not UTF-8 reach the pipeline and get Gotify's
/// answers; a NUL in the path is the one case Kestrel refuses before any middleware (docs/compatibility.md).
/// </summary>
public sealed class RawRequestTests(AnyOriginFixture fx) : IClassFixture<AnyOriginFixture>
{
    private const string Unauthorized = "{\"error\":\"Unauthorized\",\"errorCode\":401,\"errorDescription\":\"you need to provide a valid access token or user credentials to access this api\"}";

    // RawHttp sends Latin-1: "\u00ff\u00fe" is the two bytes 0xFF 0xFE, which are not UTF-8.
    private const string NotUtf8 = "\u00ff\u00fe";

    private Uri Base => fx.Api.BaseUrl;

    [Fact]
    public async Task AnyRoute_TokenHeaderNotUtf8_Returns401InGotifyFormat()
    {
        // An X-Gotify-Key holding bytes that are not UTF-8 is an unknown token (Gotify's 401 JSON), not Kestrel's empty 400.
        var (status, _, body) = await RawHttp.SendAsync(Base, "GET", "/current/user", [new("X-Gotify-Key", "C" + NotUtf8)]);
        Assert.Equal(401, status);
        Assert.Equal(Unauthorized, Encoding.UTF8.GetString(body));
    }

    [Fact]
    public async Task AnyRoute_OtherHeaderNotUtf8_IgnoredLikeGo()
    {
        // Go passes such header bytes through: the request is answered as if the header were ordinary text.
        var acc = await fx.NewAccountAsync();
        var (status, _, body) = await RawHttp.SendAsync(Base, "GET", "/current/user", [new("X-Gotify-Key", acc.Client.Token), new("User-Agent", "agent " + NotUtf8)]);
        Assert.Equal(200, status);
        Assert.Contains(acc.User.Name, Encoding.UTF8.GetString(body), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cors_OriginOrRequestHeadersNotAscii_NeverEchoedNeverServerError()
    {
        // Values that cannot go into a response header are not echoed: such an Origin is refused (403) and such
        // Access-Control-Request-Headers are left out, where writing them made Kestrel throw.
        var (status, head, _) = await RawHttp.SendAsync(Base, "GET", "/version", [new("Origin", "http://" + NotUtf8 + ".example")]);
        Assert.Equal(403, status);
        Assert.DoesNotContain("Access-Control-Allow-Origin", head, StringComparison.OrdinalIgnoreCase);

        (status, head, _) = await RawHttp.SendAsync(Base, "OPTIONS", "/message", [new("Origin", "http://app.example"), new("Access-Control-Request-Method", "POST"), new("Access-Control-Request-Headers", "x-" + NotUtf8)]);
        Assert.Equal(204, status);
        Assert.Contains("Access-Control-Allow-Origin: http://app.example", head, StringComparison.Ordinal);
        Assert.DoesNotContain("Access-Control-Allow-Headers", head, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task TrailingSlash_NonAsciiPath_RedirectsWithEscapedLocation()
    {
        // The trailing-slash redirect re-escapes the decoded path; a raw é in Location made Kestrel throw (500).
        var (status, head, _) = await RawHttp.SendAsync(Base, "GET", "/message/%C3%A9/");
        Assert.Equal(301, status);
        Assert.Contains("Location: /message/%C3%A9\r\n", head + "\r\n", StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("GET", "/application/%00/message")]
    [InlineData("DELETE", "/message/%00")]
    [InlineData("GET", "/message%00")]
    public async Task AnyRoute_NulInPath_RefusedByKestrelBeforeThePipeline(string method, string target)
    {
        // Kestrel refuses a %00 in the path while decoding it, before any middleware (not configurable): an empty
        // 400 that closes the connection, where Gotify answers 400 "invalid id" in JSON. It stays a 400, never a 500,
        // and the server carries on.
        var (status, head, body) = await RawHttp.SendAsync(Base, method, target, fx.Admin.Headers);
        Assert.Equal(400, status);
        Assert.Empty(body);
        Assert.Contains("Connection: close", head, StringComparison.OrdinalIgnoreCase);
        var (health, _, _) = await RawHttp.SendAsync(Base, "GET", "/health");
        Assert.Equal(200, health);
    }
}
