using System.Diagnostics;
using Herald.Server.Tests.Infrastructure;
using static Herald.Server.Tests.Infrastructure.ApiAssert;

namespace Herald.Server.Tests.Adversarial.Load;

/// <summary>
/// Webhook bodies trickled in for longer than the webhook timeout, by a stranger holding one user's webhook URL.
/// Its own class (and server), so its 30 s of waiting runs beside the rest of the suite.
/// </summary>
public sealed class SlowWebhookTests(EchoServerFixture fx) : IClassFixture<EchoServerFixture>
{
    // Generous against a loaded 2-core machine; measured answers on an idle one are 1-20 ms.
    private static readonly TimeSpan Prompt = TimeSpan.FromSeconds(5);

    private HeraldClient Api => fx.Api;

    [Fact]
    public async Task Webhook_SlowBodiesPastTheTimeout_OtherUsersPluginAnswersAndNoInstanceDisabled()
    {
        // 70 webhook bodies trickled at 400 B/s (above Kestrel's minimum rate, so only the webhook timeout ends them)
        // neither starve another user's plugin calls nor disable anybody's instance: a client is not the plugin's fault.
        var a = await fx.NewAccountAsync();
        var b = await fx.NewAccountAsync();
        var echoA = await fx.EnableEchoAsync(a.Auth);
        var echoB = await fx.EnableEchoAsync(b.Auth);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(40));
        var slow = Enumerable.Range(0, 70).Select(_ => Task.Run(() => TrickleAsync(echoA.Webhook("message"), stop.Token))).ToList();
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(2), stop.Token);
            var clock = Stopwatch.StartNew();
            var display = await Api.GetAsync($"/plugin/{echoB.Id}/display", b.Auth);
            Assert.True(display.StatusCode == 200 && clock.Elapsed < Prompt, $"B's display beside A's slow webhooks: {display} after {clock.Elapsed.TotalSeconds:0.0} s");
            clock.Restart();
            var webhook = await Api.GetAsync(echoB.Webhook("state"));
            Assert.True(webhook.StatusCode == 200 && clock.Elapsed < Prompt, $"B's webhook beside A's slow webhooks: {webhook} after {clock.Elapsed.TotalSeconds:0.0} s");
            Status(await Api.GetAsync("/health"), 200);

            // Let the slow bodies run into the webhook timeout (30 s); each ends when the server answers or drops it.
            await Task.WhenAll(slow);
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(slow.Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default)));
        }

        foreach (var (user, echo) in new[] { (a.Auth, echoA), (b.Auth, echoB) })
        {
            var state = await fx.PluginStateAsync(user, echo.Id);
            Assert.True(state.GetProperty("enabled").GetBoolean(), $"an instance was disabled by slow clients: {state}");
        }

        Status(await Api.GetAsync(echoA.Webhook("state")), 200);
    }

    /// <summary>POSTs a 20 000-byte body at 400 bytes a second until the server answers, drops the connection, or <paramref name="stop"/>.</summary>
    private async Task TrickleAsync(string path, CancellationToken stop)
    {
        try
        {
            await using var socket = await StalledSocket.ConnectAsync(Api.BaseUrl, stop);
            await socket.WriteAsync($"POST {path} HTTP/1.1\r\nHost: {Api.HostAndPort}\r\nContent-Type: text/plain\r\nContent-Length: 20000\r\nConnection: close\r\n\r\n", stop);
            var answered = socket.Stream.ReadAsync(new byte[1], stop).AsTask();
            var chunk = new string('x', 40);
            for (var sent = 0; sent < 20_000 && !answered.IsCompleted; sent += chunk.Length)
            {
                await socket.WriteAsync(chunk, stop);
                await Task.Delay(100, stop);
            }

            await answered;
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or OperationCanceledException)
        {
            // Dropped by the server, or stopped by the test.
        }
    }
}
