using System.Diagnostics;
using Herald.Server.Tests.Infrastructure;
using static Herald.Server.Tests.Infrastructure.ApiAssert;

namespace Herald.Server.Tests.Adversarial.Load;

/// <summary>A server with the echo plugin whose webhook timeout is 3 s instead of 30 s, so a test can outlast it quickly.</summary>
public sealed class ShortWebhookTimeoutServer : EchoServerFixture
{
    public static readonly TimeSpan WebhookTimeout = TimeSpan.FromSeconds(3);

    protected override Dictionary<string, string?> Environment => new() { ["HERALD_PLUGIN_WEBHOOK_TIMEOUT"] = WebhookTimeout.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture) };
}

/// <summary>Webhook bodies trickled in for longer than the webhook timeout, by a stranger holding one user's webhook URL.</summary>
public sealed class SlowWebhookTests(ShortWebhookTimeoutServer fx) : IClassFixture<ShortWebhookTimeoutServer>
{
    // Generous against a loaded 2-core machine; measured answers on an idle one are 1-20 ms.
    private static readonly TimeSpan Prompt = TimeSpan.FromSeconds(5);

    private HeraldClient Api => fx.Api;

    [Fact]
    public async Task Webhook_SlowBodiesPastTheTimeout_OtherUsersPluginAnswersAndNoInstanceDisabled()
    {
        // 70 webhook bodies trickled at 400 B/s (above Kestrel's minimum rate, so Kestrel lets them run) for more than
        // twice the webhook timeout neither starve another user's plugin calls nor disable anybody's instance: a client
        // is not the plugin's fault. (Before the fix: B's display waited 28 s for a slot and failed, then A and B were disabled.)
        var a = await fx.NewAccountAsync();
        var b = await fx.NewAccountAsync();
        var echoA = await fx.EnableEchoAsync(a.Auth);
        var echoB = await fx.EnableEchoAsync(b.Auth);
        using var stop = new CancellationTokenSource(ShortWebhookTimeoutServer.WebhookTimeout * 3);
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

            // Let the slow bodies run past the webhook timeout, then stop them (each 20 000-byte body would take 50 s).
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

    /// <summary>POSTs a 20 000-byte body at 400 bytes a second until the server answers, drops the connection, or <paramref name="stop"/> ends it.</summary>
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
