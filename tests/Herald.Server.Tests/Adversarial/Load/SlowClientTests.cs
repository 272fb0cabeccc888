using System.Diagnostics;
using System.Globalization;
using Herald.Server.Tests.Infrastructure;
using static Herald.Server.Tests.Infrastructure.ApiAssert;

namespace Herald.Server.Tests.Adversarial.Load;

/// <summary>
/// Clients that hold the server's resources by being slow: headers that never end, a websocket that never reads.
/// Everyone else must stay unaffected. Loopback only, bounded in connections and time; each test stops its clients.
/// </summary>
public sealed class SlowClientTests(EchoServerFixture fx) : IClassFixture<EchoServerFixture>
{
    // Generous against a loaded 2-core machine; measured answers on an idle one are 1-20 ms.
    private static readonly TimeSpan Prompt = TimeSpan.FromSeconds(5);

    private HeraldClient Api => fx.Api;

    [Fact]
    public async Task Slowloris_200ConnectionsTricklingHeaders_OtherRequestsAnsweredPromptly()
    {
        // 200 connections that never finish their headers hold no worker: other clients are answered as usual.
        var acc = await fx.NewAccountAsync();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var sockets = new List<StalledSocket>();
        try
        {
            for (var i = 0; i < 200; i++)
            {
                var socket = await StalledSocket.ConnectAsync(Api.BaseUrl, stop.Token);
                sockets.Add(socket);
                await socket.WriteAsync($"GET /message HTTP/1.1\r\nHost: {Api.HostAndPort}\r\n", stop.Token);
            }

            for (var round = 0; round < 4; round++)
            {
                // One more header line each, never the blank line that ends them.
                foreach (var socket in sockets)
                {
                    await socket.WriteAsync($"X-Slow-{round}: x\r\n", stop.Token);
                }

                for (var i = 0; i < 5; i++)
                {
                    var clock = Stopwatch.StartNew();
                    Status(await Api.GetAsync("/message?limit=1", acc.Auth), 200);
                    Assert.True(clock.Elapsed < Prompt, $"GET /message took {clock.Elapsed.TotalSeconds:0.0} s beside 200 slowloris connections");
                }

                await Task.Delay(500, stop.Token);
            }
        }
        finally
        {
            foreach (var socket in sockets)
            {
                await socket.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Stream_OneSubscriberNeverReads_PostsAndOtherStreamsUnaffectedAndStalledOneDropped()
    {
        // A websocket that never reads delays neither the senders nor the user's other streams; the server drops it.
        const int messages = 300;
        var acc = await fx.NewAccountAsync();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var stalled = await StalledSocket.OpenStreamAsync(Api.BaseUrl, acc.Client.Token, stop.Token);
        await using var healthy = await StreamClient.ConnectAsync(Api.BaseUrl, acc.Auth);

        // 300 x 32 KB is 10 MB: more than the stalled socket's buffers and its queue of 64 frames hold.
        var text = new string('m', 32 * 1024);
        var slowest = TimeSpan.Zero;
        for (var i = 0; i < messages; i++)
        {
            var clock = Stopwatch.StartNew();
            await Api.SendMessageAsync(acc.App, text, title: i.ToString(CultureInfo.InvariantCulture));
            slowest = clock.Elapsed > slowest ? clock.Elapsed : slowest;
        }

        Assert.True(slowest < Prompt, $"the slowest POST /message took {slowest.TotalSeconds:0.0} s while a subscriber did not read");
        for (var i = 0; i < messages; i++)
        {
            var frame = await healthy.ReceiveJsonAsync(TimeSpan.FromSeconds(20));
            Assert.Equal(i.ToString(CultureInfo.InvariantCulture), frame.GetProperty("title").GetString());
        }

        // The server gave up on the stalled one: the connection ends, short of the 10 MB sent to the healthy one.
        var received = await stalled.DrainAsync(TimeSpan.FromSeconds(20));
        Assert.True(received is not null, "the stalled stream was still open 20 s after the last message");
        Assert.True(received < (long)messages * text.Length, $"the stalled stream got all {received} bytes: it was never dropped");
    }
}
