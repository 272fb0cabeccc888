using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;

namespace Herald.Plugins.Tests.Infrastructure;

/// <summary>
/// A real Herald: the built <c>herald.dll serve</c> as a child process on a free loopback port, with its database,
/// images and plugins in a temp folder, and its log captured so tests can assert what it says.
/// </summary>
public sealed class HeraldProcess : IAsyncDisposable
{
    private readonly StringBuilder log = new();
    private readonly Lock logGate = new();
    private Process? process;

    public HeraldProcess(string dataDir, IReadOnlyDictionary<string, string>? environment = null)
    {
        DataDir = dataDir;
        PluginsDir = Path.Combine(dataDir, "plugins");
        Directory.CreateDirectory(PluginsDir);
        Environment = environment ?? new Dictionary<string, string>();
    }

    public string DataDir { get; }

    public string PluginsDir { get; }

    public IReadOnlyDictionary<string, string> Environment { get; }

    public int Port { get; private set; }

    public string DatabasePath => Path.Combine(DataDir, "gotify.db");

    /// <summary>An HTTP client authenticated as admin:admin.</summary>
    public HttpClient Client { get; private set; } = new();

    public Uri BaseAddress => new($"http://127.0.0.1:{Port}/");

    public bool HasExited => process?.HasExited ?? true;

    public int ExitCode => process!.ExitCode;

    public string Log
    {
        get
        {
            lock (logGate)
            {
                return log.ToString();
            }
        }
    }

    /// <summary>Starts the server and waits until <c>GET /health</c> answers; returns how long that took.</summary>
    public async Task<TimeSpan> StartAsync()
    {
        Port = FreePort();
        var start = new ProcessStartInfo("dotnet", [Repository.ServerDll, "serve"])
        {
            WorkingDirectory = DataDir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["GOTIFY_SERVER_LISTENADDR"] = "127.0.0.1";
        start.Environment["GOTIFY_SERVER_PORT"] = Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["GOTIFY_DATABASE_CONNECTION"] = DatabasePath;
        start.Environment["GOTIFY_UPLOADEDIMAGESDIR"] = Path.Combine(DataDir, "images");
        start.Environment["GOTIFY_PLUGINSDIR"] = PluginsDir;
        start.Environment["GOTIFY_PASSSTRENGTH"] = "4";
        foreach (var (key, value) in Environment)
        {
            start.Environment[key] = value;
        }

        var stopwatch = Stopwatch.StartNew();
        process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        Client.Dispose();
        Client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.ASCII.GetBytes("admin:admin")));
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"Herald exited with {process.ExitCode} during start-up:\n{Log}");
            }

            try
            {
                using var response = await Client.GetAsync("health");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return stopwatch.Elapsed;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(20);
        }

        throw new TimeoutException($"Herald did not answer /health within 60 s:\n{Log}");
    }

    /// <summary>Stops the server with SIGTERM-like shutdown (kill after a grace period) and waits for it.</summary>
    public async Task StopAsync()
    {
        if (process is null || process.HasExited)
        {
            return;
        }

        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
    }

    /// <summary>Waits until the process exits by itself (a crash), up to <paramref name="timeout"/>.</summary>
    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process!.WaitForExitAsync(cts.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Waits until the log contains <paramref name="text"/>; fails with the log when it does not within <paramref name="timeout"/>.</summary>
    public async Task WaitForLogAsync(string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (Log.Contains(text, StringComparison.Ordinal))
            {
                return;
            }

            await Task.Delay(50);
        }

        Assert.Fail($"The log did not contain \"{text}\" within {timeout.TotalSeconds} s:\n{Log}");
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        Client.Dispose();
        process?.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (logGate)
        {
            log.AppendLine(line);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
