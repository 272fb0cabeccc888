using System.Diagnostics;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Herald.Bench.Plugin;
using Herald.PluginHosting.Compatibility;
using Herald.Server.Configuration;
using Herald.Server.Hosting;
using Microsoft.Extensions.Logging.Abstractions;

// The plugin benchmark (bench/plugins/README.md):
//  1. webhook: requests/s of one handler served as a plugin webhook vs. the same handler as a built-in route, in the
//     same Herald process (target: plugin >= 0.8 x built-in);
//  2. startup: time from process start to GET /health answering, with 20 plugins in the folder vs. none (target: < 1 s more).
// Load goes to 127.0.0.1 only; every loop is bounded in time; every child process is stopped.
var root = FindRoot();
var seconds = args.Length > 0 && int.TryParse(args[0], out var s) ? s : 4;
var work = Path.Combine(Path.GetTempPath(), "herald-plugin-bench-" + Guid.NewGuid().ToString("N")[..8]);
Directory.CreateDirectory(work);
try
{
    Console.WriteLine("Building 20 copies of the bench plugin (distinct module paths)...");
    var packages = await BuildPluginsAsync(root, work, 20);

    var (plugin, builtin, ratio) = await WebhookAsync(work, packages[0], TimeSpan.FromSeconds(seconds));
    Console.WriteLine($"webhook: plugin {plugin:F0} req/s, built-in {builtin:F0} req/s (medians), median ratio {ratio:F2} (target >= 0.80) {(ratio >= 0.8 ? "PASS" : "FAIL")}");

    var (none, twenty) = await StartupAsync(root, work, packages);
    var delta = twenty - none;
    Console.WriteLine($"startup: no plugins {none.TotalMilliseconds:F0} ms, 20 plugins {twenty.TotalMilliseconds:F0} ms, +{delta.TotalMilliseconds:F0} ms (target < 1000 ms) {(delta < TimeSpan.FromSeconds(1) ? "PASS" : "FAIL")}");
    return ratio >= 0.8 && delta < TimeSpan.FromSeconds(1) ? 0 : 1;
}
finally
{
    try
    {
        Directory.Delete(work, recursive: true);
    }
    catch (IOException)
    {
    }
}

static string FindRoot()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
    {
        if (File.Exists(Path.Combine(dir.FullName, "Herald.slnx")))
        {
            return dir.FullName;
        }
    }

    throw new InvalidOperationException("Herald.slnx not found");
}

