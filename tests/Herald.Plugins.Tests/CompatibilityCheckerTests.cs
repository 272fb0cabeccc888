using System.Text.Json.Nodes;
using Herald.PluginApi;
using Herald.PluginHosting.Compatibility;
using Herald.Plugins.Tests.Infrastructure;

namespace Herald.Plugins.Tests;

/// <summary>
/// The compatibility check on its own, as the offline <c>herald-plugin check</c> tool will run it: packages built from
/// the fixture projects, checked against this server's environment or a different one, without loading any code.
/// </summary>
[Collection(PluginCollection.Name)]
public sealed class CompatibilityCheckerTests(FixturePlugins fixtures) : IDisposable
{
    private readonly TempDirectory temp = new("herald-plugins");
    private readonly ServerEnvironment server = ServerEnvironment.Current(typeof(IPlugin).Assembly.GetName().Version!);

    public void Dispose() => temp.Dispose();

    // Invariant: everything the listing shows about a plugin comes from metadata, before any plugin code runs.
    [Fact]
    public void Check_EchoPackage_CompatibleWithInfoFromMetadata()
    {
        var folder = fixtures.DeployFolder("Echo", temp.Path, "echo");
        var report = new CompatibilityChecker(server).Check("echo", PluginSourceKind.Folder, folder);
        Assert.True(report.IsCompatible, report.Error);
        var d = report.Descriptor!;
        Assert.Equal(("herald.test/echo", "test plugin", "1.0.0", "Herald", "MIT"), (d.ModulePath, d.Name, d.Version, d.Author, d.License));
        Assert.Equal("Herald.Fixtures.EchoFactory", d.PluginTypeName);
        Assert.Empty(report.Warnings);
    }

    // Invariant: the manifest cannot claim another identity than the code it ships.
    [Fact]
    public void Check_ManifestModulePathDiffersFromCode_FailsWithExactSentence()
    {
        var folder = fixtures.DeployFolder("Echo", temp.Path, "echo");
        var manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "plugin.json")))!;
        manifest["modulePath"] = "github.com/someone/else";
        File.WriteAllText(Path.Combine(folder, "plugin.json"), manifest.ToJsonString());
        Assert.Equal(
            "Plugin 'echo' declares module path github.com/someone/else in plugin.json, but its plugin type says herald.test/echo; rebuild the package so that both agree.",
            new CompatibilityChecker(server).Check("echo", PluginSourceKind.Folder, folder).Error);
    }

    // Invariant: a folder or zip needs its manifest; only a single dll may come without one.
    [Fact]
    public void Check_FolderWithoutManifest_FailsWithExactSentence()
    {
        var folder = fixtures.DeployFolder("Echo", temp.Path, "echo");
        File.Delete(Path.Combine(folder, "plugin.json"));
        Assert.Equal(
            "Plugin 'echo' has no plugin.json at its root; build the package with the Herald plugin SDK, or put a single plugin .dll without dependencies into the plugins folder instead.",
            new CompatibilityChecker(server).Check("echo", PluginSourceKind.Folder, folder).Error);
    }

    // Invariant: a package missing a file it lists is reported as incomplete, not as a load error later.
    [Fact]
    public void Check_ListedFileMissing_FailsWithExactSentence()
    {
        var folder = fixtures.DeployFolder("ConflictA", temp.Path, "conflict");
        File.Delete(Path.Combine(folder, "Herald.Fixture.Greeting.dll"));
        Assert.Equal(
            "Plugin 'conflict' is incomplete: Herald.Fixture.Greeting.dll is listed in plugin.json but missing; copy the package again or rebuild it.",
            new CompatibilityChecker(server).Check("conflict", PluginSourceKind.Folder, folder).Error);
    }

    // Invariant: checked against another server (here one on an older .NET), the same package gets that server's verdict.
    [Fact]
    public void Check_ServerOnOlderRuntime_FrameworkTooNewSentence()
    {
        var folder = fixtures.DeployFolder("Echo", temp.Path, "echo");
        var older = server with { RuntimeVersion = new Version(9, 0, 11) };
        Assert.Equal(
            "Plugin 'echo' targets net10.0, but this server runs on .NET 9.0.11; rebuild it for net9.0 or upgrade Herald.",
            new CompatibilityChecker(older).Check("echo", PluginSourceKind.Folder, folder).Error);
    }

    // Invariant: the zip extractor refuses absolute and parent-relative entries before writing anything.
    [Theory]
    [InlineData("../outside.txt")] // Parent traversal.
    [InlineData("sub/../../outside.txt")] // Traversal hidden behind a sub-folder.
    [InlineData("/etc/outside.txt")] // Absolute path.
    public void Extract_EntryOutsideTarget_RefusedAndNothingWritten(string entry)
    {
        var zip = temp.Combine("evil.zip");
        using (var archive = System.IO.Compression.ZipFile.Open(zip, System.IO.Compression.ZipArchiveMode.Create))
        {
            using (var writer = new StreamWriter(archive.CreateEntry("inside.txt").Open()))
            {
                writer.Write("fine");
            }

            using (var writer = new StreamWriter(archive.CreateEntry(entry).Open()))
            {
                writer.Write("escaped");
            }
        }

        var target = temp.Combine("a", "b");
        var error = Assert.Throws<PackageException>(() => PackageExtractor.Extract(zip, target));
        Assert.Equal($"contains the entry '{entry}', which would be written outside the folder the package is extracted to", error.Problem);
        Assert.False(File.Exists(Path.Combine(target, "inside.txt")));
        Assert.False(File.Exists(temp.Combine("a", "outside.txt")));
    }
}
