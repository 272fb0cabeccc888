using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Herald.Server.Tests.Infrastructure;

/// <summary>How to start one server process.</summary>
public sealed class HeraldStartInfo
{
    /// <summary>Working directory of the process; also holds the database, images and plugins by default.</summary>
    public required string WorkDir { get; init; }

    /// <summary>Port to listen on; 0 picks a free loopback port and passes it as GOTIFY_SERVER_PORT.</summary>
    public int Port { get; init; }

    /// <summary>Environment overrides applied after the defaults; a null value removes the variable.</summary>
    public Dictionary<string, string?> Env { get; init; } = new(StringComparer.Ordinal);

    /// <summary>Whether the harness sets its default GOTIFY_* variables (listen address, port, paths, pass strength, admin password).</summary>
    public bool DefaultEnv { get; init; } = true;

    /// <summary>
    /// When set, the start is complete once the output contains this text, instead of when <c>GET /health</c> answers 200
    /// over plain HTTP (which the HTTPS redirect turns into a 302).
    /// </summary>
    public string? ReadyOutput { get; init; }

    /// <summary>Command line arguments after the dll.</summary>
    public IReadOnlyList<string> Args { get; init; } = ["serve"];
}

/// <summary>The real <c>herald</c> server running as a child process on a loopback port.</summary>
public sealed class HeraldProcess : IAsyncDisposable
{
    /// <summary>Password of the default admin created by the harness's default environment.</summary>
    public const string DefaultAdminPass = "admin-secret";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output;

    private HeraldProcess(Process process, ConcurrentQueue<string> output, int port, string workDir)
    {
        _process = process;
        _output = output;
        Port = port;
        WorkDir = workDir;
        BaseUrl = new Uri($"http://127.0.0.1:{port}");
    }

    public int Port { get; }

    public string WorkDir { get; }

    public Uri BaseUrl { get; }

    public int ProcessId => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>Path of the SQLite database when the default environment is used.</summary>
    public string DatabasePath => Path.Combine(WorkDir, "gotify.db");

    /// <summary>Everything the process wrote to stdout and stderr so far.</summary>
    public string Output => string.Join(Environment.NewLine, _output);

    /// <summary>Starts a server in <paramref name="workDir"/> with the default test environment plus <paramref name="env"/>.</summary>
    public static Task<HeraldProcess> StartAsync(string workDir, Dictionary<string, string?>? env = null) =>
        StartAsync(new HeraldStartInfo { WorkDir = workDir, Env = env ?? new Dictionary<string, string?>() });

    /// <summary>Starts a server and waits until <c>GET /health</c> answers 200.</summary>
    public static async Task<HeraldProcess> StartAsync(HeraldStartInfo info)
    {
        Directory.CreateDirectory(info.WorkDir);
        Exception? last = null;
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var port = info.Port != 0 ? info.Port : FreePort();
            var server = Launch(info, port);
            try
            {
                if (info.ReadyOutput is { } ready)
                {
                    await server.WaitForOutputAsync(ready, StartTimeout).ConfigureAwait(false);
                }
                else
                {
                    await server.WaitForHealthAsync(StartTimeout).ConfigureAwait(false);
                }

                return server;
            }
            catch (Exception ex)
            {
                last = ex;
                var output = server.Output;

                // The machine is shared: a process killed by a signal before it was ready (exit 137/143) is retried, never a real start failure.
                var killed = server.HasExited && server.ExitCode is 137 or 143;
                await server.DisposeAsync().ConfigureAwait(false);
                var portClash = output.Contains("address already in use", StringComparison.OrdinalIgnoreCase);
                if (!killed && (info.Port != 0 || !portClash))
                {
                    break;
                }
            }
        }

