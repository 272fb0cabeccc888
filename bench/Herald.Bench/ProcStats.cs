using System.Globalization;

namespace Herald.Bench;

/// <summary>Readings from /proc: resident memory, CPU time of a process and of the whole machine.</summary>
internal static class ProcStats
{
    /// <summary>Clock ticks per second used by /proc/*/stat (USER_HZ, 100 on every Linux we meet).</summary>
    public const double TicksPerSecond = 100.0;

    /// <summary>VmRSS of <paramref name="pid"/> in KiB, or -1 when the process is gone.</summary>
    public static long RssKb(int pid) => StatusFieldKb(pid, "VmRSS:");

    /// <summary>VmHWM (peak resident set) of <paramref name="pid"/> in KiB, or -1.</summary>
    public static long PeakRssKb(int pid) => StatusFieldKb(pid, "VmHWM:");

    /// <summary>VmRSS split into anonymous memory (heaps, stacks), file-backed pages (code, mapped assemblies) and shared memory.</summary>
    public static RssBreakdown Breakdown(int pid) => new(
        Math.Round(StatusFieldKb(pid, "RssAnon:") / 1024.0, 1),
        Math.Round(StatusFieldKb(pid, "RssFile:") / 1024.0, 1),
        Math.Round(StatusFieldKb(pid, "RssShmem:") / 1024.0, 1));

    /// <summary>Number of threads of <paramref name="pid"/>, or -1.</summary>
    public static int Threads(int pid)
    {
        var line = StatusLine(pid, "Threads:");
        return line is null ? -1 : int.Parse(line.AsSpan("Threads:".Length).Trim(), CultureInfo.InvariantCulture);
    }

    private static long StatusFieldKb(int pid, string field)
    {
        var line = StatusLine(pid, field);
        if (line is null)
        {
            return -1;
        }
        var rest = line.AsSpan(field.Length).Trim();
        var space = rest.IndexOf(' ');
        return long.Parse(space < 0 ? rest : rest[..space], CultureInfo.InvariantCulture);
    }

    private static string? StatusLine(int pid, string field)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith(field, StringComparison.Ordinal))
                {
                    return line;
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
        return null;
    }

    /// <summary>utime+stime of <paramref name="pid"/> in clock ticks, or -1 when the process is gone.</summary>
    public static long CpuTicks(int pid)
    {
        string text;
        try
        {
            text = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (IOException)
        {
            return -1;
        }
        // Field 2 (comm) may contain spaces: parse after the last ')'.
        var rest = text[(text.LastIndexOf(')') + 2)..].Split(' ');
        // rest[0] is field 3 (state); utime is field 14, stime field 15.
        return long.Parse(rest[11], CultureInfo.InvariantCulture) + long.Parse(rest[12], CultureInfo.InvariantCulture);
    }

    /// <summary>Busy and total ticks of all CPUs together, from the first line of /proc/stat.</summary>
    public static (long Busy, long Total) MachineTicks()
    {
        using var reader = new StreamReader("/proc/stat");
        var first = reader.ReadLine() ?? "";
        var parts = first.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        long total = 0, idle = 0;
        // cpu user nice system idle iowait irq softirq steal guest guest_nice; guest time is already in user.
        for (var i = 1; i < parts.Length && i <= 8; i++)
        {
            var v = long.Parse(parts[i], CultureInfo.InvariantCulture);
            total += v;
            if (i is 4 or 5)
            {
                idle += v;
            }
        }
        return (total - idle, total);
    }

    public static string LoadAverage()
    {
        try
        {
            var parts = File.ReadAllText("/proc/loadavg").Split(' ');
            return string.Join(' ', parts.Take(3));
        }
        catch (IOException)
        {
            return "";
        }
    }

    public static string CpuModel()
    {
        foreach (var line in File.ReadLines("/proc/cpuinfo"))
        {
            if (line.StartsWith("model name", StringComparison.Ordinal))
            {
                return line[(line.IndexOf(':') + 1)..].Trim();
            }
        }
        return "unknown";
    }

    public static long MemTotalMb()
    {
        foreach (var line in File.ReadLines("/proc/meminfo"))
        {
            if (line.StartsWith("MemTotal:", StringComparison.Ordinal))
            {
                var v = line["MemTotal:".Length..].Trim().Split(' ')[0];
                return long.Parse(v, CultureInfo.InvariantCulture) / 1024;
            }
        }
        return -1;
    }
}

