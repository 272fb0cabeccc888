using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Herald.Web.Tests.Infrastructure;

/// <summary>
/// A real Herald: the built <c>herald.dll serve</c> as a child process on a free loopback port, with its database,
/// images and plugins in a temp folder (default user admin/admin), and its output captured for failure messages.
/// </summary>
public sealed class HeraldProcess : IAsyncDisposable
{
    private readonly TempDirectory data = new("herald-web");
    private readonly StringBuilder log = new();
    private readonly Lock logGate = new();
    private Process? process;

    public HeraldProcess()
    {
        PluginsDir = Path.Combine(data.Path, "plugins");
        Directory.CreateDirectory(PluginsDir);
    }

    public string DataDir => data.Path;

    public string PluginsDir { get; }

    public int Port { get; private set; }

    /// <summary>http://127.0.0.1:port/</summary>
    public Uri BaseAddress => new($"http://127.0.0.1:{Port}/");

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

    /// <summary>Starts the server and waits until <c>GET /health</c> answers.</summary>
    public async Task StartAsync()
    {
        Port = FreePort();
        var start = new ProcessStartInfo("dotnet", [Repository.ServerDll, "serve"])
        {
            WorkingDirectory = data.Path,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["GOTIFY_SERVER_LISTENADDR"] = "127.0.0.1";
        start.Environment["GOTIFY_SERVER_PORT"] = Port.ToString(CultureInfo.InvariantCulture);
        start.Environment["GOTIFY_DATABASE_CONNECTION"] = Path.Combine(data.Path, "gotify.db");
        start.Environment["GOTIFY_UPLOADEDIMAGESDIR"] = Path.Combine(data.Path, "images");
        start.Environment["GOTIFY_PLUGINSDIR"] = PluginsDir;
        start.Environment["GOTIFY_PASSSTRENGTH"] = "4";

        process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var probe = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"Herald exited with {process.ExitCode} during start-up:\n{Log}");
            }

            try
            {
                using var response = await probe.GetAsync("health");
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

            await Task.Delay(50);
        }

        throw new TimeoutException($"Herald did not answer /health within 60 s:\n{Log}");
    }

    public async ValueTask DisposeAsync()
    {
        if (process is { HasExited: false })
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        process?.Dispose();
        data.Dispose();
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
