using System.Diagnostics;
using System.IO.Compression;
using Herald.PluginHosting.Compatibility;

namespace Herald.Web.Tests.Infrastructure;

/// <summary>
/// A server whose plugins folder holds the echo fixture plugin (tests/fixtures/plugins/Echo) as a .zip package with
/// its generated plugin.json, as the plugin tests deploy it, plus a file that is not a plugin (so one plugin fails to
/// load). The echo source is built in a private temp project against the built Herald.PluginApi.dll, so this never
/// races the plugin tests' own build of the fixtures folder when test projects run in parallel.
/// </summary>
public sealed class PluginUiFixture : UiFixture
{
    public const string BrokenFileName = "broken-plugin.dll";

    private readonly TempDirectory build = new("herald-web-echo");

    protected override async Task PrepareAsync()
    {
        var project = Path.Combine(build.Path, "EchoUi");
        Directory.CreateDirectory(project);
        File.Copy(Path.Combine(Repository.Root, "tests", "fixtures", "plugins", "Echo", "EchoPlugin.cs"), Path.Combine(project, "EchoPlugin.cs"));
        var api = Path.Combine(Path.GetDirectoryName(Repository.ServerDll)!, "Herald.PluginApi.dll");
        await File.WriteAllTextAsync(Path.Combine(project, "EchoUi.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
                <Nullable>enable</Nullable>
                <EnableDynamicLoading>true</EnableDynamicLoading>
                <AssemblyName>Herald.Fixture.Echo</AssemblyName>
                <Version>1.0.0</Version>
                <GenerateDocumentationFile>false</GenerateDocumentationFile>
              </PropertyGroup>
              <ItemGroup>
                <FrameworkReference Include="Microsoft.AspNetCore.App" />
                <Reference Include="Herald.PluginApi" HintPath="{api}" Private="false" />
              </ItemGroup>
            </Project>
            """);

        var output = Path.Combine(build.Path, "out");
        var start = new ProcessStartInfo("dotnet", ["build", Path.Combine(project, "EchoUi.csproj"), "-c", "Release", "-o", output, "-nodeReuse:false", "-v:q", "-nologo", "-p:UseSharedCompilation=false"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = build.Path,
        };

        // Do not inherit the outer `dotnet test`'s MSBuild state.
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase) || k.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(key);
        }

        start.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        using (var process = Process.Start(start)!)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(4));
            await process.WaitForExitAsync(timeout.Token);
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"Building the echo plugin failed ({process.ExitCode}):\n{await stdout}\n{await stderr}");
            }
        }

        foreach (var pdb in Directory.EnumerateFiles(output, "*.pdb"))
        {
            File.Delete(pdb);
        }

        ManifestWriter.Write(output, ManifestWriter.Create(output, "Herald.Fixture.Echo.dll"));
        var zip = Path.Combine(build.Path, "echo.zip");
        ZipFile.CreateFromDirectory(output, zip);
        File.Move(zip, Path.Combine(Server.PluginsDir, "echo.zip"));
        await File.WriteAllTextAsync(Path.Combine(Server.PluginsDir, BrokenFileName), "this is not an assembly");
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        build.Dispose();
    }
}
