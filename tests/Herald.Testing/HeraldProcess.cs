using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;

namespace Herald.Testing;

/// <summary>
/// The real server: the built <c>herald.dll</c> (<see cref="Repository.ServerDll"/>) as a child process on a loopback port,
/// with its database, images and plugins in <see cref="WorkDir"/> and its stdout and stderr captured so tests can assert
/// what it logs. Nothing from the test runner's environment configures it (GOTIFY_*, ASPNETCORE_*, user config files).
/// </summary>
/// <remarks>
/// Either construct one and call <see cref="StartAsync(CancellationToken)"/> (it can be started again after it stopped,
/// to test restarts on the same data), or use the static <see cref="StartAsync(HeraldStartInfo, CancellationToken)"/> for a
/// one-shot server. The process is tracked by its PID only; disposing kills it (and its children) if it still runs.
/// </remarks>
public sealed class HeraldProcess : IAsyncDisposable
{
    /// <summary>Password of the default admin the default environment creates (see <see cref="HeraldStartInfo.AdminPassword"/>).</summary>
    public const string DefaultAdminPass = "admin-secret";

    // Password of the default admin when GOTIFY_DEFAULTUSER_PASS is not set: the server's own default, as in Gotify.
    private const string ServerDefaultAdminPass = "admin";

    private const int StartAttempts = 3;

    // Generous: the machine running the tests is shared and may be busy building.
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    private readonly HeraldStartInfo info;
    private readonly List<(bool IsError, string Line)> lines = [];
    private readonly Lock linesGate = new();
    private Process? process;
    private HttpClient? client;

    /// <summary>Prepares a server for <paramref name="info"/> (creating its working directory); nothing runs until <see cref="StartAsync(CancellationToken)"/>.</summary>
    public HeraldProcess(HeraldStartInfo info)
    {
        this.info = info;
        Directory.CreateDirectory(info.WorkDir);
        Port = info.Port;
    }

    /// <summary>The working directory of the process (see <see cref="HeraldStartInfo.WorkDir"/>).</summary>
    public string WorkDir => info.WorkDir;

    /// <summary>
    /// The plugins folder of the default environment, <c>&lt;WorkDir&gt;/plugins</c>; created when asked for, so a test can put
    /// packages in before the start.
    /// </summary>
    public string PluginsDir
    {
        get
        {
            var dir = Path.Combine(WorkDir, "plugins");
            Directory.CreateDirectory(dir);
            return dir;
        }
    }

    /// <summary>Path of the SQLite database of the default environment.</summary>
    public string DatabasePath => Path.Combine(WorkDir, "gotify.db");

    /// <summary>
    /// The database of <see cref="WorkDir"/> on the run's database server (<see cref="TestEngine.DatabaseFor"/>), set at
    /// the first start; null on SQLite, and when the test chose its database itself.
    /// </summary>
    public TestDatabase? Database { get; private set; }

    /// <summary>The port of the current (or last) start; a free one is picked on each start unless <see cref="HeraldStartInfo.Port"/> is set.</summary>
    public int Port { get; private set; }

    /// <summary><c>http://127.0.0.1:&lt;port&gt;/</c> of the current (or last) start.</summary>
    public Uri BaseAddress => new($"http://127.0.0.1:{Port}/");

    /// <summary>
    /// An HTTP client on <see cref="BaseAddress"/> authenticated by basic auth as the default admin; a new one on each start.
    /// Throws before the first start.
    /// </summary>
    public HttpClient Client => client ?? throw new InvalidOperationException("The server has not been started.");

    /// <summary>The exit code of the last process; throws while it still runs.</summary>
    public int ExitCode => Current.ExitCode;

    /// <summary>
    /// Every line the server wrote to stdout and stderr so far, in arrival order, joined by <c>\n</c>; kept across restarts
    /// (output of start attempts that were retried is dropped).
    /// </summary>
    public string Log
    {
        get
        {
            lock (linesGate)
            {
                return string.Join("\n", lines.Select(l => l.Line));
            }
        }
    }

    private Process Current => process ?? throw new InvalidOperationException("The server has not been started.");

    /// <summary>Starts a one-shot server in <paramref name="workDir"/> with the default environment plus <paramref name="env"/> (see <see cref="StartAsync(HeraldStartInfo, CancellationToken)"/>).</summary>
    public static Task<HeraldProcess> StartAsync(string workDir, IReadOnlyDictionary<string, string?>? env = null, CancellationToken cancellationToken = default) =>
        StartAsync(new HeraldStartInfo { WorkDir = workDir, Env = env ?? new Dictionary<string, string?>() }, cancellationToken);

