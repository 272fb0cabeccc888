using System.IO.Compression;
using System.Text.Json;
using Herald.PluginHosting.Compatibility;
using Herald.PluginSdk.Tests.Infrastructure;
using Herald.PluginTool.Checking;
using Herald.PluginTool.Commands;
using Herald.PluginTool.Servers;

namespace Herald.PluginSdk.Tests;

/// <summary>
/// <c>herald-plugin check</c> against hand-made packages and server descriptions: for every package a real server
/// refuses, the tool prints the sentence that server logs, and against hand-made deps.json files it gives the
/// verdict of servers that are not running here.
/// </summary>
[Collection(SdkCollection.Name)]
public sealed class CheckTests(CheckTests.Cases fixture) : IClassFixture<CheckTests.Cases>
{
    private static string ServerDepsJson => Path.Combine(Path.GetDirectoryName(Repository.ServerDll)!, "herald.deps.json");

    /// <summary>The built cases and a plugins folder of broken packages made from them.</summary>
    public sealed class Cases(PackedPackages packages) : IAsyncLifetime
    {
        public CheckCases Built { get; private set; } = null!;

        private readonly TempDirectory folder = new("herald-sdk-check");

        /// <summary>A plugins folder's worth of entries the server refuses, each named for what is wrong with it.</summary>
        public string Broken => folder.Combine("broken");

        public async Task InitializeAsync()
        {
            Built = await CheckCases.BuildAsync(packages);
            Directory.CreateDirectory(Broken);
            foreach (var name in new[] { "NoType", "TwoTypes", "NoInfo", "NewerFramework", "OldFramework", "NewerShared", "ApiNewerMinor" })
            {
                File.Copy(Built.Dll(name), Path.Combine(Broken, name + ".dll"));
            }

            // A library that is no plugin at all.
            File.Copy(Path.Combine(AppContext.BaseDirectory, "NuGet.Versioning.dll"), Path.Combine(Broken, "NuGet.Versioning.dll"));

            // The good plugin's assembly without its dependency.
            File.Copy(Built.Dll("Good"), Path.Combine(Broken, "Unresolved.dll"));

            var native = Path.Combine(Broken, "native-only-s390x");
            Copy(Built.Output("Native"), native);
            ManifestWriter.Write(native, ManifestWriter.Create(native, "Native.dll"));

            var good = Path.Combine(folder.Path, "good");
            ZipFile.ExtractToDirectory(Built.GoodZip, good);
            Variant(good, "no-manifest", dir => File.Delete(Path.Combine(dir, "plugin.json")));
            Variant(good, "bad-manifest", dir => File.WriteAllText(Path.Combine(dir, "plugin.json"), """{"manifestVersion": 1, "entryAssembly": "Good.dll"}"""));
            Variant(good, "tampered", dir => File.AppendAllText(Path.Combine(dir, "YamlDotNet.dll"), "x"));
            Variant(good, "incomplete", dir => File.Delete(Path.Combine(dir, "YamlDotNet.dll")));
            Variant(good, "renamed", dir => EditManifest(dir, "modulePath", "herald.test/someone-else"));
            Variant(good, "no-entry", dir => EditManifest(dir, "entryAssembly", "Missing.dll"));
            Variant(good, "not-an-assembly", dir =>
            {
                File.WriteAllText(Path.Combine(dir, "Good.dll"), "MZ but not really");
                File.WriteAllText(Path.Combine(dir, "plugin.json"), """{"manifestVersion": 1, "modulePath": "herald.test/good", "entryAssembly": "Good.dll", "files": {}}""");
            });
            File.WriteAllText(Path.Combine(Broken, "README.txt"), "not a plugin");
            File.WriteAllText(Path.Combine(Broken, "corrupt.zip"), "this is no zip");
            using (var zip = ZipFile.Open(Path.Combine(Broken, "escape.zip"), ZipArchiveMode.Create))
            {
                using var writer = new StreamWriter(zip.CreateEntry("../escaped.txt").Open());
                writer.Write("outside");
            }
        }

        public Task DisposeAsync()
        {
            folder.Dispose();
            return Task.CompletedTask;
        }

        private void Variant(string good, string name, Action<string> change)
        {
            var target = Path.Combine(Broken, name);
            Copy(good, target);
            change(target);
        }

        private static void EditManifest(string directory, string key, string value)
        {
            var path = Path.Combine(directory, "plugin.json");
            var manifest = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(File.ReadAllText(path))!;
            manifest[key] = JsonSerializer.SerializeToElement(value);
            File.WriteAllText(path, JsonSerializer.Serialize(manifest));
        }

