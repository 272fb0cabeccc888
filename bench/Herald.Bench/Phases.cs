using System.Diagnostics;
using Microsoft.Data.Sqlite;

namespace Herald.Bench;

internal sealed record CeilingResult(
    double IdleRssMb,
    RssBreakdown IdleRss,
    int IdleThreads,
    StreamsResult? Streams,
    WrkResult? Warmup,
    WrkResult? Ingest,
    List<IngestAttempt> IngestAttempts,
    double? RssAfterIngestMb,
    double PeakRssMb,
    int? ExitCode);

internal sealed record IngestAttempt(int Attempt, double OkPerSecond, double OtherCpuPct, bool Reported);

internal sealed record StreamsResult(
    int Streams,
    double ConnectSeconds,
    double RssBeforeMb,
    double RssWithStreamsMb,
    RssBreakdown WithStreamsRss,
    double KbPerStream,
    int WarmupStreams,
    double RssBeforeWarmupMb,
    double KbPerStreamWithFirstUse,
    int ThreadsWithStreams,
    double RssAfterFanOutMb,
    double RssAfterCloseMb,
    CpuUsage FanOutCpu,
    FanOutResult FanOut,
    List<FanOutAttempt> FanOutAttempts)
{
    /// <summary>Every subscriber got every message in every round that was run.</summary>
    public bool AllRoundsComplete => FanOutAttempts.All(a => a.Complete);
}

internal sealed record FanOutAttempt(int Round, double? P99Ms, bool Complete, long Deliveries, long ExpectedDeliveries, double OtherCpuPct, bool Reported);

internal sealed record DurabilityResult(
    string Method,
    long Ingest200,
    long IngestStored,
    long Warmup200,
    long WarmupStored,
    long FanOutSent,
    long FanOutStored,
    bool Pass,
    string Detail,
    bool? RestartOk,
    long? IngestCountViaApiAfterRestart,
    int? RestartExitCode);

internal sealed record HeraldResult(
    string ServerUnderTest,
    double IdleRssMb,
    RssBreakdown IdleRss,
    int IdleThreads,
    double RssAfterSetupMb,
    StreamsResult? Streams,
    WrkResult? Warmup,
    WrkResult? Ingest,
    List<IngestAttempt> IngestAttempts,
    long? IngestLogBytes,
    double? RssAfterIngestMb,
    double? PeakRssMb,
    DurabilityResult? Durability,
    int? ExitCode,
    BodiesResult? Bodies,
    double? RssIdleAfterIngestMb,
    double? IdleAfterIngestRatio,
    RssBreakdown? IdleAfterIngestRss,
    WrkResult? DurabilityRun);

internal static class Phases
{
    private const string User = "admin";
    private const string Pass = "admin";

    private static double Mb(long kb) => Math.Round(kb / 1024.0, 1);

    private static async Task SettleAsync(BenchContext b, CancellationToken ct)
    {
        if (b.Options.Settle > 0)
        {
            await Task.Delay(TimeSpan.FromSeconds(b.Options.Settle), ct);
        }
    }

    private static ChildProcess StartCeiling(BenchContext b, string name, int port)
    {
        if (!File.Exists(b.CeilingDll))
        {
            throw new BenchException($"{b.CeilingDll} is missing: build bench/Ceiling -c Release (bench/run.sh does)");
        }
        var dir = Directory.CreateDirectory(Path.Combine(b.TempDir, name)).FullName;
        return ChildProcess.Start(name, "dotnet", [b.CeilingDll], dir,
            new Dictionary<string, string> { ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}" },
            Path.Combine(b.TempDir, name + ".log"));
    }

