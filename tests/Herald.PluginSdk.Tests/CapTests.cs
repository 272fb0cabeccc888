using Herald.PluginSdk.Tests.Infrastructure;
using Herald.PluginTool.Capping;
using Herald.PluginTool.Servers;

namespace Herald.PluginSdk.Tests;

/// <summary>
/// <c>herald-plugin cap</c> on hand-made plugin projects (real restores against the packed SDK and the package cache),
/// including the gaps of gomod-cap: the direction of the comparison, transitive references and central package
/// management.
/// </summary>
[Collection(SdkCollection.Name)]
public sealed class CapTests(PackedPackages packages)
{
    private static string ServerDepsJson => Path.Combine(Path.GetDirectoryName(Repository.ServerDll)!, "herald.deps.json");

    [Fact]
    public async Task CapCheck_DirectNewerFrameworkPackage_ReportsItAndChangesNothing()
    {
        // --check is gomod-cap -check: one line per incompatible reference, exit 1, files untouched.
        var project = Project("direct-check", """<PackageReference Include="Microsoft.Extensions.Logging.Abstractions" Version="11.0.0" />""");
        var before = await File.ReadAllTextAsync(project);

        var (exit, output) = await CapAsync(ServerDepsJson, project, check: true);

        Assert.Equal(1, exit);
        Assert.Contains("Found incompatible package reference: package Microsoft.Extensions.Logging.Abstractions has version 11.0.0, higher than 10.0.0 (Microsoft.Extensions.Logging.Abstractions 11.0.0.0 vs 10.0.0.0 shared by herald ", output, StringComparison.Ordinal);
        Assert.Equal(before, await File.ReadAllTextAsync(project));
    }

    [Fact]
    public async Task Cap_DirectNewerFrameworkPackage_WritesServerVersionAndPasses()
    {
        // Without --check the plugin is aligned, restored and checked again, so it ends compatible.
        var project = Project("direct-cap", """<PackageReference Include="Microsoft.Extensions.Logging.Abstractions" Version="11.0.0" />""");

        var (exit, output) = await CapAsync(ServerDepsJson, project, check: false);

        Assert.True(exit == 0, output);
        Assert.Contains("""<PackageReference Include="Microsoft.Extensions.Logging.Abstractions" Version="10.0.0" />""", await File.ReadAllTextAsync(project), StringComparison.Ordinal);
        Assert.Equal(0, (await CapAsync(ServerDepsJson, project, check: true)).Exit);
    }

    [Fact]
    public async Task Cap_OlderFrameworkPackage_IsLeftAlone()
    {
        // gomod-cap's direction gap: it "capped" lower versions up. An older shared assembly binds to the server's, so it stays.
        var project = Project("older", """<PackageReference Include="Microsoft.Extensions.Logging.Abstractions" Version="8.0.2" />""");
        var before = await File.ReadAllTextAsync(project);

        var (exit, output) = await CapAsync(ServerDepsJson, project, check: false);

        Assert.Equal(0, exit);
        Assert.Contains("Found shared package Microsoft.Extensions.Logging.Abstractions 8.0.2", output, StringComparison.Ordinal);
        Assert.DoesNotContain("incompatible", output, StringComparison.Ordinal);
        Assert.Equal(before, await File.ReadAllTextAsync(project));
    }

