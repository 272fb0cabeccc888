using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Text.Json;
using Herald.Plugins.Tests.Infrastructure;

namespace Herald.Plugins.Tests;

/// <summary>
/// One server started with a plugins folder full of broken, incompatible and conflicting plugins. Each failure must be
/// one exact, actionable sentence in <c>GET /plugin</c> (and the log), and none may stop the server or another plugin.
/// </summary>
[Collection(PluginCollection.Name)]
public sealed class LoadFailureTests(LoadFailureTests.Server server)
    : IClassFixture<LoadFailureTests.Server>
{
    private static readonly string Arch = RuntimeInformation.ProcessArchitecture.ToString();
    private static readonly string OtherArch = Arch == "X64" ? "Arm64" : "X64";
    private static readonly string Rid = RuntimeInformation.RuntimeIdentifier;

    public sealed class Server : IAsyncLifetime
    {
        private readonly TempDirectory data = new("herald-plugins");

        public Server(FixturePlugins fixtures)
        {
            Herald = new HeraldProcess(new HeraldStartInfo { WorkDir = data.Path, AdminPassword = null });
            var dir = Herald.PluginsDir;
            foreach (var name in new[] { "NoPluginType", "TwoPluginTypes", "CtorThrows", "UnknownInfo", "ApiNewerMinor", "ApiOlderMajor", "WrongArch" })
            {
                fixtures.DeployDll(name, dir);
            }

            fixtures.DeployFolder("MissingNative", dir);
            fixtures.DeployFolder("OwnApiCopy", dir);
            fixtures.DeployZip("ConflictA", dir, "conflict-a.zip");
            fixtures.DeployFolder("ConflictB", dir, "conflict-b");
            fixtures.DeployZip("Echo", dir, "echo.zip");
            fixtures.DeployFolder("Echo", dir, "echo-copy");
            File.WriteAllText(Path.Combine(dir, "README.txt"), "not a plugin");
            File.Copy(Path.Combine(Repository.Root, "tests", "Herald.Fuzz", "corpus", "plugin", "crash-metadata-stream-header-overflow.dll"), Path.Combine(dir, "damaged.dll"));
            File.WriteAllText(Path.Combine(dir, ".hidden.txt"), "dot entries are ignored, as in Gotify");

            var tampered = fixtures.DeployFolder("ConflictA", dir, "tampered");
            File.AppendAllText(Path.Combine(tampered, "Herald.Fixture.Greeting.dll"), "x");

            var badManifest = Path.Combine(dir, "bad-manifest");
            Directory.CreateDirectory(badManifest);
            File.WriteAllText(Path.Combine(badManifest, "plugin.json"), """{"manifestVersion": 1, "entryAssembly": "X.dll"}""");

            using (var zip = ZipFile.Open(Path.Combine(dir, "evil.zip"), ZipArchiveMode.Create))
            {
                using var writer = new StreamWriter(zip.CreateEntry("../evil.txt").Open());
                writer.Write("escaped");
            }
        }

        public HeraldProcess Herald { get; }

        public JsonElement[] Items { get; private set; } = [];

        public async Task InitializeAsync()
        {
            await Herald.StartAsync();
            Items = await PluginApiClient.ListAsync(Herald.Client);
        }

        public async Task DisposeAsync()
        {
            await Herald.DisposeAsync();
            data.Dispose();
        }
    }

    // Invariant: every failure names the file, what it was built with, what the server provides, and what to do.
    [Theory]
    [InlineData("NoPluginType.dll", "Plugin 'NoPluginType.dll': NoPluginType.dll does not reference Herald.PluginApi, so it cannot contain a plugin; reference Herald.PluginApi 1.0 and implement IPluginFactory.")] // Gotify's broken/nothing.
    [InlineData("TwoPluginTypes.dll", "Plugin 'TwoPluginTypes.dll' contains more than one plugin type in TwoPluginTypes.dll (Herald.Fixtures.FirstFactory, Herald.Fixtures.SecondFactory); keep exactly one public class implementing Herald.PluginApi.IPluginFactory.")]
    [InlineData("CtorThrows.dll", "Plugin 'CtorThrows.dll' could not be instantiated: the constructor of Herald.Fixtures.CtorThrowsFactory threw InvalidOperationException: the fixture refuses to be constructed; fix the constructor (start work in EnableAsync, not in the constructor).")] // Gotify's broken/cantinstantiate.
    [InlineData("UnknownInfo.dll", "Plugin 'UnknownInfo.dll' has a plugin type Herald.Fixtures.UnknownInfoFactory without a [PluginInfo] attribute that names its module path, so Herald cannot tell which plugin it is; add [PluginInfo(\"your/module/path\")] to Herald.Fixtures.UnknownInfoFactory.")] // Gotify's broken/unknowninfo.
    [InlineData("ApiNewerMinor.dll", "Plugin 'ApiNewerMinor.dll' was built against Herald.PluginApi 1.1, but this server provides Herald.PluginApi 1.0; upgrade Herald to a version that ships plugin API 1.1 or later, or rebuild the plugin against Herald.PluginApi 1.0.")]
    [InlineData("ApiOlderMajor.dll", "Plugin 'ApiOlderMajor.dll' was built against Herald.PluginApi 0.9 (plugin API v0), but this server implements plugin API v1 (Herald.PluginApi 1.0); rebuild the plugin against Herald.PluginApi 1.0, or use a Herald version that implements plugin API v0.")]
    [InlineData("README.txt", "Plugin 'README.txt' is not a plugin: Herald loads .zip packages, folders with a plugin.json and single .dll files; remove it from the plugins folder or rename it to start with a dot.")] // Gotify's "non-plugin file" (Zone.Identifier) case.
    [InlineData("evil.zip", "Plugin 'evil.zip' contains the entry '../evil.txt', which would be written outside the folder the package is extracted to; the package was refused; rebuild it with the Herald plugin SDK.")]
    [InlineData("tampered", "Plugin 'tampered' is damaged or was modified: Herald.Fixture.Greeting.dll does not match its SHA-256 in plugin.json; copy the package again or rebuild it.")]
    [InlineData("bad-manifest", "Plugin 'bad-manifest' has an invalid plugin.json ($.modulePath: is required and must be a non-empty string); rebuild the package with the Herald plugin SDK.")]
    public void List_BrokenPlugin_FailedWithExactSentence(string file, string expected)
    {
        var item = Item(file);
        Assert.Equal("failed", item.GetProperty("status").GetString());
        Assert.Equal(expected, item.GetProperty("statusMessage").GetString());
        Assert.False(item.GetProperty("enabled").GetBoolean());
        Assert.Contains(expected, server.Herald.Log, StringComparison.Ordinal);
    }

    // Invariant: an assembly whose metadata tables are damaged (the fuzz target's OverflowException case) is one sentence
    // like any other non-assembly, not an exception that escapes the folder scan.
    [Fact]
    public void List_DamagedMetadata_FailedAsNotAnAssembly() =>
        Assert.Equal(
            "Plugin 'damaged.dll': damaged.dll is not a .NET assembly (the file's metadata is damaged (Arithmetic operation resulted in an overflow)); a Herald plugin is a .NET class library built against Herald.PluginApi.",
            Item("damaged.dll").GetProperty("statusMessage").GetString());

    // Invariant: a plugin stamped for another processor is refused before the runtime would throw BadImageFormat.
    [Fact]
    public void List_WrongArchitecture_FailedWithExactSentence() =>
        Assert.Equal(
            $"Plugin 'WrongArch.dll' was built for {OtherArch} (WrongArch.dll), but this server runs on {Arch} ({Rid}); rebuild it without a runtime identifier (AnyCPU) or for {Rid}.",
            Item("WrongArch.dll").GetProperty("statusMessage").GetString());

    // Invariant: a missing native library for this platform is reported from the package, not as DllNotFoundException later.
    [Fact]
    public void List_MissingNativeLibrary_FailedWithExactSentence() =>
        Assert.Equal(
            $"Plugin 'MissingNative' has no native library herald_fixture for runtime identifier {Rid} (it ships it only for linux-s390x, win-x64); publish it for {Rid} or add runtimes/{Rid}/native/ to the package.",
            Item("MissingNative").GetProperty("statusMessage").GetString());

    // Invariant: two copies of one module path: the first (in name order) loads, the second is refused with Gotify's text.
    [Fact]
    public void List_DuplicateModulePath_SecondCopyFailedFirstLoaded()
    {
        Assert.Equal(
            "Plugin 'echo.zip' was not loaded: plugin with module path herald.test/echo is present at least twice (also in 'echo-copy'); remove one of them from the plugins folder.",
            Item("echo.zip").GetProperty("statusMessage").GetString());
        var loaded = server.Items.Single(i => i.GetProperty("modulePath").GetString() == "herald.test/echo" && i.GetProperty("status").GetString() == "ok");
        Assert.Equal("test plugin", loaded.GetProperty("name").GetString());
    }

    // Invariant: a plugin's own copy of the API is ignored with a warning, and the plugin still loads against the server's.
    [Fact]
    public void List_OwnApiCopy_LoadsWithWarning()
    {
        Assert.Equal("ok", server.Items.Single(i => i.GetProperty("modulePath").GetString() == "herald.test/own-api-copy").GetProperty("status").GetString());
        Assert.Contains(
            "Plugin 'OwnApiCopy' ships its own copy of Herald.PluginApi 1.0.0.0, which is ignored: the server's Herald.PluginApi 1.0.0.0 is used; reference Herald.PluginApi with ExcludeAssets=\"runtime\" (or Private=\"false\") to leave it out of the package.",
            server.Herald.Log,
            StringComparison.Ordinal);
    }

    // Invariant: two plugins using incompatible versions of one library each get their own version.
    [Fact]
    public async Task Display_ConflictingLibraryVersions_EachPluginUsesItsOwn()
    {
        var a = server.Items.Single(i => i.GetProperty("modulePath").GetString() == "herald.test/conflict-a" && i.GetProperty("status").GetString() == "ok").GetProperty("id").GetInt64();
        var b = server.Items.Single(i => i.GetProperty("modulePath").GetString() == "herald.test/conflict-b").GetProperty("id").GetInt64();
        Assert.Equal("\"hello a from greeting v1 1.0.0.0\"", await server.Herald.Client.GetStringAsync($"plugin/{a}/display"));
        Assert.Equal("\"hello b from greeting v2 2.0.0.0\"", await server.Herald.Client.GetStringAsync($"plugin/{b}/display"));
    }

    // Invariant: a refused zip never writes outside its extraction folder; dot entries are not plugins at all.
    [Fact]
    public void Folder_ZipSlipAndDotEntries_NothingEscapesNothingListed()
    {
        Assert.False(File.Exists(Path.Combine(server.Herald.WorkDir, "evil.txt")));
        Assert.False(Directory.EnumerateFiles(server.Herald.WorkDir, "evil.txt", SearchOption.AllDirectories).Any());
        Assert.DoesNotContain(server.Items, i => i.GetProperty("name").GetString() == ".hidden.txt");
    }

    private JsonElement Item(string file) =>
        server.Items.Single(i => i.GetProperty("status").GetString() == "failed" && i.GetProperty("statusMessage").GetString()!.StartsWith($"Plugin '{file}'", StringComparison.Ordinal));
}
