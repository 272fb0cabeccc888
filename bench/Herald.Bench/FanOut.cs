using System.Buffers.Text;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;

namespace Herald.Bench;

/// <summary>
/// Holds N websocket streams (<c>/stream?token=</c>) of one user, posts messages one at a time and records,
/// for every (message, subscriber) pair, the time from just before the POST to the receipt of the frame.
/// One receive loop per socket, one buffer per socket, no allocation per frame: the driver shares the
/// machine's two cores with the server, so it must stay cheap.
/// </summary>
internal sealed class FanOut : IAsyncDisposable
{
    private static ReadOnlySpan<byte> Marker => "fanout#"u8;

    private readonly Uri _streamUri;
    private readonly int _n;
    private readonly int _perRound;
    private readonly int _capacity;
    private readonly ClientWebSocket?[] _sockets;
    private readonly Task[] _loops;
    private readonly long[] _recv;          // [seq * n + subscriber] = Stopwatch timestamp of receipt, 0 = none
    private readonly int[] _counts;         // per seq: subscribers that have it
    private readonly TaskCompletionSource[] _complete;
    private readonly long[] _postStart;
    private long _duplicates;
    private long _unknownFrames;
    private long _receiveErrors;
    private long _serverCloses;
    private string? _sampleFrame;
    private string? _unknownSample;
    private string? _firstError;