    private static ChildProcess StartHerald(BenchContext b, string dataDir, int port, string logName)
    {
        if (!File.Exists(b.HeraldDll))
        {
            throw new BenchException($"{b.HeraldDll} is missing: build src/Herald.Server -c Release (bench/run.sh does)");
        }
        var env = new Dictionary<string, string>
        {
            ["GOTIFY_SERVER_LISTENADDR"] = "127.0.0.1",
            ["GOTIFY_SERVER_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["GOTIFY_DATABASE_CONNECTION"] = Path.Combine(dataDir, "gotify.db"),
            ["GOTIFY_UPLOADEDIMAGESDIR"] = Path.Combine(dataDir, "images"),
            ["GOTIFY_PLUGINSDIR"] = Path.Combine(dataDir, "plugins"),
            ["GOTIFY_DEFAULTUSER_NAME"] = User,
            ["GOTIFY_DEFAULTUSER_PASS"] = Pass,
            ["GOTIFY_PASSSTRENGTH"] = "4",
        };
        return ChildProcess.Start("herald", "dotnet", [b.HeraldDll, "serve"], dataDir, env, Path.Combine(b.TempDir, logName));
    }

    /// <summary>
    /// The framework ceiling: idle RSS, the same streams and fan-out as Herald's (calibration of the stream client),
    /// then the same wrk ingest run.
    /// </summary>
    public static async Task<CeilingResult> CeilingAsync(BenchContext b, CancellationToken ct)
    {
        var o = b.Options;
        var port = ChildProcess.FreePort();
        BenchContext.Log($"ceiling: starting on 127.0.0.1:{port}");
        using var proc = StartCeiling(b, "ceiling", port);
        using var api = new GotifyApi(port, User, Pass);
        await api.WaitHealthyAsync(proc, TimeSpan.FromSeconds(60), ct);
        await SettleAsync(b, ct);
        proc.ThrowIfExited("while idle");
        var idle = ProcStats.RssKb(proc.Pid);
        var idleBreakdown = ProcStats.Breakdown(proc.Pid);
        var threads = ProcStats.Threads(proc.Pid);
        BenchContext.Log($"ceiling: idle RSS {Mb(idle)} MB, {threads} threads");
        StreamsResult? streams = null;
        if (o.RunFanOut && o.Streams > 0)
        {
            streams = await StreamsAsync(b, "ceiling", api, proc, port, "ceiling", "none", ct);
        }
        if (!o.RunIngest)
        {
            var exit0 = await proc.StopAsync(TimeSpan.FromSeconds(10));
            return new CeilingResult(Mb(idle), idleBreakdown, threads, streams, null, null, [], null, Mb(ProcStats.PeakRssKb(proc.Pid)), exit0);
        }
        var url = $"http://127.0.0.1:{port}/message";
        BenchContext.Log($"ceiling: wrk warm-up {o.Warmup} s");
        var warm = await Wrk.RunAsync(b, "ceiling-warmup", url, "none", Math.Max(1, o.Warmup), null, ct);
        var (run, _, attempts) = await MeasureIngestAsync(b, "ceiling", url, "none", proc, ct);
        var after = ProcStats.RssKb(proc.Pid);
        var peak = ProcStats.PeakRssKb(proc.Pid);
        var exit = await proc.StopAsync(TimeSpan.FromSeconds(10));
        return new CeilingResult(Mb(idle), idleBreakdown, threads, streams, warm, run, attempts, Mb(after), Mb(peak), exit);
    }

    /// <summary>Herald: idle RSS, 1,000 streams (RSS and fan-out latency), ingest with wrk, crash-durability check.</summary>
    public static async Task<HeraldResult> HeraldAsync(BenchContext b, CancellationToken ct)
    {
        var o = b.Options;
        var port = ChildProcess.FreePort();
        var dataDir = Directory.CreateDirectory(Path.Combine(b.TempDir, "herald-data")).FullName;
        var sut = o.SutIsCeiling ? "ceiling (debug --sut-ceiling)" : "herald";
        BenchContext.Log($"{sut}: starting on 127.0.0.1:{port}");
        var proc = o.SutIsCeiling ? StartCeiling(b, "sut-ceiling", port) : StartHerald(b, dataDir, port, "herald.log");
        try
        {
            using var api = new GotifyApi(port, User, Pass);
            await api.WaitHealthyAsync(proc, TimeSpan.FromSeconds(60), ct);

            // Idle = after start (GET /health answered) and the settle time, before any other request.
            await SettleAsync(b, ct);
            proc.ThrowIfExited("while idle");
            var idle = ProcStats.RssKb(proc.Pid);
            var idleBreakdown = ProcStats.Breakdown(proc.Pid);
            var idleThreads = ProcStats.Threads(proc.Pid);
            BenchContext.Log($"{sut}: idle RSS {Mb(idle)} MB, {idleThreads} threads");

            (long Id, string Token) fanApp = (0, "debug"), warmApp = (0, "debug"), ingestApp = (0, "debug"), client = (0, "debug");
            if (!o.SutIsCeiling)
            {
                fanApp = await api.CreateApplicationAsync("bench-fanout", ct);
                warmApp = await api.CreateApplicationAsync("bench-warmup", ct);
                ingestApp = await api.CreateApplicationAsync("bench-ingest", ct);
                client = await api.CreateClientAsync("bench-streams", ct);
                BenchContext.Log($"herald: created apps {fanApp.Id}/{warmApp.Id}/{ingestApp.Id} and client {client.Id}");
                await SettleAsync(b, ct);
            }
            var afterSetup = ProcStats.RssKb(proc.Pid);
            BenchContext.Log($"{sut}: RSS after the setup calls (basic auth, 3 applications, 1 client) and settle: {Mb(afterSetup)} MB");

            BodiesResult? bodies = null;
            if (!o.SutIsCeiling && o.Bodies > 0)
            {
                bodies = await IdleMemory.BodiesAsync(b, api, proc, idle, ct);
            }

            StreamsResult? streams = null;
            var fanOutSent = 0;
            if (o.RunFanOut && o.Streams > 0)
            {
                streams = await StreamsAsync(b, "herald", api, proc, port, client.Token, fanApp.Token, ct);
                fanOutSent = streams.FanOutAttempts.Count * (o.WarmupMessages + o.Messages);
            }

            WrkResult? warm = null, run = null;
            List<IngestAttempt> attempts = [];
            long? logBytes = null;
            double? rssAfter = null, peak = null, idleAfterIngest = null, idleAfterIngestRatio = null;
            RssBreakdown? idleAfterIngestRss = null;
            WrkResult? tail = null;
            DurabilityResult? durability = null;
            int? exit = null;
            if (o.RunIngest)
            {
                var url = $"http://127.0.0.1:{port}/message";
                BenchContext.Log($"{sut}: wrk warm-up {o.Warmup} s");
                warm = await Wrk.RunAsync(b, "herald-warmup", url, warmApp.Token, Math.Max(1, o.Warmup), null, ct);
                proc.ThrowIfExited("during the ingest warm-up");
                var logBefore = proc.LogBytes();
                long ingest200;
                (run, ingest200, attempts) = await MeasureIngestAsync(b, "herald", url, ingestApp.Token, proc, ct);
                logBytes = (proc.LogBytes() - logBefore) / attempts.Count;
                rssAfter = Mb(ProcStats.RssKb(proc.Pid));
                peak = Mb(ProcStats.PeakRssKb(proc.Pid));
                (idleAfterIngest, idleAfterIngestRatio, idleAfterIngestRss) = await IdleMemory.AfterIngestAsync(b, proc, idle, ct);
                if (!o.SutIsCeiling)
                {
                    // The idle wait let any write-behind queue drain, so the crash test gets a short run of its own:
                    // SIGKILL right after its last response, then count what is in the database.
                    BenchContext.Log($"herald: wrk {Math.Max(1, o.Warmup)} s before the SIGKILL");
                    tail = await Wrk.RunAsync(b, "herald-durability", url, ingestApp.Token, Math.Max(1, o.Warmup), null, ct);
                    proc.ThrowIfExited("during the run before the SIGKILL");
                    ingest200 += tail.Status(200);
                    BenchContext.Log("herald: SIGKILL (crash-durability check), counting stored messages");
                    await proc.KillAndWaitAsync();
                    durability = await DurabilityAsync(b, api, dataDir, (fanApp.Id, fanOutSent),
                        (warmApp.Id, warm.Status(200)), (ingestApp.Id, ingest200), ct);
                }
            }
            if (!proc.HasExited)
            {
                exit = await proc.StopAsync(TimeSpan.FromSeconds(10));
            }
            return new HeraldResult(sut, Mb(idle), idleBreakdown, idleThreads, Mb(afterSetup), streams, warm, run, attempts, logBytes, rssAfter, peak, durability, exit,
                bodies, idleAfterIngest, idleAfterIngestRatio, idleAfterIngestRss, tail);
        }
        finally
        {
            await proc.StopAsync(TimeSpan.FromSeconds(10));
            proc.Dispose();
        }
    }

    /// <summary>Above this CPU use by other processes (% of one core) during an ingest run, the run is repeated.</summary>
    private const double NoisyPct = 25;

    /// <summary>
    /// The measured wrk run. If other processes (concurrent builds) took more than <see cref="NoisyPct"/> of a core
    /// during it, it is repeated, up to --attempts runs; the quietest run is reported. Returns it, the 200s of all
    /// runs (all of them stored messages in the same application) and a line per attempt.
    /// </summary>
    private static async Task<(WrkResult Chosen, long All200, List<IngestAttempt> Attempts)> MeasureIngestAsync(
        BenchContext b, string who, string url, string token, ChildProcess server, CancellationToken ct)
    {
        var serverPid = server.Pid;
        var o = b.Options;
        var runs = new List<WrkResult>();
        long all200 = 0;
        for (var i = 1; ; i++)
        {
            await Quiet.WaitAsync(b, $"{who} ingest", ct);
            BenchContext.Log($"{who}: wrk {o.Duration} s, {o.Connections} connections, {o.Threads} threads" + (i > 1 ? $" (attempt {i})" : ""));
            var r = await Wrk.RunAsync(b, $"{who}-{i}", url, token, o.Duration,
                new Dictionary<string, int> { ["server"] = serverPid, ["driver"] = Environment.ProcessId }, ct);
            server.ThrowIfExited("during the ingest run");
            runs.Add(r);
            all200 += r.Status(200);
            var other = r.Cpu?.OtherPct ?? 0;
            BenchContext.Log($"{who}: {r.Status(200) / r.DurationSeconds:0} OK/s, {r.Requests - r.Status(200)} not 200, {r.ErrorCount} socket errors/non-2xx; other processes {other:0}% CPU");
            if (other <= NoisyPct || i >= Math.Max(1, o.Attempts))
            {
                break;
            }
            BenchContext.Log($"{who}: other processes used {other:0}% of a core during the run: repeating it");
        }
        var chosen = runs.MinBy(r => r.Cpu?.OtherPct ?? 0)!;
        var attempts = runs.Select((r, i) => new IngestAttempt(i + 1, Math.Round(r.Status(200) / r.DurationSeconds, 1), r.Cpu?.OtherPct ?? 0, ReferenceEquals(r, chosen))).ToList();
        return (chosen, all200, attempts);
    }

    private static async Task<StreamsResult> StreamsAsync(BenchContext b, string who, GotifyApi api, ChildProcess proc, int port,
        string clientToken, string appToken, CancellationToken ct)
    {
        var o = b.Options;
        var uri = new Uri($"ws://127.0.0.1:{port}/stream?token={Uri.EscapeDataString(clientToken)}");

        // The first streams pay once for what every later one reuses (compiled code, loaded types, pool growth).
        // A few streams opened and closed before the baseline keep that one-time cost out of the per-stream figure;
        // the figure that includes it is reported next to it.
        var beforeWarmup = ProcStats.RssKb(proc.Pid);
        if (o.WarmupStreams > 0)
        {
            await using (var warm = new FanOut(uri, o.WarmupStreams, 1, 1))
            {
                await warm.ConnectAsync(o.ConnectParallel, ct);
                await warm.CloseAsync(TimeSpan.FromSeconds(10));
            }
            BenchContext.Log($"fan-out: {o.WarmupStreams} warm-up streams opened and closed");
            await SettleAsync(b, ct);
        }
        var before = ProcStats.RssKb(proc.Pid);
        var rounds = Math.Max(1, o.Attempts);
        await using var fan = new FanOut(uri, o.Streams, o.WarmupMessages + o.Messages, rounds);
        BenchContext.Log($"fan-out: opening {o.Streams} streams");
        var connectSeconds = await fan.ConnectAsync(o.ConnectParallel, ct);
        await SettleAsync(b, ct);
        var open = fan.OpenCount;
        if (open != o.Streams)
        {
            throw new BenchException($"only {open} of {o.Streams} streams are still open after connecting and settling; server log tail:\n{proc.LogTail()}");
        }
        proc.ThrowIfExited("with the streams open");
        var withStreams = ProcStats.RssKb(proc.Pid);
        var withStreamsBreakdown = ProcStats.Breakdown(proc.Pid);
        var threads = ProcStats.Threads(proc.Pid);
        BenchContext.Log($"fan-out: {o.Streams} streams open in {connectSeconds:0.00} s; RSS {Mb(withStreams)} MB, {threads} threads");
        var results = new List<(FanOutResult Result, CpuUsage Cpu)>();
        for (var round = 0; round < rounds; round++)
        {
            await Quiet.WaitAsync(b, $"{who} fan-out", ct);
            BenchContext.Log($"fan-out: posting {o.WarmupMessages}+{o.Messages} messages" + (round > 0 ? $" (attempt {round + 1})" : ""));
            await using var cpu = new CpuWindow(new Dictionary<string, int> { ["server"] = proc.Pid, ["driver"] = Environment.ProcessId });
            var r = await fan.RunAsync(round, api.Http, appToken, o.WarmupMessages, o.Messages, o.GapMs, TimeSpan.FromSeconds(5), ct);
            var usage = await cpu.StopAsync();
            proc.ThrowIfExited("during the fan-out");
            results.Add((r, usage));
            BenchContext.Log($"fan-out: p50 {r.LatencyMs.P50} ms, p99 {r.LatencyMs.P99} ms, max {r.LatencyMs.Max} ms; {r.Deliveries}/{r.ExpectedDeliveries} delivered; other processes {usage.OtherPct:0}% CPU");
            if (usage.OtherPct <= NoisyPct || !r.Complete)
            {
                break;
            }
            if (round + 1 < rounds)
            {
                BenchContext.Log($"fan-out: other processes used {usage.OtherPct:0}% of a core during the run: repeating it");
            }
        }
        var chosen = results.MinBy(x => x.Cpu.OtherPct);
        var afterFan = ProcStats.RssKb(proc.Pid);
        await fan.CloseAsync(TimeSpan.FromSeconds(10));
        await Task.Delay(TimeSpan.FromSeconds(2), ct);
        var afterClose = ProcStats.RssKb(proc.Pid);
        return new StreamsResult(
            o.Streams,
            Math.Round(connectSeconds, 2),
            Mb(before),
            Mb(withStreams),
            withStreamsBreakdown,
            Math.Round((withStreams - before) / (double)o.Streams, 2),
            o.WarmupStreams,
            Mb(beforeWarmup),
            Math.Round((withStreams - beforeWarmup) / (double)o.Streams, 2),
            threads,
            Mb(afterFan),
            Mb(afterClose),
            chosen.Cpu,
            chosen.Result,
            results.Select(x => new FanOutAttempt(x.Result.Round, x.Result.LatencyMs.P99, x.Result.Complete, x.Result.Deliveries, x.Result.ExpectedDeliveries, x.Cpu.OtherPct, ReferenceEquals(x.Result, chosen.Result))).ToList());
    }

    /// <summary>
    /// After the SIGKILL: counts the messages per application in the SQLite file (Gotify schema: messages.application_id),
    /// then restarts Herald on the same database and counts the ingest app's messages through the API as a cross-check.
    /// </summary>
    private static async Task<DurabilityResult> DurabilityAsync(BenchContext b, GotifyApi oldApi, string dataDir,
        (long Id, long Sent) fan, (long Id, long Ok) warm, (long Id, long Ok) ingest, CancellationToken ct)
    {
        var dbPath = Path.Combine(dataDir, "gotify.db");
        var counts = new Dictionary<long, long>();
        string method;
        string detail;
        try
        {
            var cs = new SqliteConnectionStringBuilder { DataSource = dbPath, Mode = SqliteOpenMode.ReadWrite, Pooling = false }.ToString();
            await using var conn = new SqliteConnection(cs);
            await conn.OpenAsync(ct);
            await using var cmd = conn.CreateCommand();
            cmd.CommandText = "SELECT application_id, COUNT(*) FROM messages GROUP BY application_id";
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                counts[reader.GetInt64(0)] = reader.GetInt64(1);
            }
            method = "sqlite file after SIGKILL";
        }
        catch (SqliteException e)
        {
            method = "sqlite file unreadable: " + e.Message;
        }
        oldApi.Dispose();

        // Restart on the same database: the server must come back after a crash, and the API must agree.
        bool? restartOk = null;
        long? apiCount = null;
        int? restartExit = null;
        var port = ChildProcess.FreePort();
        using (var proc = StartHerald(b, dataDir, port, "herald-restart.log"))
        {
            try
            {
                using var api = new GotifyApi(port, User, Pass);
                await api.WaitHealthyAsync(proc, TimeSpan.FromSeconds(60), ct);
                restartOk = true;
                var (count, _, pages) = await api.CountApplicationMessagesAsync(ingest.Id, TimeSpan.FromSeconds(120), ct);
                apiCount = count;
                BenchContext.Log($"herald: restarted after SIGKILL; API counts {count} ingest messages ({pages} pages)");
            }
            catch (BenchException e)
            {
                restartOk ??= false;
                BenchContext.Log($"herald: restart/API count failed: {e.Message}");
            }
            catch (Exception e) when (e is HttpRequestException or OperationCanceledException or System.Text.Json.JsonException or KeyNotFoundException)
            {
                ct.ThrowIfCancellationRequested();
                BenchContext.Log($"herald: API count after restart failed: {e.Message}");
            }
            finally
            {
                restartExit = await proc.StopAsync(TimeSpan.FromSeconds(10));
            }
        }

        long Stored(long id) => counts.TryGetValue(id, out var n) ? n : 0;
        var ingestStored = counts.Count > 0 ? Stored(ingest.Id) : apiCount ?? -1;
        if (counts.Count == 0 && apiCount is not null)
        {
            method = method + "; counted through the API after restart instead";
        }
        var pass = ingestStored >= ingest.Ok && (counts.Count == 0 || Stored(warm.Id) >= warm.Ok);
        detail = counts.Count > 0
            ? $"ingest: {ingest.Ok} answered 200, {Stored(ingest.Id)} stored; warm-up: {warm.Ok} answered 200, {Stored(warm.Id)} stored; fan-out: {fan.Sent} posted, {Stored(fan.Id)} stored"
            : $"ingest: {ingest.Ok} answered 200, {ingestStored} counted";
        if (apiCount is not null && counts.Count > 0 && apiCount != Stored(ingest.Id))
        {
            detail += $"; API after restart counts {apiCount}, not {Stored(ingest.Id)}";
        }
        return new DurabilityResult(method, ingest.Ok, ingestStored, warm.Ok, counts.Count > 0 ? Stored(warm.Id) : -1,
            fan.Sent, counts.Count > 0 ? Stored(fan.Id) : -1, pass, detail, restartOk, apiCount, restartExit);
    }