static async Task<List<string>> BuildPluginsAsync(string root, string work, int count)
{
    var project = Path.Combine(root, "bench", "plugins", "BenchPlugin", "BenchPlugin.csproj");
    var packages = new List<string>();
    for (var i = 0; i < count; i++)
    {
        var output = Path.Combine(work, "build", i.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await RunAsync("dotnet", ["build", project, "-c", "Release", "-nologo", "-v:q", "-nodeReuse:false", $"-p:BenchPluginIndex={i}", $"-p:IntermediateOutputPath=obj/bench-{i}/", "-o", output]);
        // `-o` also sends the referenced Herald.PluginApi's own output there; a package must not ship it.
        foreach (var extra in Directory.EnumerateFiles(output, "*.pdb").Concat(Directory.EnumerateFiles(output, "Herald.PluginApi.*")))
        {
            File.Delete(extra);
        }

        ManifestWriter.Write(output, ManifestWriter.Create(output, "Herald.Bench.Plugin.dll"));
        var zip = Path.Combine(work, $"bench-{i:00}.zip");
        ZipFile.CreateFromDirectory(output, zip);
        packages.Add(zip);
    }

    return packages;
}

static async Task<(double Plugin, double BuiltIn, double Ratio)> WebhookAsync(string work, string package, TimeSpan duration)
{
    var dir = Path.Combine(work, "webhook");
    Directory.CreateDirectory(Path.Combine(dir, "plugins"));
    File.Copy(package, Path.Combine(dir, "plugins", "bench.zip"));
    var port = FreePort();
    var settings = SettingsLoader.Load(
        new Dictionary<string, string>
        {
            ["GOTIFY_SERVER_LISTENADDR"] = "127.0.0.1",
            ["GOTIFY_SERVER_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["GOTIFY_DATABASE_CONNECTION"] = Path.Combine(dir, "gotify.db"),
            ["GOTIFY_UPLOADEDIMAGESDIR"] = Path.Combine(dir, "images"),
            ["GOTIFY_PLUGINSDIR"] = Path.Combine(dir, "plugins"),
            ["GOTIFY_PASSSTRENGTH"] = "4",
            ["GOTIFY_LOGLEVEL"] = "warn",
        },
        dir);
    StartupTasks.CreateFolders(settings);
    await using var store = await StartupTasks.OpenStoreAsync(settings, TimeProvider.System, NullLogger.Instance, CancellationToken.None);
    await StartupTasks.PrepareDatabaseAsync(store, settings, TimeProvider.System, NullLogger.Instance, CancellationToken.None);
    var app = HeraldServer.Build(settings, store);
    // The same handler as a route of the server itself, under the webhook prefix so that both requests take the same
    // middleware path (webhooks skip the API's JSON/CORS middleware); the literal segment wins over {token}.
    app.MapGet("/plugin/{id}/custom/builtin/{**rest}", (HttpContext context) => BenchHandlers.HookAsync(context, context.RequestAborted));
    await app.StartAsync();
    try
    {
        using var admin = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.ASCII.GetBytes("admin:admin")));
        var item = (await admin.GetFromJsonAsync<JsonElement[]>("plugin"))!.Single();
        var id = item.GetProperty("id").GetInt64();
        (await admin.PostAsync($"plugin/{id}/enable", null)).EnsureSuccessStatusCode();
        var pluginUrl = $"http://127.0.0.1:{port}/plugin/{id}/custom/{item.GetProperty("token").GetString()}/hook?name=bench";
        var builtinUrl = $"http://127.0.0.1:{port}/plugin/{id}/custom/builtin/hook?name=bench";

        Console.WriteLine("Warming up...");
        await LoadAsync(pluginUrl, TimeSpan.FromSeconds(2));
        await LoadAsync(builtinUrl, TimeSpan.FromSeconds(2));
        var pluginRuns = new List<double>();
        var builtinRuns = new List<double>();
        var ratios = new List<double>();
        for (var round = 0; round < 5; round++)
        {
            // Back to back and in alternating order, and compared per round, so that drift in machine load (other
            // builds on the shared cores) hits both sides of one ratio alike.
            if (round % 2 == 0)
            {
                pluginRuns.Add(await LoadAsync(pluginUrl, duration));
                builtinRuns.Add(await LoadAsync(builtinUrl, duration));
            }
            else
            {
                builtinRuns.Add(await LoadAsync(builtinUrl, duration));
                pluginRuns.Add(await LoadAsync(pluginUrl, duration));
            }

            ratios.Add(pluginRuns[^1] / builtinRuns[^1]);
            Console.WriteLine($"  round {round + 1}: plugin {pluginRuns[^1]:F0} req/s, built-in {builtinRuns[^1]:F0} req/s, ratio {ratios[^1]:F2}");
        }

        return (Median(pluginRuns), Median(builtinRuns), Median(ratios));
    }
    finally
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}

static async Task<double> LoadAsync(string url, TimeSpan duration)
{
    const int Connections = 32;
    using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = Connections, PooledConnectionLifetime = Timeout.InfiniteTimeSpan };
    using var client = new HttpClient(handler);
    using (var check = await client.GetAsync(url))
    {
        if (check.StatusCode != HttpStatusCode.OK || await check.Content.ReadAsStringAsync() != "ok bench")
        {
            throw new InvalidOperationException($"{url} answered {check.StatusCode}");
        }
    }

    long completed = 0;
    var stopwatch = Stopwatch.StartNew();
    var end = DateTime.UtcNow + duration;
    var workers = Enumerable.Range(0, Connections).Select(async _ =>
    {
        while (DateTime.UtcNow < end)
        {
            using var response = await client.GetAsync(url, HttpCompletionOption.ResponseContentRead);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                throw new InvalidOperationException($"{url} answered {response.StatusCode}");
            }

            Interlocked.Increment(ref completed);
        }
    });
    await Task.WhenAll(workers);
    return completed / stopwatch.Elapsed.TotalSeconds;
}

