using System.Text.Json;
using Herald.Server.Tests.Infrastructure;
using static Herald.Server.Tests.Infrastructure.ApiAssert;

namespace Herald.Server.Tests;

/// <summary>A server that pings every second and allows two extra websocket origins.</summary>
public sealed class StreamFixture : ServerFixture
{
    protected override Dictionary<string, string?> Environment => new()
    {
        ["GOTIFY_SERVER_STREAM_PINGPERIODSECONDS"] = "1",
        ["GOTIFY_SERVER_STREAM_ALLOWEDORIGINS"] = @"allowed\.example\.com,.+\.trusted\.org",
    };
}

/// <summary>The /stream websocket (behaviour reference §4).</summary>
public sealed class StreamTests(StreamFixture fx) : IClassFixture<StreamFixture>
{
    private static readonly TimeSpan CloseWait = TimeSpan.FromSeconds(10);

    private HeraldClient Api => fx.Api;

    private Uri Base => fx.Api.BaseUrl;

    [Fact]
    public async Task Stream_QueryToken_ReceivesMessageJsonEqualToRestResponse()
    {
        // Each new message arrives as one text frame holding exactly the Message JSON of the REST response.
        var acc = await fx.NewAccountAsync();
        await using var stream = await StreamClient.ConnectAsync(Base, Credential.Query(acc.Client.Token));
        var sent = Ok(await Api.PostAsync("/message", acc.App.Header, Body.RawJson("{\"message\":\"live\",\"title\":\"t\",\"priority\":3,\"extras\":{\"a::b\":{\"c\":1}}}")));
        var frame = await stream.ReceiveJsonAsync();
        HasShape(frame, Shape.Message);
        Assert.True(JsonElement.DeepEquals(sent, frame), $"frame {frame} differs from REST response {sent}");
    }

    [Fact]
    public async Task Stream_MessagePostedRightAfterUpgrade_Delivered()
    {
        // A stream is registered before the upgrade completes: a message posted the moment the client has its 101 is
        // delivered, never lost in the gap between the handshake and the registration.
        var acc = await fx.NewAccountAsync();
        for (var i = 0; i < 20; i++)
        {
            await using var stream = await StreamClient.ConnectAsync(Base, Credential.Query(acc.Client.Token));
            var sent = Ok(await Api.PostAsync("/message", acc.App.Header, Body.Json(new { message = "right after " + i })));
            Assert.Equal(sent.GetProperty("id").GetInt64(), (await stream.ReceiveJsonAsync(TimeSpan.FromSeconds(5))).GetProperty("id").GetInt64());
        }
    }

    public static TheoryData<string> Transports => new() { "query", "header", "Bearer", "bearer", "basic", "cookie" };

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task Stream_EveryCredentialTransport_ReceivesMessages(string kind)
    {
        // The stream accepts ?token=, X-Gotify-Key, Authorization: Bearer (any case), basic auth and the session cookie.
        var acc = await fx.NewAccountAsync();
        Credential auth;
        switch (kind)
        {
            case "query": auth = Credential.Query(acc.Client.Token); break;
            case "header": auth = acc.Auth; break;
            case "basic": auth = acc.User.Basic; break;
            case "cookie":
                var login = Status(await Api.PostAsync("/auth/local/login", acc.User.Basic, Body.Form(("name", "ws"))), 200);
                auth = Credential.Cookie(login.SetCookies.First(c => c.StartsWith("gotify-client-token=", StringComparison.Ordinal)).Split(';')[0]["gotify-client-token=".Length..]);
                break;
            default: auth = Credential.Bearer(acc.Client.Token, kind); break;
        }

        await using var stream = await StreamClient.ConnectAsync(Base, auth);
        var sent = await Api.SendMessageAsync(acc.App, "to " + kind);
        var frame = await stream.ReceiveJsonAsync();
        Assert.Equal(sent.GetProperty("id").GetInt64(), frame.GetProperty("id").GetInt64());
    }