    public static string Git(string repo, params string[] args)
    {
        try
        {
            var psi = new ProcessStartInfo("git") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            psi.ArgumentList.Add("-C");
            psi.ArgumentList.Add(repo);
            foreach (var a in args)
            {
                psi.ArgumentList.Add(a);
            }
            using var p = Process.Start(psi)!;
            var output = p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            return p.ExitCode == 0 ? output.Trim() : "";
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "";
        }
    }
}

/// <summary>
/// Other engineers build on the same two cores. Before each measurement window the driver samples the machine
/// (while the servers are idle) and waits, up to --quiet-wait seconds, until the busy CPU is below 25% of one core.
/// What it saw is kept in the results so a noisy figure can be recognized.
/// </summary>
internal static class Quiet
{
    public static readonly Dictionary<string, double> BusyBefore = [];

    public static async Task WaitAsync(BenchContext b, string what, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow.AddSeconds(b.Options.QuietWait);
        var logged = false;
        while (true)
        {
            var start = ProcStats.MachineTicks();
            await Task.Delay(1000, ct);
            var end = ProcStats.MachineTicks();
            var busyPct = Math.Round((end.Busy - start.Busy) / ProcStats.TicksPerSecond * 100.0, 1);
            if (busyPct < 25 || DateTime.UtcNow >= deadline)
            {
                lock (BusyBefore)
                {
                    var key = what;
                    for (var n = 2; BusyBefore.ContainsKey(key); n++)
                    {
                        key = $"{what} #{n}";
                    }
                    BusyBefore[key] = busyPct;
                }
                if (busyPct >= 25)
                {
                    BenchContext.Log($"{what}: machine still busy ({busyPct}% of one core used by others) after {b.Options.QuietWait} s; measuring anyway");
                }
                return;
            }
            if (!logged)
            {
                BenchContext.Log($"{what}: waiting for a quiet machine ({busyPct}% of one core busy with other work)");
                logged = true;
            }
        }
    }
}