        throw last ?? new InvalidOperationException("server did not start");
    }

    /// <summary>Runs herald with <paramref name="args"/> until it exits (for CLI commands and start failures).</summary>
    public static async Task<ProcessResult> RunToExitAsync(
        string workDir,
        IReadOnlyList<string> args,
        Dictionary<string, string?>? env = null,
        bool defaultEnv = true,
        TimeSpan? timeout = null)
    {
        Directory.CreateDirectory(workDir);
        var info = new HeraldStartInfo { WorkDir = workDir, Args = args, Env = env ?? new Dictionary<string, string?>(), DefaultEnv = defaultEnv };
        await using var server = Launch(info, FreePort());
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        try
        {
            await server._process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"herald {string.Join(' ', args)} did not exit in time. Output:\n{server.Output}");
        }

        // Make sure the asynchronous output readers have drained.
        server._process.WaitForExit();
        return new ProcessResult(server._process.ExitCode, server.StdOut, server.StdErr);
    }

    private string StdOut => string.Join("\n", _output.Where(l => l.StartsWith("[out] ", StringComparison.Ordinal)).Select(l => l[6..]));

    private string StdErr => string.Join("\n", _output.Where(l => l.StartsWith("[err] ", StringComparison.Ordinal)).Select(l => l[6..]));

    /// <summary>Picks a currently free TCP port on 127.0.0.1.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>The environment the harness gives every server unless told otherwise.</summary>
    public static Dictionary<string, string?> DefaultEnvironment(string workDir, int port) => new(StringComparer.Ordinal)
    {
        ["GOTIFY_SERVER_LISTENADDR"] = "127.0.0.1",
        ["GOTIFY_SERVER_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["GOTIFY_DATABASE_CONNECTION"] = Path.Combine(workDir, "gotify.db"),
        ["GOTIFY_UPLOADEDIMAGESDIR"] = Path.Combine(workDir, "images"),
        ["GOTIFY_PLUGINSDIR"] = Path.Combine(workDir, "plugins"),
        ["GOTIFY_PASSSTRENGTH"] = "4",
        ["GOTIFY_DEFAULTUSER_PASS"] = DefaultAdminPass,
    };

    private static HeraldProcess Launch(HeraldStartInfo info, int port)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = info.WorkDir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(RepoPaths.HeraldDll);
        foreach (var arg in info.Args)
        {
            psi.ArgumentList.Add(arg);
        }

        // Nothing from the test runner's environment may configure the server.
        foreach (var key in psi.Environment.Keys.ToList())
        {
            if (key.StartsWith("GOTIFY_", StringComparison.OrdinalIgnoreCase)
                || key.StartsWith("ASPNETCORE_", StringComparison.OrdinalIgnoreCase)
                || key.Equals("DOTNET_ENVIRONMENT", StringComparison.OrdinalIgnoreCase))
            {
                psi.Environment.Remove(key);
            }
        }

        // Keep the config file search inside the temp dir: no user or system env file may leak in.
        psi.Environment["XDG_CONFIG_HOME"] = Path.Combine(info.WorkDir, ".xdg-config");
        psi.Environment["HOME"] = info.WorkDir;
        psi.Environment["NOCOLOR"] = "1";
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        psi.Environment["DOTNET_NOLOGO"] = "1";

        if (info.DefaultEnv)
        {
            foreach (var (key, value) in DefaultEnvironment(info.WorkDir, port))
            {
                psi.Environment[key] = value;
            }
        }

        foreach (var (key, value) in info.Env)
        {
            if (value is null)
            {
                psi.Environment.Remove(key);
            }
            else
            {
                psi.Environment[key] = value;
            }
        }

        var output = new ConcurrentQueue<string>();
        var process = new Process { StartInfo = psi, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                output.Enqueue("[out] " + e.Data);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                output.Enqueue("[err] " + e.Data);
            }
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new HeraldProcess(process, output, port, info.WorkDir);
    }

    private async Task WaitForOutputAsync(string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (Output.Contains(text, StringComparison.Ordinal))
            {
                return;
            }

            if (_process.HasExited)
            {
                _process.WaitForExit();
                throw new InvalidOperationException($"herald exited with code {_process.ExitCode} before writing \"{text}\". Output:\n{Output}");
            }

            await Task.Delay(100).ConfigureAwait(false);
        }

        throw new TimeoutException($"herald did not write \"{text}\" within {timeout}. Output:\n{Output}");
    }

    private async Task WaitForHealthAsync(TimeSpan timeout)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                _process.WaitForExit();
                throw new InvalidOperationException($"herald exited with code {_process.ExitCode} before answering /health. Output:\n{Output}");
            }

            try
            {
                using var response = await http.GetAsync(new Uri(BaseUrl, "/health")).ConfigureAwait(false);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            await Task.Delay(100).ConfigureAwait(false);
        }

        throw new TimeoutException($"herald did not answer GET /health within {timeout}. Output:\n{Output}");
    }

    /// <summary>SIGKILL: the process dies at once, without any chance to flush or clean up.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync().ConfigureAwait(false);
    }

    /// <summary>SIGTERM and wait for the process to exit; returns its exit code.</summary>
    public async Task<int> TerminateAsync(TimeSpan timeout)
    {
        if (!_process.HasExited)
        {
            using var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) }, UseShellExecute = false })!;
            await kill.WaitForExitAsync().ConfigureAwait(false);
        }

        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"herald did not exit within {timeout} after SIGTERM. Output:\n{Output}");
        }

        _process.WaitForExit();
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync().ConfigureAwait(false);
            }
        }
        catch (InvalidOperationException)
        {
        }

        _process.Dispose();
    }
}

/// <summary>Exit code and output of a process that ran to completion.</summary>
public sealed record ProcessResult(int ExitCode, string StdOut, string StdErr)
{
    public string AllOutput => StdOut + "\n" + StdErr;

    public override string ToString() => $"exit {ExitCode}\n--- stdout ---\n{StdOut}\n--- stderr ---\n{StdErr}";
}

/// <summary>A fresh temporary directory, removed on dispose.</summary>
public sealed class TempDir : IDisposable
{
    public TempDir()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "herald-tests", Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