    [Fact]
    public async Task Stream_MissingOrInvalidCredentials_Refused401BeforeUpgrade()
    {
        // Authentication happens before the upgrade: no, wrong or application credentials get 401 and no websocket.
        var acc = await fx.NewAccountAsync();
        Assert.Equal(401, await StreamClient.UpgradeStatusAsync(Base, Credential.None));
        Assert.Equal(401, await StreamClient.UpgradeStatusAsync(Base, Credential.Query("Cdoesnotexist00")));
        Assert.Equal(401, await StreamClient.UpgradeStatusAsync(Base, Credential.Basic(acc.User.Name, "wrong")));
        Assert.Equal(401, await StreamClient.UpgradeStatusAsync(Base, Credential.Query(acc.App.Token)));
        Assert.Equal(401, await StreamClient.UpgradeStatusAsync(Base, acc.App.Header));
    }

    [Fact]
    public async Task Stream_InvalidToken_RefusalIsGotifyErrorJson()
    {
        // The refused upgrade is an ordinary 401 API error.
        var raw = await RawHttp.SendAsync(Base, "GET", "/stream?token=Cdoesnotexist00", [new("Upgrade", "websocket"), new("Connection", "Upgrade"), new("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="), new("Sec-WebSocket-Version", "13")]);
        Assert.Equal(401, raw.Status);
        using var doc = JsonDocument.Parse(raw.Body);
        Assert.Equal("you need to provide a valid access token or user credentials to access this api", doc.RootElement.GetProperty("errorDescription").GetString());
    }

    [Fact]
    public async Task Stream_PlainGetWithoutUpgrade_Returns400()
    {
        // An authenticated GET /stream that is not a websocket handshake is a bad request, not a hang or a 500.
        var acc = await fx.NewAccountAsync();
        Error(await Api.GetAsync("/stream", acc.Auth), 400);
    }

    [Fact]
    public async Task Stream_PingPeriod_PingsEverySecond()
    {
        // The server sends websocket Ping control frames (not just Pongs) every pingperiodseconds (1 s here) to a client that answers them.
        var acc = await fx.NewAccountAsync();
        await using var ws = await RawWebSocket.ConnectAsync(Base, "/stream?token=" + acc.Client.Token);
        Assert.True(ws.Status == 101, ws.ResponseHead);
        var pings = new List<DateTime>();
        var deadline = DateTime.UtcNow.AddSeconds(6);
        while (pings.Count < 3 && DateTime.UtcNow < deadline)
        {
            var frame = await ws.ReadFrameAsync(deadline - DateTime.UtcNow);
            if (frame is null)
            {
                break;
            }

            if (frame.Value.Opcode == 0x9)
            {
                // Answer like every real client does, so the server keeps pinging.
                pings.Add(frame.Value.At);
                await ws.SendFrameAsync(0xA, frame.Value.Payload);
            }
        }

        Assert.True(pings.Count >= 3, $"expected 3 pings within 6 s at a 1 s period, got {pings.Count}");
        var gap = (pings[2] - pings[1]).TotalSeconds;
        Assert.InRange(gap, 0.3, 2.5);
    }

    [Fact]
    public async Task Stream_ClientIgnoringPings_Dropped()
    {
        // A client that never answers pings is dropped once the pong deadline (ping period + 15 s) has passed.
        var acc = await fx.NewAccountAsync();
        await using var ws = await RawWebSocket.ConnectAsync(Base, "/stream?token=" + acc.Client.Token);
        Assert.True(ws.Status == 101, ws.ResponseHead);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        var closed = false;
        while (DateTime.UtcNow < deadline)
        {
            var frame = await ws.ReadFrameAsync(deadline - DateTime.UtcNow);
            if (frame is null || frame.Value.Opcode == 0x8)
            {
                closed = true;
                break;
            }
        }

        Assert.True(closed, "a client that ignores pings was still connected after 30 s");
    }

    [Fact]
    public async Task Stream_ClientSendsLargeFrame_ConnectionClosed()
    {
        // The server reads at most 64 bytes per client message; a bigger one ends the stream.
        var acc = await fx.NewAccountAsync();
        await using var ws = await RawWebSocket.ConnectAsync(Base, "/stream?token=" + acc.Client.Token);
        Assert.True(ws.Status == 101, ws.ResponseHead);
        await ws.SendFrameAsync(0x1, new byte[120]);
        var closed = false;
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            var frame = await ws.ReadFrameAsync(deadline - DateTime.UtcNow);
            if (frame is null || frame.Value.Opcode == 0x8)
            {
                closed = true;
                break;
            }

            if (frame.Value.Opcode == 0x9)
            {
                await ws.SendFrameAsync(0xA, frame.Value.Payload);
            }
        }

