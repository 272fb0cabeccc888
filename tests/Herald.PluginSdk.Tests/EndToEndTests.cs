using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Reflection.PortableExecutable;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Herald.PluginSdk.Tests.Infrastructure;

namespace Herald.PluginSdk.Tests;

/// <summary>
/// What a new plugin author does, from a clean state and offline: install the template from the packed packages, create
/// a plugin, test it, build it for three runtime identifiers, check and cap it against the freshly built server, deploy
/// it into a running server, enable it, read its display, call its webhook and see the message in the API and the stream.
/// </summary>
[Collection(SdkCollection.Name)]
public sealed partial class EndToEndTests(PackedPackages packages)
{
    private static string ServerDepsJson => Path.Combine(Path.GetDirectoryName(Repository.ServerDll)!, "herald.deps.json");

    [Fact]
    public void Pack_AtRepositoryRoot_ProducesEveryPackage()
    {
        // One `dotnet pack` at the root is the release step: each of the five packages must come out of it.
        foreach (var id in PackedPackages.PackageIds)
        {
            Assert.True(File.Exists(packages.PackagePath(id)), $"{id} {packages.Version} was not packed:\n{packages.PackOutput}");
        }

        Assert.Empty(Directory.GetFiles(packages.PackagesDirectory, "Herald.Server*.nupkg"));
        Assert.DoesNotContain("warning", packages.PackOutput, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task AuthorWorkflow_TemplateToRunningServer_MessageArrives()
    {
        var folder = packages.NewFolder("author");
        var hive = Path.Combine(folder, ".template-hive");

        // dotnet new install from the nupkg: the template engine installs offline into an isolated hive.
        (await DotnetCli.RunAsync(folder, "new", "install", packages.PackagePath("Herald.PluginTemplates"), "--debug:custom-hive", hive)).EnsureSuccess("dotnet new install");
        (await DotnetCli.RunAsync(folder, "new", "herald-plugin", "-n", "MyPlugin", "--module-path", "example.com/myplugin", "--debug:custom-hive", hive)).EnsureSuccess("dotnet new herald-plugin");
        var plugin = Path.Combine(folder, "MyPlugin");
        foreach (var file in new[] { "src/MyPlugin/MyPlugin.csproj", "test/MyPlugin.Tests/MyPlugin.Tests.csproj", "README.md", ".github/workflows/build.yml", ".config/dotnet-tools.json" })
        {
            Assert.True(File.Exists(Path.Combine(plugin, file)), $"the template did not create {file}");
        }

        // The generated plugin passes its own tests as generated.
        var test = (await DotnetCli.RunAsync(plugin, "test", "MyPlugin.slnx")).EnsureSuccess("dotnet test of the generated plugin");
        Assert.Matches(@"Passed:\s+6", test.Output);

        // herald-plugin, pinned by the template's tool manifest, builds one zip per runtime identifier.
        (await DotnetCli.RunAsync(plugin, "tool", "restore")).EnsureSuccess("dotnet tool restore");
        (await DotnetCli.RunAsync(plugin, "herald-plugin", "build", "src/MyPlugin", "--rid", "linux-x64", "--rid", "linux-arm64", "--rid", "any", "-o", "dist")).EnsureSuccess("herald-plugin build");
        var dist = Path.Combine(plugin, "dist");
        Assert.Equal(Machine.Amd64, EntryMachine(Path.Combine(dist, "MyPlugin-1.0.0-linux-x64.zip")));
        Assert.Equal(Machine.Arm64, EntryMachine(Path.Combine(dist, "MyPlugin-1.0.0-linux-arm64.zip")));
        Assert.Equal(Machine.I386, EntryMachine(Path.Combine(dist, "MyPlugin-1.0.0-any.zip")));

        // The server's own check, offline, against the server built from this repository.
        var zips = Directory.GetFiles(dist, "*.zip").Order(StringComparer.Ordinal).ToArray();
        var check = (await DotnetCli.RunAsync(plugin, ["herald-plugin", "check", "--server", ServerDepsJson, .. zips])).EnsureSuccess("herald-plugin check");
        Assert.Equal(3, CompatibleLine().Count(check.Output));

        // The same check refuses the arm64 build for an x64 server, in the server's words.
        var wrongArch = await DotnetCli.RunAsync(plugin, "herald-plugin", "check", "--server", ServerDepsJson, "--rid", "linux-x64", Path.Combine(dist, "MyPlugin-1.0.0-linux-arm64.zip"));
        Assert.Equal(1, wrongArch.ExitCode);
        Assert.Contains("Plugin 'MyPlugin-1.0.0-linux-arm64.zip' was built for Arm64 (MyPlugin.dll, runtime identifier linux-arm64), but this server runs on X64 (linux-x64)", wrongArch.Output, StringComparison.Ordinal);

        var cap = (await DotnetCli.RunAsync(plugin, "herald-plugin", "cap", "--from", ServerDepsJson, "--to", "src/MyPlugin/MyPlugin.csproj", "--check")).EnsureSuccess("herald-plugin cap --check");
        Assert.Contains("Found shared package Herald.PluginApi", cap.Output, StringComparison.Ordinal);

        // Deploy: copy the zip into the plugins folder of a running server, which picks it up.
        using var data = new TempDirectory("herald-sdk-e2e");
        await using var server = new HeraldProcess(new HeraldStartInfo { WorkDir = data.Path, AdminPassword = null });
        await server.StartAsync();
        File.Copy(Path.Combine(dist, "MyPlugin-1.0.0-linux-x64.zip"), Path.Combine(server.PluginsDir, "MyPlugin-1.0.0-linux-x64.zip"));
        var listed = await PluginApiClient.WaitForListAsync(server.Client, items => items.Any(i => i.GetProperty("modulePath").GetString() == "example.com/myplugin"), TimeSpan.FromSeconds(30));
        var id = listed.Single(i => i.GetProperty("modulePath").GetString() == "example.com/myplugin").GetProperty("id").GetInt64();

        Assert.Equal(HttpStatusCode.OK, (await PluginApiClient.SendAsync(server.Client, HttpMethod.Post, $"plugin/{id}/enable")).Status);
        var display = await server.Client.GetFromJsonAsync<string>($"plugin/{id}/display");
        var webhook = WebhookUrl().Match(display!).Value;
        Assert.StartsWith($"{server.BaseAddress}plugin/{id}/custom/", webhook, StringComparison.Ordinal);

        using var stream = await OpenStreamAsync(server);
        using (var anonymous = new HttpClient())
        {
            using var posted = await anonymous.PostAsync(new Uri(webhook), new StringContent("hello from the author workflow"));
            Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
        }

        var frame = await ReceiveAsync(stream, TimeSpan.FromSeconds(15));
        Assert.Equal("hello from the author workflow", frame.GetProperty("message").GetString());
        Assert.Equal("MyPlugin", frame.GetProperty("title").GetString());

        var messages = await server.Client.GetFromJsonAsync<JsonElement>("message");
        Assert.Contains(messages.GetProperty("messages").EnumerateArray(), m => m.GetProperty("message").GetString() == "hello from the author workflow");
        Assert.Contains("1 sent so far", await server.Client.GetFromJsonAsync<string>($"plugin/{id}/display"), StringComparison.Ordinal);
    }

    /// <summary>The PE machine of the plugin assembly inside a package: I386 (with ILOnly) is AnyCPU.</summary>
    private static Machine EntryMachine(string zip)
    {
        using var archive = ZipFile.OpenRead(zip);
        using var entry = archive.GetEntry("MyPlugin.dll")!.Open();
        using var copy = new MemoryStream();
        entry.CopyTo(copy);
        copy.Position = 0;
        using var pe = new PEReader(copy);
        return pe.PEHeaders.CoffHeader.Machine;
    }

    private static async Task<ClientWebSocket> OpenStreamAsync(HeraldProcess server)
    {
        using var created = await server.Client.PostAsJsonAsync("client", new { name = "e2e" });
        var token = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString();
        var socket = new ClientWebSocket();
        await socket.ConnectAsync(new Uri($"ws://127.0.0.1:{server.Port}/stream?token={token}"), CancellationToken.None);
        return socket;
    }

    private static async Task<JsonElement> ReceiveAsync(ClientWebSocket socket, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var buffer = new byte[64 * 1024];
        var text = new StringBuilder();
        WebSocketReceiveResult result;
        do
        {
            result = await socket.ReceiveAsync(buffer, cts.Token);
            text.Append(Encoding.UTF8.GetString(buffer, 0, result.Count));
        }
        while (!result.EndOfMessage);
        return JsonDocument.Parse(text.ToString()).RootElement.Clone();
    }

    [GeneratedRegex(@"^Plugin '[^']+' is compatible with herald ", RegexOptions.Multiline)]
    private static partial Regex CompatibleLine();

    [GeneratedRegex(@"http://\S+/message")]
    private static partial Regex WebhookUrl();
}
