using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Herald.Bench;

/// <summary>
/// A process started by the benchmark. Its stdout and stderr go straight to a log file (through
/// <c>sh -c 'exec ... &gt;log'</c>, so the pid is the program's own and the driver spends no CPU copying logs).
/// Every child is registered so that the driver can stop them all on failure or Ctrl-C.
/// </summary>
internal sealed class ChildProcess : IDisposable
{
    private static readonly ConcurrentDictionary<int, ChildProcess> Live = new();

    private readonly Process _process;

    /// <summary>Environment variables that tune the driver only and are removed from every child's environment.</summary>
    public static readonly string[] DriverOnlyVariables = ["DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS"];

    public string Name { get; }

    public string LogPath { get; }

    public int Pid { get; }

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    private ChildProcess(string name, Process process, string logPath)
    {
        Name = name;
        _process = process;
        Pid = process.Id;
        LogPath = logPath;
    }

    /// <summary>Starts <paramref name="fileName"/> with <paramref name="args"/> in <paramref name="workDir"/>.</summary>
    public static ChildProcess Start(string name, string fileName, IEnumerable<string> args, string workDir,
        IReadOnlyDictionary<string, string> env, string logPath)
    {
        var psi = new ProcessStartInfo("/bin/sh")
        {
            WorkingDirectory = workDir,
            UseShellExecute = false,
            RedirectStandardInput = true,
        };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add("exec \"$@\" >\"$HERALD_BENCH_LOG\" 2>&1 </dev/null");
        psi.ArgumentList.Add(name);
        psi.ArgumentList.Add(fileName);
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        // Runtime knobs meant for the driver (see run.sh) must not change the servers being measured.
        foreach (var k in DriverOnlyVariables)
        {
            psi.Environment.Remove(k);
        }
        foreach (var (k, v) in env)
        {
            psi.Environment[k] = v;
        }
        psi.Environment["HERALD_BENCH_LOG"] = logPath;
        var p = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {name}");
        var child = new ChildProcess(name, p, logPath);
        Live[p.Id] = child;
        return child;
    }

    /// <summary>Fails the run with the exit code and log tail if the process has exited.</summary>
    public void ThrowIfExited(string when)
    {
        if (_process.HasExited)
        {
            var code = _process.ExitCode;
            var how = code > 128 ? $"exit code {code} (signal {code - 128}?)" : $"exit code {code}";
            throw new BenchException($"{Name} (pid {Pid}) exited {when}: {how}; log tail:\n{LogTail()}");
        }
    }

    public Task WaitForExitAsync(CancellationToken ct) => _process.WaitForExitAsync(ct);

    /// <summary>SIGTERM, then SIGKILL if it has not exited after <paramref name="grace"/>. Returns the exit code or null.</summary>
    public async Task<int?> StopAsync(TimeSpan grace)
    {
        try
        {
            if (!_process.HasExited)
            {
                Signal("TERM");
                using var cts = new CancellationTokenSource(grace);
                try
                {
                    await _process.WaitForExitAsync(cts.Token);
                }
                catch (OperationCanceledException)
                {
                    Console.Error.WriteLine($"  {Name} (pid {Pid}) did not stop within {grace.TotalSeconds:0} s of SIGTERM: SIGKILL");
                    Kill();
                    await _process.WaitForExitAsync(CancellationToken.None);
                    return null;
                }
            }
            return _process.ExitCode;
        }
        finally
        {
            Live.TryRemove(Pid, out _);
        }
    }

    /// <summary>SIGKILL now (used on purpose for the crash-durability check, and as the last resort).</summary>
    public void Kill()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill();
            }
        }
        catch (InvalidOperationException)
        {
        }
    }

    public async Task KillAndWaitAsync()
    {
        Kill();
        await _process.WaitForExitAsync(CancellationToken.None);
        Live.TryRemove(Pid, out _);
    }

    private void Signal(string sig)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", ["-" + sig, Pid.ToString(System.Globalization.CultureInfo.InvariantCulture)])
        {
            UseShellExecute = false,
        });
        kill?.WaitForExit();
    }

    /// <summary>The last <paramref name="lines"/> lines of the log, for error messages.</summary>
    public string LogTail(int lines = 30)
    {
        try
        {
            var all = File.ReadAllLines(LogPath);
            return string.Join('\n', all.Skip(Math.Max(0, all.Length - lines)));
        }
        catch (IOException)
        {
            return "";
        }
    }

    public long LogBytes()
    {
        try
        {
            return new FileInfo(LogPath).Length;
        }
        catch (IOException)
        {
            return -1;
        }
    }

    /// <summary>Stops every child still running (on failure, Ctrl-C or SIGTERM).</summary>
    public static async Task StopAllAsync()
    {
        foreach (var child in Live.Values.ToArray())
        {
            try
            {
                await child.StopAsync(TimeSpan.FromSeconds(5));
            }
            catch (InvalidOperationException)
            {
                // Already released by its owner.
            }
            child.Dispose();
        }
    }

    /// <summary>Stops the process if it still runs (SIGTERM, then SIGKILL after 10 s), then releases it.</summary>
    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                Signal("TERM");
                if (!_process.WaitForExit(TimeSpan.FromSeconds(10)))
                {
                    _process.Kill();
                    _process.WaitForExit();
                }
            }
        }
        catch (InvalidOperationException)
        {
        }
        Live.TryRemove(Pid, out _);
        _process.Dispose();
    }

    /// <summary>A TCP port on 127.0.0.1 that is free right now.</summary>
    public static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        var port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }
}