static async Task<(TimeSpan None, TimeSpan Twenty)> StartupAsync(string root, string work, List<string> packages)
{
    var server = Path.Combine(root, "src", "Herald.Server", "bin", "Release", "net10.0", "herald.dll");
    if (!File.Exists(server))
    {
        await RunAsync("dotnet", ["build", Path.Combine(root, "src", "Herald.Server", "Herald.Server.csproj"), "-c", "Release", "-nologo", "-v:q", "-nodeReuse:false"]);
    }

    var none = new List<TimeSpan>();
    var twenty = new List<TimeSpan>();
    for (var run = 0; run < 3; run++)
    {
        none.Add(await StartOnceAsync(server, Path.Combine(work, $"start-none-{run}"), []));
        twenty.Add(await StartOnceAsync(server, Path.Combine(work, $"start-twenty-{run}"), packages));
        Console.WriteLine($"  run {run + 1}: no plugins {none[^1].TotalMilliseconds:F0} ms, 20 plugins {twenty[^1].TotalMilliseconds:F0} ms");
    }

    return (Median(none), Median(twenty));
}

static async Task<TimeSpan> StartOnceAsync(string server, string dir, List<string> packages)
{
    Directory.CreateDirectory(Path.Combine(dir, "plugins"));
    foreach (var package in packages)
    {
        File.Copy(package, Path.Combine(dir, "plugins", Path.GetFileName(package)));
    }

    var port = FreePort();
    var start = new ProcessStartInfo("dotnet", [server, "serve"]) { WorkingDirectory = dir, RedirectStandardOutput = true, RedirectStandardError = true };
    start.Environment["GOTIFY_SERVER_LISTENADDR"] = "127.0.0.1";
    start.Environment["GOTIFY_SERVER_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
    start.Environment["GOTIFY_DATABASE_CONNECTION"] = Path.Combine(dir, "gotify.db");
    start.Environment["GOTIFY_UPLOADEDIMAGESDIR"] = Path.Combine(dir, "images");
    start.Environment["GOTIFY_PLUGINSDIR"] = Path.Combine(dir, "plugins");
    start.Environment["GOTIFY_PASSSTRENGTH"] = "4";

    // Each run starts from an existing database (admin user and plugin confs created), as every start but the first does.
    await StartAndMeasureAsync(start, port);
    return await StartAndMeasureAsync(start, port);
}

static async Task<TimeSpan> StartAndMeasureAsync(ProcessStartInfo start, int port)
{
    using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
    var stopwatch = Stopwatch.StartNew();
    using var process = Process.Start(start)!;
    process.OutputDataReceived += (_, _) => { };
    process.ErrorDataReceived += (_, _) => { };
    process.BeginOutputReadLine();
    process.BeginErrorReadLine();
    try
    {
        while (stopwatch.Elapsed < TimeSpan.FromSeconds(60))
        {
            try
            {
                using var response = await client.GetAsync($"http://127.0.0.1:{port}/health");
                if (response.IsSuccessStatusCode)
                {
                    return stopwatch.Elapsed;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(5);
        }

        throw new TimeoutException("Herald did not start within 60 s");
    }
    finally
    {
        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
    }
}

static T Median<T>(List<T> values) => values.Order().ElementAt(values.Count / 2);

static int FreePort()
{
    using var listener = new TcpListener(IPAddress.Loopback, 0);
    listener.Start();
    return ((IPEndPoint)listener.LocalEndpoint).Port;
}

static async Task RunAsync(string file, string[] arguments)
{
    var start = new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
    start.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
    using var process = Process.Start(start)!;
    var output = process.StandardOutput.ReadToEndAsync();
    var error = process.StandardError.ReadToEndAsync();
    using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
    try
    {
        await process.WaitForExitAsync(timeout.Token);
    }
    catch (OperationCanceledException)
    {
        process.Kill(entireProcessTree: true);
    }

    if (!process.HasExited || process.ExitCode != 0)
    {
        throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} failed:\n{await output}\n{await error}");
    }
}
