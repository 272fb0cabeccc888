using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Herald.Bench;

internal sealed class MachineInfo
{
    public int Nproc { get; init; }
    public string CpuModel { get; init; } = "";
    public long MemTotalMb { get; init; }
    public string Kernel { get; init; } = "";
    public string Os { get; init; } = "";
    public string Dotnet { get; init; } = "";
    public string WrkVersion { get; init; } = "";
    public string LoadAverageStart { get; init; } = "";
    public string LoadAverageEnd { get; set; } = "";
}

internal sealed class GitInfo
{
    public string Commit { get; init; } = "";
    public string Branch { get; init; } = "";
    public bool Dirty { get; init; }
    public string Subject { get; init; } = "";
}

internal sealed record Target(string Name, string Description, double? Value, string Unit, string Goal, bool Pass);

/// <summary>Everything one run measured; serialized as bench/results/*.json.</summary>
internal sealed class RunInfo
{
    public int SchemaVersion { get; init; } = 1;
    public string StartedUtc { get; init; } = "";
    public double DurationSeconds { get; set; }
    public MachineInfo Machine { get; init; } = new();
    public GitInfo Git { get; init; } = new();
    public Options? Config { get; init; }
    public List<Target> Targets { get; set; } = [];
    public bool AllTargetsPass { get; set; }
    public CeilingResult? Ceiling { get; set; }
    public HeraldResult? Herald { get; set; }

    /// <summary>Busy CPU (% of one core) of the machine measured just before each window, while our servers idled.</summary>
    public Dictionary<string, double> OtherLoadBeforePct { get; set; } = [];
}