    [Fact]
    public async Task CapCheck_TransitiveSharedPackages_ReportsTheirRoute()
    {
        // gomod-cap's transitive gap: shared packages pulled in by another package are found and traced to it.
        var project = Project("transitive", """<PackageReference Include="Microsoft.Extensions.Logging" Version="11.0.0" />""");

        var (exit, output) = await CapAsync(ServerDepsJson, project, check: true);

        Assert.Equal(1, exit);
        Assert.Contains("package Microsoft.Extensions.Logging has version 11.0.0, higher than 10.0.0", output, StringComparison.Ordinal);
        Assert.Contains("package Microsoft.Extensions.Logging.Abstractions has version 11.0.0 (through Microsoft.Extensions.Logging 11.0.0), higher than 10.0.0", output, StringComparison.Ordinal);
        Assert.Contains("package Microsoft.Extensions.Options has version 11.0.0 (through Microsoft.Extensions.Logging 11.0.0), higher than 10.0.0", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cap_CentralPackageManagement_EditsDirectoryPackagesProps()
    {
        // gomod-cap's CPM gap: the version lives in Directory.Packages.props, so that is the file to change.
        var folder = packages.NewFolder("cpm");
        await File.WriteAllTextAsync(Path.Combine(folder, "Directory.Packages.props"), """
            <Project>
              <PropertyGroup>
                <ManagePackageVersionsCentrally>true</ManagePackageVersionsCentrally>
              </PropertyGroup>
              <ItemGroup>
                <!-- logging for the plugin -->
                <PackageVersion Include="Microsoft.Extensions.Logging.Abstractions" Version="11.0.0" />
                <PackageVersion Include="Herald.PluginSdk" Version="VERSION" />
              </ItemGroup>
            </Project>
            """.Replace("VERSION", packages.Version, StringComparison.Ordinal));
        var project = Project("cpm-plugin", """<PackageReference Include="Microsoft.Extensions.Logging.Abstractions" />""", folder, versionlessSdk: true);
        var before = await File.ReadAllTextAsync(project);

        var (exit, output) = await CapAsync(ServerDepsJson, project, check: false);

        Assert.True(exit == 0, output);
        var props = await File.ReadAllTextAsync(Path.Combine(folder, "Directory.Packages.props"));
        Assert.Contains("""<PackageVersion Include="Microsoft.Extensions.Logging.Abstractions" Version="10.0.0" />""", props, StringComparison.Ordinal);
        Assert.Contains("<!-- logging for the plugin -->", props, StringComparison.Ordinal);
        Assert.Equal(before, await File.ReadAllTextAsync(project));
    }

    [Fact]
    public async Task Cap_VersionOverride_EditsTheOverride()
    {
        // With CPM a project may override the central version; the override is what decides, so it is what cap edits.
        var folder = packages.NewFolder("override");
        await File.WriteAllTextAsync(Path.Combine(folder, "Directory.Packages.props"), $"""
            <Project>
              <PropertyGroup><ManagePackageVersionsCentrally>true</ManagePackageVersionsCentrally></PropertyGroup>
              <ItemGroup>
                <PackageVersion Include="Microsoft.Extensions.Logging.Abstractions" Version="8.0.2" />
                <PackageVersion Include="Herald.PluginSdk" Version="{packages.Version}" />
              </ItemGroup>
            </Project>
            """);
        var project = Project("override-plugin", """<PackageReference Include="Microsoft.Extensions.Logging.Abstractions" VersionOverride="11.0.0" />""", folder, versionlessSdk: true);

        var (exit, output) = await CapAsync(ServerDepsJson, project, check: false);

        Assert.True(exit == 0, output);
        Assert.Contains("""VersionOverride="10.0.0" """.TrimEnd(), await File.ReadAllTextAsync(project), StringComparison.Ordinal);
        Assert.Contains("Version=\"8.0.2\"", await File.ReadAllTextAsync(Path.Combine(folder, "Directory.Packages.props")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CapCheck_PackageTheServerDoesNotShare_IsNotReported()
    {
        // The server's private dependencies (YamlDotNet here, older on the server) are never a conflict: each plugin loads its own.
        using var server = new TempDirectory("herald-sdk-cap-deps");
        var deps = DepsJson.Write(server.Path, packages: new Dictionary<string, string> { ["YamlDotNet"] = "16.0.0" });
        var project = Project("private", """<PackageReference Include="YamlDotNet" Version="18.1.0" />""");

        var (exit, output) = await CapAsync(deps, project, check: true);

        Assert.Equal(0, exit);
        Assert.DoesNotContain("YamlDotNet", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CapCheck_ServerWithOlderApi_TracesTheApiToTheSdk()
    {
        // The plugin API reaches a plugin through Herald.PluginSdk; on a server with an older API major the route is named.
        using var server = new TempDirectory("herald-sdk-cap-deps");
        var deps = DepsJson.Write(server.Path, apiVersion: "0.9.0", apiAssemblyVersion: "0.9.0.0");
        var project = Project("old-api", string.Empty);

        var (exit, output) = await CapAsync(deps, project, check: true);

        Assert.Equal(1, exit);
        Assert.Contains($"package Herald.PluginApi has version {packages.Version} (through Herald.PluginSdk {packages.Version}), higher than 0.9.0 (Herald.PluginApi 1.0.0.0 vs 0.9.0.0", output, StringComparison.Ordinal);
    }

    private string Project(string name, string references, string? folder = null, bool versionlessSdk = false)
    {
        var directory = Path.Combine(folder ?? packages.NewFolder(name), name);
        Directory.CreateDirectory(directory);
        var sdk = versionlessSdk ? """<PackageReference Include="Herald.PluginSdk" />""" : $"""<PackageReference Include="Herald.PluginSdk" Version="{packages.Version}" />""";
        var path = Path.Combine(directory, name + ".csproj");
        File.WriteAllText(path, $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
              </PropertyGroup>
              <ItemGroup>
                {sdk}
                {references}
              </ItemGroup>
            </Project>
            """);
        return path;
    }

    private static async Task<(int Exit, string Output)> CapAsync(string depsJson, string project, bool check)
    {
        using var output = new StringWriter();
        var exit = await new Capper(ServerTarget.Load(depsJson, null), project, output).RunAsync(check, CancellationToken.None);
        return (exit, output.ToString());
    }
}
