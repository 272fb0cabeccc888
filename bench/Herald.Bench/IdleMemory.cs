using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace Herald.Bench;

/// <summary>What the large-bodies step measured: RSS right after the bodies and after an idle wait.</summary>
internal sealed record BodiesResult(
    int Bodies,
    long BodyBytes,
    int ListedMessages,
    long ListedBytes,
    double Seconds,
    double RssAfterBodiesMb,
    double RssIdleAfterBodiesMb,
    RssBreakdown IdleAfterBodiesRss,
    double RatioToIdle);

/// <summary>
/// Memory given back once the server is idle again: after a few message bodies near <c>maxbodybytes</c> (and the page
/// listing them, as the web UI loads it), and after the ingest run. Each figure is VmRSS after <c>--settle</c> seconds
/// of idleness, divided by the idle RSS at start.
/// </summary>
internal static class IdleMemory
{
    /// <summary>
    /// Posts <c>--bodies</c> messages whose extras carry a text with a newline every 100 characters (so the JSON has
    /// escapes, as real log output does) in bodies of <c>--body-bytes</c>, lists them once, waits idle and reads the RSS.
    /// The bulk rides in extras because message and title hold at most 64 KiB on every engine (TextLimit).
    /// </summary>
    public static async Task<BodiesResult> BodiesAsync(BenchContext b, GotifyApi api, ChildProcess proc, long idleKb, CancellationToken ct)
    {
        var o = b.Options;
        var app = await api.CreateApplicationAsync("bench-bodies", ct);
        var body = Body(o.BodyBytes);
        var started = DateTime.UtcNow;
        for (var i = 0; i < o.Bodies; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("message", UriKind.Relative))
            {
                Content = new ByteArrayContent(body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
            };
            request.Headers.Add("X-Gotify-Key", app.Token);
            using var response = await api.Http.SendAsync(request, ct);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                throw new BenchException($"POST /message with a {body.Length}-byte body answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(ct)}");
            }
        }

        var (listed, listedBytes) = await api.ListApplicationMessagesAsync(app.Id, o.Bodies, ct);
        var seconds = (DateTime.UtcNow - started).TotalSeconds;
        proc.ThrowIfExited("after the large bodies");
        var after = ProcStats.RssKb(proc.Pid);
        BenchContext.Log($"herald: {o.Bodies} bodies of {body.Length} bytes posted and listed ({listedBytes} bytes) in {seconds:0.0} s; RSS {after / 1024.0:0.0} MB, now idle {o.Settle} s");
        await Task.Delay(TimeSpan.FromSeconds(o.Settle), ct);
        var idleAfter = ProcStats.RssKb(proc.Pid);
        var ratio = Math.Round(idleAfter / (double)idleKb, 3);
        BenchContext.Log($"herald: RSS idle after the bodies {idleAfter / 1024.0:0.0} MB = {ratio:0.00} x idle");
        return new BodiesResult(o.Bodies, body.Length, listed, listedBytes, Math.Round(seconds, 2), Math.Round(after / 1024.0, 1),
            Math.Round(idleAfter / 1024.0, 1), ProcStats.Breakdown(proc.Pid), ratio);
    }

    /// <summary>A JSON message body of exactly <paramref name="bytes"/> bytes (at least 64).</summary>
    private static byte[] Body(long bytes)
    {
        var head = "{\"title\":\"bench-bodies\",\"message\":\"a large body\",\"extras\":{\"bench::log\":{\"text\":\""u8;
        var tail = "\"}}}"u8;
        var body = new byte[Math.Max(64, bytes)];
        head.CopyTo(body);
        var end = body.Length - tail.Length;
        var i = head.Length;
        while (i < end)
        {
            // Lines of 99 letters, each ended by the escape \n.
            for (var n = 0; n < 99 && i < end; n++, i++)
            {
                body[i] = (byte)('a' + (n % 26));
            }
            if (end - i >= 2)
            {
                body[i++] = (byte)'\\';
                body[i++] = (byte)'n';
            }
            else if (i < end)
            {
                body[i++] = (byte)'.';
            }
        }
        tail.CopyTo(body.AsSpan(end));
        return body;
    }

    /// <summary>Waits <c>--settle</c> seconds after the ingest run and reads the RSS.</summary>
    public static async Task<(double Mb, double Ratio, RssBreakdown Rss)> AfterIngestAsync(BenchContext b, ChildProcess proc, long idleKb, CancellationToken ct)
    {
        await Task.Delay(TimeSpan.FromSeconds(b.Options.Settle), ct);
        proc.ThrowIfExited("idle after the ingest run");
        var kb = ProcStats.RssKb(proc.Pid);
        var ratio = Math.Round(kb / (double)idleKb, 3);
        BenchContext.Log($"herald: RSS idle after the ingest run {kb / 1024.0:0.0} MB = {ratio:0.00} x idle");
        return (Math.Round(kb / 1024.0, 1), ratio, ProcStats.Breakdown(proc.Pid));
    }
}
