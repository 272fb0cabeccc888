using System.Globalization;
using System.Text.Json;

namespace Herald.Bench;

/// <summary>Result of one wrk run, from the line the Lua script prints in done().</summary>
internal sealed record WrkResult(
    double DurationSeconds,
    long Requests,
    long Responses,
    double RequestsPerSecond,
    Dictionary<string, long> Statuses,
    Dictionary<string, long> Errors,
    Dictionary<string, double> LatencyMs,
    CpuUsage? Cpu)
{
    public long Status(int code) => Statuses.TryGetValue(code.ToString(CultureInfo.InvariantCulture), out var n) ? n : 0;

    public long ErrorCount => Errors.Values.Sum();
}

internal static class Wrk
{
    /// <summary>
    /// Runs wrk against <paramref name="url"/> for <paramref name="seconds"/> s with the POST /message script.
    /// wrk stops by itself; the driver kills it if it has not 30 s after the planned end.
    /// </summary>
    public static async Task<WrkResult> RunAsync(BenchContext bench, string label, string url, string token,
        int seconds, Dictionary<string, int>? watch, CancellationToken ct)
    {
        var o = bench.Options;
        var log = Path.Combine(bench.TempDir, $"wrk-{label}.log");
        string[] args =
        [
            "-t", o.Threads.ToString(CultureInfo.InvariantCulture),
            "-c", o.Connections.ToString(CultureInfo.InvariantCulture),
            "-d", seconds.ToString(CultureInfo.InvariantCulture) + "s",
            "--timeout", "5s",
            "-s", Path.Combine(bench.BenchDir, "wrk", "post-message.lua"),
            url,
        ];
        CpuWindow? cpu = watch is null ? null : new CpuWindow(new Dictionary<string, int>(watch));
        using var wrk = ChildProcess.Start("wrk", "wrk", args, bench.TempDir,
            new Dictionary<string, string> { ["HERALD_BENCH_TOKEN"] = token }, log);
        cpu?.Add("wrk", wrk.Pid);
        CpuUsage? usage = null;
        try
        {
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
            limit.CancelAfter(TimeSpan.FromSeconds(seconds + 30));
            try
            {
                await wrk.WaitForExitAsync(limit.Token);
            }
            catch (OperationCanceledException)
            {
                await wrk.KillAndWaitAsync();
                ct.ThrowIfCancellationRequested();
                throw new BenchException($"wrk ({label}) did not finish within {seconds + 30} s");
            }
            if (cpu is not null)
            {
                usage = await cpu.StopAsync();
            }
        }
        finally
        {
            if (cpu is not null)
            {
                await cpu.DisposeAsync();
            }
        }
        await wrk.StopAsync(TimeSpan.FromSeconds(1));
        var output = File.ReadAllText(log);
        if (wrk.ExitCode != 0)
        {
            throw new BenchException($"wrk ({label}) exited with {wrk.ExitCode}:\n{output}");
        }
        const string marker = "HERALD_WRK_JSON ";
        var line = output.Split('\n').FirstOrDefault(l => l.StartsWith(marker, StringComparison.Ordinal))
            ?? throw new BenchException($"wrk ({label}) printed no result line:\n{output}");
        using var doc = JsonDocument.Parse(line[marker.Length..]);
        var root = doc.RootElement;
        var duration = root.GetProperty("duration_us").GetInt64() / 1e6;
        var requests = root.GetProperty("requests").GetInt64();
        var statuses = root.GetProperty("statuses").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt64());
        var errors = root.GetProperty("errors").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt64());
        var latency = root.GetProperty("latency_us").EnumerateObject().ToDictionary(p => p.Name, p => Math.Round(p.Value.GetDouble() / 1000.0, 3));
        return new WrkResult(
            Math.Round(duration, 3),
            requests,
            root.GetProperty("responses").GetInt64(),
            Math.Round(requests / duration, 1),
            statuses,
            errors,
            latency,
            usage);
    }
}
