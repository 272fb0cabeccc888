using System.Diagnostics;
using System.IO.Compression;
using Herald.PluginHosting.Compatibility;

namespace Herald.Plugins.Tests.Infrastructure;

/// <summary>
/// Builds the fixture plugin projects (tests/fixtures/plugins) once per test run with one <c>dotnet build</c>, and
/// deploys them into plugin folders as a single .dll, an unpacked folder or a .zip package with a generated manifest.
/// </summary>
public sealed class FixturePlugins : IAsyncLifetime
{
    private readonly TempDirectory packages = new("herald-fixture-packages");

    public async Task InitializeAsync()
    {
        var solution = Path.Combine(Repository.Root, "tests", "fixtures", "plugins", "Fixtures.slnx");
        var start = new ProcessStartInfo("dotnet", ["build", solution, "-c", Repository.Configuration, "-nodeReuse:false", "-v:q", "-nologo", "-p:UseSharedCompilation=false"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Repository.Root,
        };

        // Do not inherit the outer `dotnet test`'s MSBuild state (it would point the child at the parent's nodes).
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase) || k.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(key);
        }

        start.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("Building the fixture plugins took more than 4 minutes.");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"Building the fixture plugins failed ({process.ExitCode}):\n{await output}\n{await error}");
        }
    }

    /// <summary>The build output folder of fixture <paramref name="name"/>.</summary>
    public static string Output(string name) =>
        Path.Combine(Repository.Root, "tests", "fixtures", "plugins", name, "bin", Repository.Configuration, "net10.0");

    /// <summary>The entry assembly's file name of fixture <paramref name="name"/>.</summary>
    public static string EntryAssembly(string name) => name == "EchoV2" ? "Herald.Fixture.Echo.dll" : $"Herald.Fixture.{name}.dll";

#pragma warning disable CA1822 // Instance methods on purpose: only a built fixture (this object) can deploy.
    /// <summary>Copies the fixture's assembly alone into <paramref name="pluginsDir"/> as <paramref name="fileName"/>.</summary>
    public string DeployDll(string name, string pluginsDir, string? fileName = null)
    {
        var target = Path.Combine(pluginsDir, fileName ?? name + ".dll");
        File.Copy(Path.Combine(Output(name), EntryAssembly(name)), target, overwrite: true);
        return target;
    }

    /// <summary>Copies the fixture's whole build output plus a generated plugin.json into the folder <paramref name="folderName"/>.</summary>
    public string DeployFolder(string name, string pluginsDir, string? folderName = null)
    {
        var target = Path.Combine(pluginsDir, folderName ?? name);
        CopyPackage(name, target);
        return target;
    }

#pragma warning restore CA1822

    /// <summary>Creates a .zip package (plugin.json at the root) of the fixture in <paramref name="pluginsDir"/>.</summary>
    public string DeployZip(string name, string pluginsDir, string? zipName = null)
    {
        var staging = Path.Combine(packages.Path, Guid.NewGuid().ToString("N"));
        CopyPackage(name, staging);
        var target = Path.Combine(pluginsDir, zipName ?? name + ".zip");
        var temporary = Path.Combine(packages.Path, Guid.NewGuid().ToString("N") + ".zip");
        ZipFile.CreateFromDirectory(staging, temporary);

        // Move into place in one step, as an operator's `mv` would, so the watcher never sees half a file.
        File.Move(temporary, target, overwrite: true);
        return target;
    }

    public Task DisposeAsync()
    {
        packages.Dispose();
        return Task.CompletedTask;
    }

    private static void CopyPackage(string name, string target)
    {
        var source = Output(name);
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            if (file.EndsWith(".pdb", StringComparison.Ordinal) || file.EndsWith(".xml", StringComparison.Ordinal))
            {
                continue;
            }

            var destination = Path.Combine(target, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination, overwrite: true);
        }

        ManifestWriter.Write(target, ManifestWriter.Create(target, EntryAssembly(name)));
    }
}

/// <summary>All plugin tests share one fixture build and run one after another (they start servers on 2 cores).</summary>
[CollectionDefinition(Name)]
public sealed class PluginCollection : ICollectionFixture<FixturePlugins>
{
    public const string Name = "plugins";
}