    /// <summary>Starts a server and waits until <c>GET /health</c> answers 200; on failure the process is gone and the exception carries its output.</summary>
    public static async Task<HeraldProcess> StartAsync(HeraldStartInfo info, CancellationToken cancellationToken = default)
    {
        var server = new HeraldProcess(info);
        try
        {
            await server.StartAsync(cancellationToken).ConfigureAwait(false);
            return server;
        }
        catch
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Starts the process and waits until <c>GET /health</c> answers 200; returns how long that took. A start that failed
    /// because the picked port was taken meanwhile, or because the process was killed by a signal (exit 137/143, the
    /// machine is shared), is retried on a fresh process; any other failure throws with the server's output.
    /// </summary>
    public async Task<TimeSpan> StartAsync(CancellationToken cancellationToken = default)
    {
        if (process is { HasExited: false })
        {
            throw new InvalidOperationException("The server is already running.");
        }

        var stopwatch = Stopwatch.StartNew();
        Exception? last = null;
        for (var attempt = 0; attempt < StartAttempts; attempt++)
        {
            int mark;
            lock (linesGate)
            {
                mark = lines.Count;
            }

            Launch(info.Port != 0 ? info.Port : FreePort());
            try
            {
                if (info.ReadyOutput is { } ready)
                {
                    await WaitForReadyOutputAsync(ready, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await WaitForHealthAsync(cancellationToken).ConfigureAwait(false);
                }

                client?.Dispose();
                client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
                var password = info.AdminPassword ?? ServerDefaultAdminPass;
                client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("admin:" + password)));
                return stopwatch.Elapsed;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                last = ex;
                var killed = process!.HasExited && process.ExitCode is 137 or 143;
                await KillAsync(CancellationToken.None).ConfigureAwait(false);
                string attemptOutput;
                lock (linesGate)
                {
                    attemptOutput = string.Join("\n", lines.Skip(mark).Select(l => l.Line));
                }

                var portClash = attemptOutput.Contains("address already in use", StringComparison.OrdinalIgnoreCase);
                if (!killed && (info.Port != 0 || !portClash))
                {
                    break;
                }

                lock (linesGate)
                {
                    lines.RemoveRange(mark, lines.Count - mark);
                }
            }
            catch
            {
                await KillAsync(CancellationToken.None).ConfigureAwait(false);
                throw;
            }
        }

        throw last ?? new InvalidOperationException("The server did not start.");
    }

    /// <summary>
    /// Runs herald with <paramref name="args"/> in <paramref name="workDir"/> until it exits by itself (CLI commands, start
    /// failures) and returns its exit code and output; throws <see cref="TimeoutException"/> (after killing it) when it
    /// runs longer than <paramref name="timeout"/> (default 60 s).
    /// </summary>
    public static async Task<ProcessResult> RunToExitAsync(
        string workDir,
        IReadOnlyList<string> args,
        IReadOnlyDictionary<string, string?>? env = null,
        bool defaultEnv = true,
        TimeSpan? timeout = null,
        CancellationToken cancellationToken = default)
    {
        var info = new HeraldStartInfo { WorkDir = workDir, Args = args, Env = env ?? new Dictionary<string, string?>(), DefaultEnv = defaultEnv };
        await using var server = new HeraldProcess(info);
        server.Launch(FreePort());
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout ?? TimeSpan.FromSeconds(60));
        try
        {
            await server.process!.WaitForExitAsync(cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"herald {string.Join(' ', args)} did not exit in time. Output:\n{server.Log}");
        }