        private static void Copy(string from, string to)
        {
            foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
            {
                var target = Path.Combine(to, Path.GetRelativePath(from, file));
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(file, target);
            }
        }
    }

    [Fact]
    public async Task Check_EveryPackageTheServerRefuses_PrintsTheServersSentence()
    {
        // The tool's promise: offline, exactly what the server logs. Compared entry by entry with a real server's status.
        using var data = new TempDirectory("herald-sdk-check-server");
        await using var server = new HeraldProcess(new HeraldStartInfo { WorkDir = data.Path, AdminPassword = null });
        var entries = Directory.EnumerateFileSystemEntries(fixture.Broken).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        foreach (var entry in entries)
        {
            CopyEntry(Path.Combine(fixture.Broken, entry!), Path.Combine(server.PluginsDir, entry!));
        }

        await server.StartAsync();
        var items = await PluginApiClient.WaitForListAsync(server.Client, list => list.Count(i => i.GetProperty("status").GetString() == "failed") >= entries.Count, TimeSpan.FromSeconds(30));
        var checker = new PackageChecker(ServerDepsJson, null);
        foreach (var entry in entries)
        {
            using var output = new StringWriter();
            var exit = CheckCommand.Run(checker, [Path.Combine(fixture.Broken, entry!)], together: false, output, CancellationToken.None);
            var serverSays = items.Single(i => i.GetProperty("name").GetString() == entry).GetProperty("statusMessage").GetString();

            Assert.Equal(1, exit);
            Assert.StartsWith($"Plugin '{entry}'", serverSays, StringComparison.Ordinal);
            Assert.Equal(serverSays, output.ToString().Trim());
        }

        Assert.Equal(20, entries.Count);
    }