internal static class Report
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = null,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static MachineInfo Machine() => new()
    {
        Nproc = Environment.ProcessorCount,
        CpuModel = ProcStats.CpuModel(),
        MemTotalMb = ProcStats.MemTotalMb(),
        Kernel = ReadTrim("/proc/sys/kernel/osrelease"),
        Os = OsName(),
        Dotnet = RuntimeInformation.FrameworkDescription,
        WrkVersion = WrkVersion(),
        LoadAverageStart = ProcStats.LoadAverage(),
    };

    private static string ReadTrim(string path)
    {
        try
        {
            return File.ReadAllText(path).Trim();
        }
        catch (IOException)
        {
            return "";
        }
    }

    private static string OsName()
    {
        try
        {
            foreach (var line in File.ReadLines("/etc/os-release"))
            {
                if (line.StartsWith("PRETTY_NAME=", StringComparison.Ordinal))
                {
                    return line["PRETTY_NAME=".Length..].Trim('"');
                }
            }
        }
        catch (IOException)
        {
        }
        return RuntimeInformation.OSDescription;
    }

    private static string WrkVersion()
    {
        try
        {
            var psi = new System.Diagnostics.ProcessStartInfo("wrk", ["--version"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            using var p = System.Diagnostics.Process.Start(psi)!;
            var text = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
            p.WaitForExit();
            return text.Split('\n')[0].Split(" Copyright")[0].Trim();
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "not found";
        }
    }

    public static GitInfo GitInfo(string repo) => new()
    {
        Commit = Phases.Git(repo, "rev-parse", "HEAD"),
        Branch = Phases.Git(repo, "rev-parse", "--abbrev-ref", "HEAD"),
        Dirty = Phases.Git(repo, "status", "--porcelain", "--untracked-files=no").Length > 0,
        Subject = Phases.Git(repo, "log", "-1", "--format=%s"),
    };

    private static double OkPerSecond(WrkResult r) => Math.Round(r.Status(200) / r.DurationSeconds, 1);

    public static List<Target> Targets(RunInfo run)
    {
        var t = new List<Target>();
        var h = run.Herald;
        var c = run.Ceiling;
        if (h?.Ingest is { } hi && c?.Ingest is { } ci)
        {
            var ratio = Math.Round(OkPerSecond(hi) / Math.Max(1, OkPerSecond(ci)), 3);
            t.Add(new Target("ingest_ratio", "Herald 200 responses/s divided by the ceiling app's", ratio, "ratio", ">= 0.5", ratio >= 0.5));
        }
        if (h?.Durability is { } d)
        {
            t.Add(new Target("ingest_durability", "every POST /message answered 200 is in the database after SIGKILL", d.IngestStored - d.Ingest200, "stored minus 200s", ">= 0", d.Pass));
        }
        if (h?.Streams is { } s)
        {
            t.Add(new Target("fanout_p99", "delivery latency p99 over all (message, subscriber) pairs", s.FanOut.LatencyMs.P99, "ms", "< 25", s.FanOut.LatencyMs.P99 is < 25));
            var expected = s.FanOutAttempts.Sum(a => a.ExpectedDeliveries);
            t.Add(new Target("fanout_complete", "every subscriber got every message exactly once (all rounds run)", s.FanOutAttempts.Sum(a => a.Deliveries), "deliveries of " + expected.ToString(CultureInfo.InvariantCulture), "all", s.AllRoundsComplete && s.FanOut.Complete));
            t.Add(new Target("rss_per_stream", "(RSS with streams - RSS before, after the warm-up streams) / streams", s.KbPerStream, "KB", "< 30", s.KbPerStream < 30));
        }
        if (h?.Bodies is { } hb)
        {
            t.Add(new Target("idle_after_bodies", $"RSS after {hb.Bodies} message bodies of {hb.BodyBytes} bytes, listed once, then idle, / RSS idle", hb.RatioToIdle, "ratio", "<= 1.2", hb.RatioToIdle <= 1.2));
        }
        if (h?.IdleAfterIngestRatio is { } ir)
        {
            t.Add(new Target("idle_after_ingest", "RSS after the ingest run, then idle, / RSS idle", ir, "ratio", "<= 1.2", ir <= 1.2));
        }
        if (h is not null)
        {
            t.Add(new Target("rss_idle", "Herald RSS after start (GET /health) and settle, before any other request", h.IdleRssMb, "MB", "< 80", h.IdleRssMb < 80));
        }
        return t;
    }

    private static string F(double? v, string format = "0.0") => v is { } d ? d.ToString(format, CultureInfo.InvariantCulture) : "-";

    private static string PassText(List<Target> targets, string name)
    {
        var t = targets.FirstOrDefault(x => x.Name == name);
        return t is null ? "" : (t.Pass ? "PASS" : "FAIL");
    }

    public static string Table(RunInfo run)
    {
        var sb = new StringBuilder();
        var h = run.Herald;
        var c = run.Ceiling;
        var t = run.Targets;
        sb.AppendLine();
        sb.AppendLine(CultureInfo.InvariantCulture, $"Herald benchmark  {run.StartedUtc}  commit {Short(run.Git.Commit)}{(run.Git.Dirty ? "+dirty" : "")} ({run.Git.Branch})");
        sb.AppendLine(CultureInfo.InvariantCulture, $"machine: {run.Machine.Nproc} x {run.Machine.CpuModel}, {run.Machine.MemTotalMb} MB, {run.Machine.Dotnet}, {run.Machine.WrkVersion}; load avg {run.Machine.LoadAverageStart} -> {run.Machine.LoadAverageEnd}");
        if (h is not null && h.ServerUnderTest != "herald")
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"server under test: {h.ServerUnderTest}");
        }
        sb.AppendLine();
        const string row = "{0,-34} {1,14} {2,14} {3,22} {4,5}";
        sb.AppendLine(string.Format(CultureInfo.InvariantCulture, row, "figure", "Herald", "ceiling", "ratio / target", ""));
        sb.AppendLine(new string('-', 93));
        void Row(string name, string herald, string ceiling, string goal, string pass) =>
            sb.AppendLine(string.Format(CultureInfo.InvariantCulture, row, name, herald, ceiling, goal, pass));

        var o = run.Config!;
        if (h?.Ingest is not null || c?.Ingest is not null)
        {
            var hOk = h?.Ingest is { } hi ? OkPerSecond(hi) : (double?)null;
            var cOk = c?.Ingest is { } ci ? OkPerSecond(ci) : (double?)null;
            var ratio = t.FirstOrDefault(x => x.Name == "ingest_ratio")?.Value;
            Row($"ingest 200/s ({o.Connections} conn, {o.Duration} s)", F(hOk, "0"), F(cOk, "0"), ratio is null ? "" : $"{F(ratio, "0.00")} (>= 0.5)", PassText(t, "ingest_ratio"));
            Row("ingest latency p50 / p99 ms", Lat(h?.Ingest), Lat(c?.Ingest), "", "");
            Row("ingest errors / non-200", Err(h?.Ingest), Err(c?.Ingest), "", "");
            Row("ingest CPU server / wrk / other %", Cpu(h?.Ingest?.Cpu), Cpu(c?.Ingest?.Cpu), $"of {run.Machine.Nproc * 100}%", "");
        }
        if (h?.Durability is { } d)
        {
            Row("durability (200s vs stored)", $"{d.Ingest200}/{d.IngestStored}", "", "all 200s stored", PassText(t, "ingest_durability"));
        }
        var hs = h?.Streams;
        var cs = c?.Streams;
        if (hs is not null || cs is not null)
        {
            var streams = hs?.Streams ?? cs!.Streams;
            string L(StreamsResult? r, Func<LatencySummary, double?> f) => r is null ? "-" : F(f(r.FanOut.LatencyMs), "0.00");
            Row($"fan-out latency p50 ms ({streams} streams)", L(hs, x => x.P50), L(cs, x => x.P50), "", "");
            Row("fan-out latency p95 ms", L(hs, x => x.P95), L(cs, x => x.P95), "", "");
            Row("fan-out latency p99 ms", L(hs, x => x.P99), L(cs, x => x.P99), "< 25", PassText(t, "fanout_p99"));
            Row("fan-out latency max ms", L(hs, x => x.Max), L(cs, x => x.Max), "", "");
            string Last(StreamsResult? r) => r is null ? "-" : $"{F(r.FanOut.FullFanOutMs.P50, "0.0")}/{F(r.FanOut.FullFanOutMs.P99, "0.0")}";
            Row("fan-out last subscriber p50/p99 ms", Last(hs), Last(cs), "", "");
            string Del(StreamsResult? r) => r is null ? "-" : $"{r.FanOut.Deliveries}/{r.FanOut.ExpectedDeliveries}";
            Row("fan-out deliveries", Del(hs), Del(cs), "every message", PassText(t, "fanout_complete"));
            string FCpu(StreamsResult? r) => r is null ? "-" : $"{F(r.FanOutCpu.ProcessPct.GetValueOrDefault("server"), "0")}/{F(r.FanOutCpu.ProcessPct.GetValueOrDefault("driver"), "0")}/{F(r.FanOutCpu.OtherPct, "0")}";
            Row("fan-out CPU server / driver / other %", FCpu(hs), FCpu(cs), "", "");
        }
        if (h is not null || c is not null)
        {
            Row("RSS idle MB", F(h?.IdleRssMb), F(c?.IdleRssMb), "< 80", PassText(t, "rss_idle"));
            static string Split(RssBreakdown? r) => r is null ? "-" : string.Create(CultureInfo.InvariantCulture, $"{r.AnonMb:0.0}/{r.FileMb:0.0}");
            Row("  of which anon / file-backed MB", Split(h?.IdleRss), Split(c?.IdleRss), "", "");
            if (h is not null && h.ServerUnderTest == "herald")
            {
                Row("RSS after setup calls MB", F(h.RssAfterSetupMb), "", "", "");
            }
        }
        if (hs is not null || cs is not null)
        {
            Row($"RSS with {hs?.Streams ?? cs!.Streams} streams MB", F(hs?.RssWithStreamsMb), F(cs?.RssWithStreamsMb), "", "");
            Row("RSS per open stream KB", F(hs?.KbPerStream, "0.0"), F(cs?.KbPerStream, "0.0"), "< 30", PassText(t, "rss_per_stream"));
            Row("  with first-use cost, no warm-up KB", F(hs?.KbPerStreamWithFirstUse, "0.0"), F(cs?.KbPerStreamWithFirstUse, "0.0"), "", "");
        }
        if (h?.RssAfterIngestMb is not null || c?.RssAfterIngestMb is not null)
        {
            Row("RSS after ingest / peak MB", h?.RssAfterIngestMb is null ? "-" : $"{F(h.RssAfterIngestMb)}/{F(h.PeakRssMb)}", c?.RssAfterIngestMb is null ? "-" : $"{F(c.RssAfterIngestMb)}/{F(c.PeakRssMb)}", "", "");
        }
        if (h?.Bodies is { } b2)
        {
            Row($"RSS after {b2.Bodies} bodies / idle after MB", $"{F(b2.RssAfterBodiesMb)}/{F(b2.RssIdleAfterBodiesMb)}", "", "", "");
            Row("  idle after bodies / idle", F(b2.RatioToIdle, "0.00"), "", "<= 1.2", PassText(t, "idle_after_bodies"));
        }
        if (h?.RssIdleAfterIngestMb is not null)
        {
            Row("RSS idle after ingest MB", F(h.RssIdleAfterIngestMb), "", "", "");
            Row("  idle after ingest / idle", F(h.IdleAfterIngestRatio, "0.00"), "", "<= 1.2", PassText(t, "idle_after_ingest"));
        }
        sb.AppendLine(new string('-', 93));
        if (h?.Durability is { } d2)
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"durability: {d2.Detail} ({d2.Method}; restart after SIGKILL {(d2.RestartOk == true ? "ok" : "FAILED")})");
        }
        foreach (var (who, s3) in new[] { ("Herald", hs), ("ceiling", cs) })
        {
            if (s3 is null)
            {
                continue;
            }
            var f = s3.FanOut;
            sb.AppendLine(CultureInfo.InvariantCulture, $"fan-out {who}: {f.MeasuredMessages} measured + {f.WarmupMessages} warm-up messages, {s3.Streams} streams opened in {s3.ConnectSeconds:0.00} s, duplicates {f.Duplicates}, unknown frames {f.UnknownFrames}, receive errors {f.ReceiveErrors}, server closes {f.ServerCloses}, POST failures {f.PostFailures}, message timeouts {f.MessageTimeouts}");
            if (f.SlowestMessages.Count > 0)
            {
                var slow = string.Join("; ", f.SlowestMessages.Take(3).Select(m => string.Create(CultureInfo.InvariantCulture,
                    $"#{m.Number} first {m.FirstMs:0.0} / last {m.LastMs:0.0} ms, POST {m.PostRoundTripMs:0.0} ms")));
                sb.AppendLine(CultureInfo.InvariantCulture, $"  slowest messages: {slow}");
            }
            if (f.SampleFrameCheck is { } check)
            {
                sb.AppendLine(CultureInfo.InvariantCulture, $"  frame format (Gotify Message JSON): {check}");
            }
            if (f.FirstPostFailure is not null)
            {
                sb.AppendLine(CultureInfo.InvariantCulture, $"  first POST failure: {f.FirstPostFailure}");
            }
            if (f.UnknownFrameSample is not null)
            {
                sb.AppendLine(CultureInfo.InvariantCulture, $"  unknown frame: {f.UnknownFrameSample}");
            }
            if (f.FirstReceiveError is not null)
            {
                sb.AppendLine(CultureInfo.InvariantCulture, $"  first receive error: {f.FirstReceiveError}");
            }
        }
        foreach (var (who, attempts) in new[] { ("Herald", hs?.FanOutAttempts), ("ceiling", cs?.FanOutAttempts) })
        {
            if (attempts is { Count: > 1 })
            {
                var list = string.Join("; ", attempts.Select(a => string.Create(CultureInfo.InvariantCulture,
                    $"#{a.Round} p99 {a.P99Ms:0.0} ms with {a.OtherCpuPct:0}% other{(a.Reported ? " (reported)" : "")}")));
                sb.AppendLine(CultureInfo.InvariantCulture, $"fan-out {who} was repeated because other processes used the CPU: {list}");
            }
        }
        foreach (var (who, attempts) in new[] { ("Herald", h?.IngestAttempts), ("ceiling", c?.IngestAttempts) })
        {
            if (attempts is { Count: > 1 })
            {
                var list = string.Join("; ", attempts.Select(a => string.Create(CultureInfo.InvariantCulture,
                    $"#{a.Attempt} {a.OkPerSecond:0}/s with {a.OtherCpuPct:0}% other{(a.Reported ? " (reported)" : "")}")));
                sb.AppendLine(CultureInfo.InvariantCulture, $"ingest {who} was repeated because other processes used the CPU: {list}");
            }
        }
        if (run.OtherLoadBeforePct.Count > 0)
        {
            sb.AppendLine("other load just before each measurement (% of one core): " + string.Join(", ", run.OtherLoadBeforePct.Select(kv => $"{kv.Key} {kv.Value:0}")));
        }
        if (h?.IngestLogBytes is { } lb)
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"server log output during the ingest run: {lb} bytes");
        }
        var failed = t.Where(x => !x.Pass).Select(x => x.Name).ToList();
        sb.AppendLine(t.Count == 0 ? "targets: none measured" : failed.Count == 0 ? $"targets: all {t.Count} PASS" : $"targets: {t.Count - failed.Count}/{t.Count} pass; FAIL: {string.Join(", ", failed)}");
        return sb.ToString();
    }

    private static string Short(string commit) => commit.Length > 12 ? commit[..12] : commit;

    private static string Lat(WrkResult? r) => r is null ? "-" : $"{F(r.LatencyMs.GetValueOrDefault("p50"), "0.00")}/{F(r.LatencyMs.GetValueOrDefault("p99"), "0.00")}";

    private static string Err(WrkResult? r) => r is null ? "-" : $"{r.Errors.Where(e => e.Key != "status").Sum(e => e.Value)}/{r.Requests - r.Status(200)}";

    private static string Cpu(CpuUsage? u) => u is null ? "-" :
        $"{F(u.ProcessPct.GetValueOrDefault("server"), "0")}/{F(u.ProcessPct.GetValueOrDefault("wrk"), "0")}/{F(u.OtherPct, "0")}";

    public static (string File, string Latest) Save(RunInfo run, string dir, DateTime started)
    {
        Directory.CreateDirectory(dir);
        var json = JsonSerializer.Serialize(run, Json) + "\n";
        var file = Path.Combine(dir, started.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture) + ".json");
        var latest = Path.Combine(dir, "latest.json");
        // Write through a .tmp file (git-ignored) so an interrupted write never leaves half a JSON file.
        foreach (var path in new[] { file, latest })
        {
            var tmp = path + ".tmp";
            File.WriteAllText(tmp, json);
            File.Move(tmp, path, overwrite: true);
        }
        return (file, latest);
    }
}