        // The no-argument wait also drains the asynchronous output readers.
        server.process.WaitForExit();
        return new ProcessResult(server.process.ExitCode, server.Stream(isError: false), server.Stream(isError: true));
    }

    /// <summary>Picks a currently free TCP port on 127.0.0.1 (free when asked; a server start retries if it is taken meanwhile).</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    // The variables HeraldStartInfo.DefaultEnv sets: loopback, the port, and every data path under the working directory.
    private static Dictionary<string, string?> DefaultEnvironment(string workDir, int port, string? adminPassword)
    {
        var env = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["GOTIFY_SERVER_LISTENADDR"] = "127.0.0.1",
            ["GOTIFY_SERVER_PORT"] = port.ToString(CultureInfo.InvariantCulture),
            ["GOTIFY_DATABASE_CONNECTION"] = Path.Combine(workDir, "gotify.db"),
            ["GOTIFY_UPLOADEDIMAGESDIR"] = Path.Combine(workDir, "images"),
            ["GOTIFY_PLUGINSDIR"] = Path.Combine(workDir, "plugins"),
            ["GOTIFY_PASSSTRENGTH"] = "4",
        };
        if (adminPassword is not null)
        {
            env["GOTIFY_DEFAULTUSER_PASS"] = adminPassword;
        }

        return env;
    }

    /// <summary>SIGKILL (with its child processes): the server dies at once, without any chance to flush or clean up. Returns when it is gone.</summary>
    public async Task KillAsync(CancellationToken cancellationToken = default)
    {
        if (process is null)
        {
            return;
        }

        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            process.WaitForExit();
        }
        catch (InvalidOperationException)
        {
            // Not started or already reaped.
        }
    }

    /// <summary>
    /// Sends SIGTERM (to the tracked PID) and waits for a graceful exit; returns the exit code. Throws <see cref="TimeoutException"/>
    /// with the output when the server has not exited within <paramref name="timeout"/> (it is then left running for dispose to kill).
    /// </summary>
    public async Task<int> TerminateAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var current = Current;
        if (!current.HasExited)
        {
            using var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-TERM", current.Id.ToString(CultureInfo.InvariantCulture) }, UseShellExecute = false })!;
            await kill.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        }

        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        try
        {
            await current.WaitForExitAsync(cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"herald did not exit within {timeout} after SIGTERM. Output:\n{Log}");
        }

        current.WaitForExit();
        return current.ExitCode;
    }

    /// <summary>Waits until the process exits by itself (a crash, a shutdown) for up to <paramref name="timeout"/>; false when it still runs.</summary>
    public async Task<bool> WaitForExitAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var current = Current;
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        try
        {
            await current.WaitForExitAsync(cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }

        current.WaitForExit();
        return true;
    }

    /// <summary>Waits until <see cref="Log"/> contains <paramref name="text"/>; throws <see cref="TimeoutException"/> with the log when it does not within <paramref name="timeout"/>.</summary>
    public async Task WaitForLogAsync(string text, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (Log.Contains(text, StringComparison.Ordinal))
            {
                return;
            }

            await Task.Delay(50, cancellationToken).ConfigureAwait(false);
        }

        if (!Log.Contains(text, StringComparison.Ordinal))
        {
            throw new TimeoutException($"The log did not contain \"{text}\" within {timeout.TotalSeconds} s:\n{Log}");
        }
    }

    /// <summary>Kills the process if it still runs (see <see cref="KillAsync"/>) and releases the client; the working directory is left to its owner.</summary>
    public async ValueTask DisposeAsync()
    {
        await KillAsync(CancellationToken.None).ConfigureAwait(false);
        client?.Dispose();
        process?.Dispose();
    }

    private string Stream(bool isError)
    {
        lock (linesGate)
        {
            return string.Join("\n", lines.Where(l => l.IsError == isError).Select(l => l.Line));
        }
    }

    private void Launch(int port)
    {
        Port = port;
        var psi = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = info.WorkDir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(Repository.ServerDll);
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

        // Keep the config file search inside the working directory: no user or system env file may leak in.
        psi.Environment["XDG_CONFIG_HOME"] = Path.Combine(info.WorkDir, ".xdg-config");
        psi.Environment["HOME"] = info.WorkDir;
        psi.Environment["NOCOLOR"] = "1";
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        psi.Environment["DOTNET_NOLOGO"] = "1";

        if (info.DefaultEnv)
        {
            foreach (var (key, value) in DefaultEnvironment(info.WorkDir, port, info.AdminPassword))
            {
                psi.Environment[key] = value;
            }

            // On a database server, a database of its own, unless the test picked the database itself.
            if (!TestEngine.IsSqlite && !info.Env.ContainsKey("GOTIFY_DATABASE_DIALECT") && !info.Env.ContainsKey("GOTIFY_DATABASE_CONNECTION"))
            {
                Database ??= TestEngine.DatabaseFor(info.WorkDir);
                foreach (var (key, value) in Database.Environment)
                {
                    psi.Environment[key] = value;
                }
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

        process?.Dispose();
        var started = new Process { StartInfo = psi, EnableRaisingEvents = true };
        started.OutputDataReceived += (_, e) => Append(isError: false, e.Data);
        started.ErrorDataReceived += (_, e) => Append(isError: true, e.Data);
        started.Start();
        process = started;
        started.BeginOutputReadLine();
        started.BeginErrorReadLine();
    }

    private void Append(bool isError, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (linesGate)
        {
            lines.Add((isError, line));
        }
    }

    private async Task WaitForReadyOutputAsync(string text, CancellationToken cancellationToken)
    {
        var current = process!;
        var deadline = DateTime.UtcNow + StartTimeout;
        while (DateTime.UtcNow < deadline)
        {
            if (Log.Contains(text, StringComparison.Ordinal))
            {
                return;
            }

            if (current.HasExited)
            {
                current.WaitForExit();
                throw new InvalidOperationException($"herald exited with code {current.ExitCode} before writing \"{text}\". Output:\n{Log}");
            }

            await Task.Delay(50, cancellationToken).ConfigureAwait(false);
        }

        throw new TimeoutException($"herald did not write \"{text}\" within {StartTimeout}. Output:\n{Log}");
    }

    private async Task WaitForHealthAsync(CancellationToken cancellationToken)
    {
        var current = process!;
        using var probe = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var health = new Uri(BaseAddress, "health");
        var deadline = DateTime.UtcNow + StartTimeout;
        while (DateTime.UtcNow < deadline)
        {
            if (current.HasExited)
            {
                current.WaitForExit();
                throw new InvalidOperationException($"herald exited with code {current.ExitCode} before answering /health. Output:\n{Log}");
            }

            try
            {
                using var response = await probe.GetAsync(health, cancellationToken).ConfigureAwait(false);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
            }

            await Task.Delay(50, cancellationToken).ConfigureAwait(false);
        }

        throw new TimeoutException($"herald did not answer GET /health within {StartTimeout}. Output:\n{Log}");
    }
}