    [Theory]
    [InlineData("NoType.dll", "contains no plugin type")]
    [InlineData("NuGet.Versioning.dll", "NuGet.Versioning.dll does not reference Herald.PluginApi, so it cannot contain a plugin")]
    [InlineData("TwoTypes.dll", "contains more than one plugin type")]
    [InlineData("NoInfo.dll", "without a [PluginInfo] attribute")]
    [InlineData("NewerFramework.dll", "targets net99.0, but this server runs on .NET")]
    [InlineData("OldFramework.dll", "targets .NETFramework,Version=v4.8, which this server cannot load")]
    [InlineData("NewerShared.dll", "was built with a newer version of the shared assembly Microsoft.Extensions.Logging.Abstractions (11.0.0.0")]
    [InlineData("ApiNewerMinor.dll", "was built against Herald.PluginApi 1.99, but this server provides Herald.PluginApi 1.0")]
    [InlineData("Unresolved.dll", "needs YamlDotNet 18.0.0.0, which is neither in the package nor shared by the server")]
    [InlineData("native-only-s390x", "has no native library case for runtime identifier linux-x64 (it ships it only for linux-s390x)")]
    [InlineData("no-manifest", "has no plugin.json at its root")]
    [InlineData("bad-manifest", "has an invalid plugin.json ($.modulePath: is required")]
    [InlineData("tampered", "is damaged or was modified: YamlDotNet.dll does not match its SHA-256")]
    [InlineData("incomplete", "is incomplete: YamlDotNet.dll is listed in plugin.json but missing")]
    [InlineData("renamed", "declares module path herald.test/someone-else in plugin.json, but its plugin type says herald.test/good")]
    [InlineData("no-entry", "names Missing.dll as its entry assembly in plugin.json, but the package does not contain it")]
    [InlineData("not-an-assembly", "Good.dll is not a .NET assembly")]
    [InlineData("README.txt", "is not a plugin")]
    [InlineData("corrupt.zip", "is not a valid zip archive")]
    [InlineData("escape.zip", "contains the entry '../escaped.txt', which would be written outside the folder")]
    public void Check_BrokenPackage_NamesTheProblem(string entry, string expected)
    {
        // Each sentence names the package and the actual problem (the exact text is pinned against a server above).
        using var output = new StringWriter();

        var exit = CheckCommand.Run(new PackageChecker(ServerDepsJson, "linux-x64"), [Path.Combine(fixture.Broken, entry)], together: false, output, CancellationToken.None);

        Assert.Equal(1, exit);
        Assert.Contains($"Plugin '{entry}'", output.ToString(), StringComparison.Ordinal);
        Assert.Contains(expected, output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Check_GoodZip_IsCompatibleAndExits0()
    {
        // A plugin the SDK packed passes the check it was packed with.
        using var output = new StringWriter();

        var exit = CheckCommand.Run(new PackageChecker(ServerDepsJson, null), [fixture.Built.GoodZip], together: false, output, CancellationToken.None);

        Assert.Equal(0, exit);
        Assert.StartsWith("Plugin 'Good-1.0.0-any.zip' is compatible with herald ", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Check_ServerWithNewerApiMajor_AsksToRebuild()
    {
        // A plugin for plugin API v1 on a server implementing v2: rebuild it (the plugin is the old one).
        using var folder = new TempDirectory("herald-sdk-deps");
        var output = Run(DepsJson.Write(folder.Path, apiVersion: "2.0.0", apiAssemblyVersion: "2.0.0.0"), fixture.Built.GoodZip);

        Assert.Contains("was built against Herald.PluginApi 1.0 (plugin API v1), but this server implements plugin API v2 (Herald.PluginApi 2.0); rebuild the plugin against Herald.PluginApi 2.0", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_ServerWithOlderApiMajor_AsksToUpgradeHerald()
    {
        // The other direction: the plugin is newer than the server, so the server is what must change.
        using var folder = new TempDirectory("herald-sdk-deps");
        var output = Run(DepsJson.Write(folder.Path, apiVersion: "0.9.0", apiAssemblyVersion: "0.9.0.0"), fixture.Built.GoodZip);

        Assert.Contains("but this server implements plugin API v0 (Herald.PluginApi 0.9); upgrade Herald to a version that implements plugin API v1.", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_ServerOnOlderDotnet_SaysTheFrameworkIsTooNew()
    {
        // A net10.0 plugin for a server still on .NET 9 (not installed here: the framework is approximated, and said so).
        using var folder = new TempDirectory("herald-sdk-deps");
        var output = Run(DepsJson.Write(folder.Path, framework: "9.0"), fixture.Built.GoodZip);

        Assert.Contains("Plugin 'Good-1.0.0-any.zip' targets net10.0, but this server runs on .NET 9.0.0; rebuild it for net9.0 or upgrade Herald.", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_SamePluginTwiceTogether_IsADuplicate()
    {
        // Checking a folder's worth of packages finds what only a folder has: one module path twice.
        using var folder = new TempDirectory("herald-sdk-dup");
        var copy = Path.Combine(folder.Path, "good-copy.zip");
        File.Copy(fixture.Built.GoodZip, copy);
        using var output = new StringWriter();

        var exit = CheckCommand.Run(new PackageChecker(ServerDepsJson, null), [fixture.Built.GoodZip, copy], together: true, output, CancellationToken.None);

        Assert.Equal(1, exit);
        Assert.Contains("Plugin 'good-copy.zip' was not loaded: plugin with module path herald.test/good is present at least twice (also in 'Good-1.0.0-any.zip')", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Check_PackageShippingTheApi_WarnsLikeTheServer()
    {
        // A copy of Herald.PluginApi in a package is tolerated but ignored; the server warns, and so does the tool.
        using var folder = new TempDirectory("herald-sdk-api-copy");
        var package = Path.Combine(folder.Path, "with-api");
        ZipFile.ExtractToDirectory(fixture.Built.GoodZip, package);
        File.Copy(Path.Combine(Path.GetDirectoryName(Repository.ServerDll)!, "Herald.PluginApi.dll"), Path.Combine(package, "Herald.PluginApi.dll"));
        using var output = new StringWriter();

        var exit = CheckCommand.Run(new PackageChecker(ServerDepsJson, null), [package], together: false, output, CancellationToken.None);

        Assert.Equal(0, exit);
        Assert.Contains("Plugin 'with-api' ships its own copy of Herald.PluginApi 1.0.0.0, which is ignored", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Build_PluginTheServerWouldRefuse_FailsWithTheServersSentence()
    {
        // The SDK runs the check on every build: a plugin with two entry types never becomes a zip.
        var result = await DotnetCli.RunAsync(Path.Combine(fixture.Built.Root, "TwoTypes"), "build", "-c", "Release", "-p:HeraldPluginPackOnBuild=true");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("error HERALD001: Plugin 'TwoTypes.dll' contains more than one plugin type in TwoTypes.dll (Cases.Factory, Cases.SecondFactory)", result.Output, StringComparison.Ordinal);
    }

    private static string Run(string depsJson, string package)
    {
        using var output = new StringWriter();
        var exit = CheckCommand.Run(new PackageChecker(depsJson, null), [package], together: false, output, CancellationToken.None);
        Assert.Equal(1, exit);
        return output.ToString();
    }

    private static void CopyEntry(string from, string to)
    {
        if (File.Exists(from))
        {
            File.Copy(from, to);
            return;
        }

        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