        Assert.True(closed, "the stream stayed open after a 120-byte client message");
    }

    [Fact]
    public async Task Stream_SameHostOrigin_Allowed()
    {
        // A browser on the server's own origin may connect.
        var acc = await fx.NewAccountAsync();
        Assert.Equal(101, await StreamClient.UpgradeStatusAsync(Base, acc.Auth, origin: "http://" + Api.HostAndPort));
        Assert.Equal(101, await StreamClient.UpgradeStatusAsync(Base, acc.Auth, origin: "https://" + Api.HostAndPort.ToUpperInvariant()));
    }

    [Theory]
    [InlineData("http://allowed.example.com")]
    [InlineData("https://allowed.example.com:8443")]
    [InlineData("http://app.trusted.org")]
    [InlineData("http://APP.TRUSTED.ORG")]
    public async Task Stream_OriginMatchingAllowedOrigins_Allowed(string origin)
    {
        // Origins whose lowercased hostname matches a GOTIFY_SERVER_STREAM_ALLOWEDORIGINS regex may connect.
        var acc = await fx.NewAccountAsync();
        Assert.Equal(101, await StreamClient.UpgradeStatusAsync(Base, acc.Auth, origin));
    }

    [Theory]
    [InlineData("http://evil.example.org")]
    [InlineData("http://trusted.org")]
    [InlineData("http://127.0.0.1:1")]
    [InlineData("null")]
    public async Task Stream_ForeignOrigin_Refused403(string origin)
    {
        // Any other Origin fails the upgrade with 403 (a foreign page cannot read a logged-in user's stream).
        var acc = await fx.NewAccountAsync();
        Assert.Equal(403, await StreamClient.UpgradeStatusAsync(Base, acc.Auth, origin));
    }

    [Fact]
    public async Task Stream_MultipleStreamsOfUser_AllReceiveOthersReceiveNothing()
    {
        // Every open stream of the owner receives the message; another user's stream does not.
        var a = await fx.NewAccountAsync();
        var b = await fx.NewAccountAsync();
        var secondClient = await Api.NewClientAsync(a.User.Basic);
        await using var s1 = await StreamClient.ConnectAsync(Base, a.Auth);
        await using var s2 = await StreamClient.ConnectAsync(Base, secondClient.Header);
        await using var s3 = await StreamClient.ConnectAsync(Base, a.Auth);
        await using var other = await StreamClient.ConnectAsync(Base, b.Auth);

        var appA2 = await Api.NewAppAsync(a.Auth);
        var m1 = (await Api.SendMessageAsync(a.App, "for a")).GetProperty("id").GetInt64();
        var m2 = (await Api.SendMessageAsync(appA2, "for a, other app")).GetProperty("id").GetInt64();
        var mb = (await Api.SendMessageAsync(b.App, "for b")).GetProperty("id").GetInt64();
        foreach (var s in new[] { s1, s2, s3 })
        {
            Assert.Equal(m1, (await s.ReceiveJsonAsync()).GetProperty("id").GetInt64());
            Assert.Equal(m2, (await s.ReceiveJsonAsync()).GetProperty("id").GetInt64());
        }

        // B's first frame must be B's own message: A's messages were never delivered to B.
        Assert.Equal(mb, (await other.ReceiveJsonAsync()).GetProperty("id").GetInt64());
    }

    [Fact]
    public async Task Stream_MessageSentByClientWithAppid_Delivered()
    {
        // Messages created with a client token + appid are pushed like any other.
        var acc = await fx.NewAccountAsync();
        await using var stream = await StreamClient.ConnectAsync(Base, acc.Auth);
        var sent = Ok(await Api.PostAsync("/message", acc.User.Basic, Body.Json(new { appid = acc.App.Id, message = "by user" })));
        Assert.Equal(sent.GetProperty("id").GetInt64(), (await stream.ReceiveJsonAsync()).GetProperty("id").GetInt64());
    }

    [Fact]
    public async Task Stream_ManyMessagesQuickly_AllDeliveredInOrder()
    {
        // A burst of messages reaches the stream completely and in id order.
        var acc = await fx.NewAccountAsync();
        await using var stream = await StreamClient.ConnectAsync(Base, acc.Auth);
        var ids = new List<long>();
        for (var i = 0; i < 30; i++)
        {
            ids.Add((await Api.SendMessageAsync(acc.App, "burst " + i)).GetProperty("id").GetInt64());
        }

        var received = new List<long>();
        for (var i = 0; i < ids.Count; i++)
        {
            received.Add((await stream.ReceiveJsonAsync()).GetProperty("id").GetInt64());
        }

        Assert.Equal(ids, received);
    }

    [Fact]
    public async Task DeleteClient_OpenStreams_ClosesOnlyThatTokensStreams()
    {
        // Deleting a client closes every stream opened with its token; the user's other streams stay open.
        var acc = await fx.NewAccountAsync();
        var doomed = await Api.NewClientAsync(acc.User.Basic);
        await using var d1 = await StreamClient.ConnectAsync(Base, doomed.Header);
        await using var d2 = await StreamClient.ConnectAsync(Base, Credential.Query(doomed.Token));
        await using var survivor = await StreamClient.ConnectAsync(Base, acc.Auth);
        Status(await Api.DeleteAsync($"/client/{doomed.Id}", acc.Auth), 200);
        Assert.True(await d1.WaitForCloseAsync(CloseWait), "stream 1 of the deleted client is still open");
        Assert.True(await d2.WaitForCloseAsync(CloseWait), "stream 2 of the deleted client is still open");
        var sent = await Api.SendMessageAsync(acc.App, "after delete");
        Assert.Equal(sent.GetProperty("id").GetInt64(), (await survivor.ReceiveJsonAsync()).GetProperty("id").GetInt64());
    }

    [Fact]
    public async Task DeleteUser_OpenStreams_AllClosed()
    {
        // Deleting a user closes all of that user's streams.
        var acc = await fx.NewAccountAsync();
        var other = await fx.NewAccountAsync();
        await using var byToken = await StreamClient.ConnectAsync(Base, acc.Auth);
        await using var byBasic = await StreamClient.ConnectAsync(Base, acc.User.Basic);
        await using var bystander = await StreamClient.ConnectAsync(Base, other.Auth);
        Status(await Api.DeleteAsync($"/user/{acc.User.Id}", fx.Admin), 200);
        Assert.True(await byToken.WaitForCloseAsync(CloseWait), "token stream of the deleted user is still open");
        Assert.True(await byBasic.WaitForCloseAsync(CloseWait), "basic-auth stream of the deleted user is still open");
        var sent = await Api.SendMessageAsync(other.App, "still here");
        Assert.Equal(sent.GetProperty("id").GetInt64(), (await bystander.ReceiveJsonAsync()).GetProperty("id").GetInt64());
    }

    [Fact]
    public async Task Logout_OpenSessionStream_StreamClosed()
    {
        // Logging out deletes the session client and so closes its streams.
        var user = await fx.NewUserAsync();
        var login = Status(await Api.PostAsync("/auth/local/login", user.Basic, Body.Form(("name", "tab"))), 200);
        var cookie = Credential.Cookie(login.SetCookies.First(c => c.StartsWith("gotify-client-token=", StringComparison.Ordinal)).Split(';')[0]["gotify-client-token=".Length..]);
        await using var stream = await StreamClient.ConnectAsync(Base, cookie);
        Status(await Api.PostAsync("/auth/logout", cookie), 200);
        Assert.True(await stream.WaitForCloseAsync(CloseWait), "the session's stream is still open after logout");
    }

    [Fact]
    public async Task Stream_DeletedMessage_NoEvent()
    {
        // Only new messages are pushed: deletes produce no frame.
        var acc = await fx.NewAccountAsync();
        var first = (await Api.SendMessageAsync(acc.App, "one")).GetProperty("id").GetInt64();
        await using var stream = await StreamClient.ConnectAsync(Base, acc.Auth);
        Status(await Api.DeleteAsync($"/message/{first}", acc.Auth), 200);
        var second = (await Api.SendMessageAsync(acc.App, "two")).GetProperty("id").GetInt64();
        Assert.Equal(second, (await stream.ReceiveJsonAsync()).GetProperty("id").GetInt64());
    }
}