    /// <param name="messagesPerRound">warm-up + measured messages of one round</param>
    /// <param name="rounds">how many rounds may be run over the same streams (a round disturbed by other load is repeated)</param>
    public FanOut(Uri streamUri, int subscribers, int messagesPerRound, int rounds)
    {
        _streamUri = streamUri;
        _n = subscribers;
        _perRound = messagesPerRound;
        var totalMessages = messagesPerRound * rounds;
        _capacity = totalMessages;
        _sockets = new ClientWebSocket?[subscribers];
        _loops = new Task[subscribers];
        Array.Fill(_loops, Task.CompletedTask);
        _recv = new long[(long)subscribers * totalMessages];
        _counts = new int[totalMessages];
        _postStart = new long[totalMessages];
        _complete = new TaskCompletionSource[totalMessages];
        for (var i = 0; i < totalMessages; i++)
        {
            _complete[i] = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    /// <summary>Opens all streams, <paramref name="parallel"/> handshakes at a time. Returns the seconds it took.</summary>
    public async Task<double> ConnectAsync(int parallel, CancellationToken ct)
    {
        var start = Stopwatch.GetTimestamp();
        using var gate = new SemaphoreSlim(parallel);
        var failures = 0;
        string? firstFailure = null;
        var tasks = new Task[_n];
        for (var i = 0; i < _n; i++)
        {
            var index = i;
            tasks[i] = Task.Run(async () =>
            {
                await gate.WaitAsync(ct);
                try
                {
                    var ws = new ClientWebSocket();
                    ws.Options.KeepAliveInterval = TimeSpan.Zero;
                    try
                    {
                        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
                        timeout.CancelAfter(TimeSpan.FromSeconds(20));
                        await ws.ConnectAsync(_streamUri, timeout.Token);
                    }
                    catch (Exception e) when (e is WebSocketException or OperationCanceledException or HttpRequestException)
                    {
                        ws.Dispose();
                        ct.ThrowIfCancellationRequested();
                        Interlocked.Increment(ref failures);
                        Interlocked.CompareExchange(ref firstFailure, $"{e.GetType().Name}: {e.Message} {e.InnerException?.Message}", null);
                        return;
                    }
                    _sockets[index] = ws;
                    _loops[index] = ReceiveLoopAsync(index, ws);
                }
                finally
                {
                    gate.Release();
                }
            }, ct);
        }
        await Task.WhenAll(tasks);
        if (failures > 0)
        {
            throw new BenchException($"{failures} of {_n} websocket connections to {Redact(_streamUri)} failed; first: {firstFailure}");
        }
        return Stopwatch.GetElapsedTime(start).TotalSeconds;
    }

    private static string Redact(Uri u) => u.GetLeftPart(UriPartial.Path) + "?token=…";

    public int OpenCount => _sockets.Count(s => s is { State: WebSocketState.Open });

    private async Task ReceiveLoopAsync(int index, ClientWebSocket ws)
    {
        var buffer = new byte[2048];
        try
        {
            while (true)
            {
                var filled = 0;
                ValueWebSocketReceiveResult r;
                while (true)
                {
                    if (filled == buffer.Length)
                    {
                        Array.Resize(ref buffer, buffer.Length * 2);
                    }
                    r = await ws.ReceiveAsync(buffer.AsMemory(filled), CancellationToken.None);
                    filled += r.Count;
                    if (r.EndOfMessage || r.MessageType == WebSocketMessageType.Close)
                    {
                        break;
                    }
                }
                var now = Stopwatch.GetTimestamp();
                if (r.MessageType == WebSocketMessageType.Close)
                {
                    Interlocked.Increment(ref _serverCloses);
                    return;
                }
                OnFrame(index, buffer.AsSpan(0, filled), now);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            if (ws.State != WebSocketState.Aborted && ws.State != WebSocketState.Closed)
            {
                Interlocked.Increment(ref _receiveErrors);
                Interlocked.CompareExchange(ref _firstError, $"{e.GetType().Name}: {e.Message}", null);
            }
        }
    }

    private void OnFrame(int index, ReadOnlySpan<byte> frame, long now)
    {
        if (_sampleFrame is null && index == 0)
        {
            _sampleFrame = Encoding.UTF8.GetString(frame);
        }
        var pos = frame.IndexOf(Marker);
        if (pos < 0 || !Utf8Parser.TryParse(frame[(pos + Marker.Length)..], out int seq, out _) || seq < 0 || seq >= _capacity)
        {
            Interlocked.Increment(ref _unknownFrames);
            if (_unknownSample is null)
            {
                Interlocked.CompareExchange(ref _unknownSample, Encoding.UTF8.GetString(frame[..Math.Min(frame.Length, 300)]), null);
            }
            return;
        }
        ref var slot = ref _recv[(long)seq * _n + index];
        if (slot != 0)
        {
            Interlocked.Increment(ref _duplicates);
            return;
        }
        slot = now;
        if (Interlocked.Increment(ref _counts[seq]) == _n)
        {
            _complete[seq].TrySetResult();
        }
    }

    /// <summary>
    /// Posts <paramref name="warmup"/> + <paramref name="measured"/> messages one at a time with the app token,
    /// waiting after each until every subscriber has it (or <paramref name="perMessageTimeout"/>), then
    /// <paramref name="gapMs"/> ms. Latency figures are over the measured messages only.
    /// </summary>
    public async Task<FanOutResult> RunAsync(int round, HttpClient http, string appToken, int warmup, int measured, int gapMs,
        TimeSpan perMessageTimeout, CancellationToken ct)
    {
        if (warmup + measured != _perRound || (round + 1) * _perRound > _capacity)
        {
            throw new ArgumentException("message count mismatch");
        }
        var first = round * _perRound;
        var end = first + _perRound;
        var dup0 = Interlocked.Read(ref _duplicates);
        var unknown0 = Interlocked.Read(ref _unknownFrames);
        var errors0 = Interlocked.Read(ref _receiveErrors);
        var closes0 = Interlocked.Read(ref _serverCloses);
        var postRtt = new List<double>(_perRound);
        var postFailures = 0;
        string? postFailure = null;
        var timeouts = 0;
        var consecutiveTimeouts = 0;
        var sent = 0;
        var start = Stopwatch.GetTimestamp();
        for (var seq = first; seq < end; seq++)
        {
            var body = Encoding.UTF8.GetBytes($"{{\"title\":\"fanout\",\"message\":\"fanout#{seq}#\",\"priority\":5}}");
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
            using var req = new HttpRequestMessage(HttpMethod.Post, new Uri("message", UriKind.Relative)) { Content = content };
            req.Headers.TryAddWithoutValidation("X-Gotify-Key", appToken);
            var t0 = Stopwatch.GetTimestamp();
            _postStart[seq] = t0;
            using (var resp = await http.SendAsync(req, ct))
            {
                postRtt.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
                if (resp.StatusCode != System.Net.HttpStatusCode.OK)
                {
                    postFailures++;
                    postFailure ??= $"HTTP {(int)resp.StatusCode}: {await resp.Content.ReadAsStringAsync(ct)}";
                }
            }
            sent++;
            var done = _complete[seq].Task;
            if (await Task.WhenAny(done, Task.Delay(perMessageTimeout, ct)) != done)
            {
                timeouts++;
                if (++consecutiveTimeouts >= 3)
                {
                    break; // the server is not delivering: stop instead of waiting for every message
                }
            }
            else
            {
                consecutiveTimeouts = 0;
            }
            if (gapMs > 0)
            {
                await Task.Delay(gapMs, ct);
            }
        }
        var seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        // Late frames of the last message, if any, are still counted: give them a moment.
        await Task.Delay(200, ct);
        return Summarize(round, first, warmup, sent, postRtt, postFailures, postFailure, timeouts, seconds,
            Interlocked.Read(ref _duplicates) - dup0, Interlocked.Read(ref _unknownFrames) - unknown0,
            Interlocked.Read(ref _receiveErrors) - errors0, Interlocked.Read(ref _serverCloses) - closes0);
    }

    private FanOutResult Summarize(int round, int first, int warmup, int sent, List<double> postRtt, int postFailures, string? postFailure,
        int timeouts, double seconds, long duplicates, long unknownFrames, long receiveErrors, long serverCloses)
    {
        var toMs = 1000.0 / Stopwatch.Frequency;
        var latencies = new List<double>(Math.Max(0, sent - warmup) * _n);
        var perMessageLast = new List<double>();
        var perMessageFirst = new List<double>();
        var slowest = new List<SlowMessage>();
        long delivered = 0, deliveredMeasured = 0;
        for (var k = 0; k < sent; k++)
        {
            var seq = first + k;
            var t0 = _postStart[seq];
            double earliest = double.MaxValue, last = 0;
            var got = 0;
            for (var i = 0; i < _n; i++)
            {
                var t = _recv[(long)seq * _n + i];
                if (t == 0)
                {
                    continue;
                }
                got++;
                var ms = (t - t0) * toMs;
                if (k >= warmup)
                {
                    latencies.Add(ms);
                }
                earliest = Math.Min(earliest, ms);
                last = Math.Max(last, ms);
            }
            delivered += got;
            if (k >= warmup)
            {
                deliveredMeasured += got;
                if (got > 0)
                {
                    perMessageFirst.Add(earliest);
                    perMessageLast.Add(last);
                    slowest.Add(new SlowMessage(k - warmup + 1, Math.Round(earliest, 2), Math.Round(last, 2),
                        k < postRtt.Count ? Math.Round(postRtt[k], 2) : null, got));
                }
            }
        }
        var measured = Math.Max(0, sent - warmup);
        latencies.Sort();
        perMessageLast.Sort();
        perMessageFirst.Sort();
        postRtt.Sort();
        return new FanOutResult(
            Round: round + 1,
            Subscribers: _n,
            MessagesSent: sent,
            WarmupMessages: warmup,
            MeasuredMessages: measured,
            ExpectedDeliveries: (long)sent * _n,
            Deliveries: delivered,
            MeasuredPairs: (long)measured * _n,
            MeasuredDeliveries: deliveredMeasured,
            Duplicates: duplicates,
            UnknownFrames: unknownFrames,
            ReceiveErrors: receiveErrors,
            ServerCloses: serverCloses,
            StreamsOpenAtEnd: OpenCount,
            PostFailures: postFailures,
            FirstPostFailure: postFailure,
            MessageTimeouts: timeouts,
            Seconds: Math.Round(seconds, 2),
            LatencyMs: Stats.Summary(latencies),
            FullFanOutMs: Stats.Summary(perMessageLast),
            FirstDeliveryMs: Stats.Summary(perMessageFirst),
            PostRoundTripMs: Stats.Summary(postRtt),
            SlowestMessages: slowest.OrderByDescending(m => m.LastMs).Take(5).ToList(),
            SampleFrame: _sampleFrame,
            UnknownFrameSample: _unknownSample,
            FirstReceiveError: _firstError);
    }

    /// <summary>Closes every stream (close handshake, then abort whatever has not finished after <paramref name="timeout"/>).</summary>
    public async Task CloseAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var closes = _sockets.Where(s => s is { State: WebSocketState.Open }).Select(async s =>
        {
            try
            {
                await s!.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bench done", cts.Token);
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
            {
            }
        });
        await Task.WhenAll(closes);
        try
        {
            await Task.WhenAll(_loops).WaitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
        }
        foreach (var s in _sockets)
        {
            s?.Abort();
        }
        try
        {
            await Task.WhenAll(_loops).WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (TimeoutException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var s in _sockets)
        {
            s?.Abort();
        }
        try
        {
            await Task.WhenAll(_loops).WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (TimeoutException)
        {
        }
        foreach (var s in _sockets)
        {
            s?.Dispose();
        }
    }
}

internal sealed record FanOutResult(
    int Round,
    int Subscribers,
    int MessagesSent,
    int WarmupMessages,
    int MeasuredMessages,
    long ExpectedDeliveries,
    long Deliveries,
    long MeasuredPairs,
    long MeasuredDeliveries,
    long Duplicates,
    long UnknownFrames,
    long ReceiveErrors,
    long ServerCloses,
    int StreamsOpenAtEnd,
    int PostFailures,
    string? FirstPostFailure,
    int MessageTimeouts,
    double Seconds,
    LatencySummary LatencyMs,
    LatencySummary FullFanOutMs,
    LatencySummary FirstDeliveryMs,
    LatencySummary PostRoundTripMs,
    List<SlowMessage> SlowestMessages,
    string? SampleFrame,
    string? UnknownFrameSample,
    string? FirstReceiveError)
{
    /// <summary>
    /// The sample frame is Gotify's Message JSON: id, appid, message, title, priority, date (extras only when set);
    /// null when no frame arrived, otherwise "ok" or what is wrong.
    /// </summary>
    public string? SampleFrameCheck => SampleFrame is null ? null : CheckFrame(SampleFrame);

    private static string CheckFrame(string frame)
    {
        try
        {
            using var doc = System.Text.Json.JsonDocument.Parse(frame);
            var root = doc.RootElement;
            var problems = new List<string>();
            foreach (var (name, kind) in new[]
            {
                ("id", System.Text.Json.JsonValueKind.Number), ("appid", System.Text.Json.JsonValueKind.Number),
                ("message", System.Text.Json.JsonValueKind.String), ("title", System.Text.Json.JsonValueKind.String),
                ("priority", System.Text.Json.JsonValueKind.Number), ("date", System.Text.Json.JsonValueKind.String),
            })
            {
                if (!root.TryGetProperty(name, out var v))
                {
                    problems.Add($"no {name}");
                }
                else if (v.ValueKind != kind)
                {
                    problems.Add($"{name} is {v.ValueKind}");
                }
            }
            return problems.Count == 0 ? "ok" : string.Join(", ", problems);
        }
        catch (System.Text.Json.JsonException e)
        {
            return "not JSON: " + e.Message;
        }
    }

    /// <summary>Every subscriber got every message exactly once, and nothing else arrived.</summary>
    public bool Complete => Deliveries == ExpectedDeliveries && Duplicates == 0 && UnknownFrames == 0 && PostFailures == 0;
}

/// <summary>A measured message (1-based number in the round) with its first and last delivery and its POST round trip.</summary>
internal sealed record SlowMessage(int Number, double FirstMs, double LastMs, double? PostRoundTripMs, int Subscribers);

internal sealed record LatencySummary(long Count, double? Mean, double? P50, double? P95, double? P99, double? P999, double? Max);

internal static class Stats
{
    /// <summary>Nearest-rank percentiles of an already sorted list.</summary>
    public static LatencySummary Summary(List<double> sorted)
    {
        if (sorted.Count == 0)
        {
            return new LatencySummary(0, null, null, null, null, null, null);
        }
        return new LatencySummary(
            sorted.Count,
            R(sorted.Average()),
            R(Percentile(sorted, 50)),
            R(Percentile(sorted, 95)),
            R(Percentile(sorted, 99)),
            R(Percentile(sorted, 99.9)),
            R(sorted[^1]));
    }

    public static double Percentile(List<double> sorted, double p)
    {
        var rank = (int)Math.Ceiling(p / 100.0 * sorted.Count);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Count - 1)];
    }

    private static double R(double v) => Math.Round(v, 3);
}