/// <summary>
/// Measures where the machine's CPU went during a window: the processes we watch (sampled every 250 ms so a
/// process that exits inside the window, like wrk, still counts up to its last sample) and everything else.
/// </summary>
internal sealed class CpuWindow : IAsyncDisposable
{
    private readonly Dictionary<string, int> _pids;
    private readonly Dictionary<string, long> _first = [];
    private readonly Dictionary<string, long> _last = [];
    private readonly (long Busy, long Total) _machineStart;
    private readonly long _startTimestamp = System.Diagnostics.Stopwatch.GetTimestamp();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _sampler;
    private readonly Lock _gate = new();

    public CpuWindow(Dictionary<string, int> pids)
    {
        _pids = pids;
        _machineStart = ProcStats.MachineTicks();
        foreach (var (name, pid) in pids)
        {
            var t = ProcStats.CpuTicks(pid);
            _first[name] = t;
            _last[name] = t;
        }
        _sampler = SampleAsync();
    }

    /// <summary>Adds a process that started after the window opened (its CPU counts from zero).</summary>
    public void Add(string name, int pid)
    {
        lock (_gate)
        {
            _pids[name] = pid;
            _first[name] = 0;
            _last[name] = Math.Max(0, ProcStats.CpuTicks(pid));
        }
    }

    private async Task SampleAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                await Task.Delay(250, _stop.Token);
                Sample();
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void Sample()
    {
        lock (_gate)
        {
            foreach (var (name, pid) in _pids)
            {
                var t = ProcStats.CpuTicks(pid);
                if (t >= 0)
                {
                    _last[name] = t;
                }
            }
        }
    }

    /// <summary>Closes the window: CPU use in percent of one core for each watched process and for the rest.</summary>
    public async Task<CpuUsage> StopAsync()
    {
        Sample();
        var machineEnd = ProcStats.MachineTicks();
        var seconds = System.Diagnostics.Stopwatch.GetElapsedTime(_startTimestamp).TotalSeconds;
        await _stop.CancelAsync();
        await _sampler;
        var perProcess = new Dictionary<string, double>();
        double watched = 0;
        lock (_gate)
        {
            foreach (var name in _pids.Keys)
            {
                var ticks = Math.Max(0, _last[name] - Math.Max(0, _first[name]));
                var pct = ticks / ProcStats.TicksPerSecond / seconds * 100.0;
                perProcess[name] = Math.Round(pct, 1);
                watched += pct;
            }
        }
        var busyTicks = machineEnd.Busy - _machineStart.Busy;
        var machinePct = busyTicks / ProcStats.TicksPerSecond / seconds * 100.0;
        return new CpuUsage(
            Math.Round(seconds, 2),
            Environment.ProcessorCount * 100,
            Math.Round(machinePct, 1),
            perProcess,
            Math.Round(Math.Max(0, machinePct - watched), 1));
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await _stop.CancelAsync();
        }
        try
        {
            await _sampler;
        }
        catch (OperationCanceledException)
        {
        }
        _stop.Dispose();
    }
}

internal sealed record RssBreakdown(double AnonMb, double FileMb, double ShmemMb);

/// <summary>CPU use over a window, in percent of one core (the machine has <see cref="CapacityPct"/>).</summary>
internal sealed record CpuUsage(double Seconds, int CapacityPct, double MachineBusyPct, Dictionary<string, double> ProcessPct, double OtherPct);
