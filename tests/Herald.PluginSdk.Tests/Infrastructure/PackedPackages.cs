using System.Globalization;

namespace Herald.PluginSdk.Tests.Infrastructure;

/// <summary>
/// The packages exactly as a release makes them: the repository's sources copied to a clean folder and packed there with
/// one <c>dotnet pack -c Release -o packages</c> at its root, once per test run. Every package gets a version no cache
/// has seen, and a workspace folder gets a nuget.config that puts the local package folder in front of the usual
/// sources, so a plugin project created below it restores the fresh packages offline.
/// </summary>
public sealed class PackedPackages : IAsyncLifetime
{
    /// <summary>The ids one root pack must produce.</summary>
    public static readonly IReadOnlyList<string> PackageIds = ["Herald.PluginApi", "Herald.PluginSdk", "Herald.PluginTemplates", "Herald.PluginTesting", "Herald.PluginTool"];

    private static readonly string[] SkippedFolders = [".git", "bin", "obj", "TestResults", "artifacts", "node_modules", ".vs", ".idea"];

    private readonly TempDirectory root = new("herald-sdk-tests");

    /// <summary>The version every package of this run carries.</summary>
    public string Version { get; } = "0.0.0-test." + DateTime.UtcNow.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture) + "." + Random.Shared.Next(1000, 9999).ToString(CultureInfo.InvariantCulture);

    /// <summary>The folder the packages were packed to.</summary>
    public string PackagesDirectory => root.Combine("packages");

    /// <summary>A folder whose nuget.config sees the packages; create plugin projects below it.</summary>
    public string Workspace => root.Combine("workspace");

    /// <summary>The clean copy of the repository the packages were packed from (samples are built there).</summary>
    public string SourceCopy => root.Combine("source");

    /// <summary>The output of the pack, for tests that assert on it.</summary>
    public string PackOutput { get; private set; } = string.Empty;

    /// <summary>A new empty folder inside the workspace.</summary>
    public string NewFolder(string name)
    {
        var path = Path.Combine(Workspace, name + "-" + Guid.NewGuid().ToString("N")[..6]);
        Directory.CreateDirectory(path);
        return path;
    }

    /// <summary>The path of package <paramref name="id"/>'s .nupkg.</summary>
    public string PackagePath(string id) => Path.Combine(PackagesDirectory, $"{id}.{Version}.nupkg");

    public async Task InitializeAsync()
    {
        var source = SourceCopy;
        CopyRepository(Repository.Root, source);
        var pack = await DotnetCli.RunAsync(source, TimeSpan.FromMinutes(10), "pack", "-c", "Release", "-o", PackagesDirectory, $"-p:Version={Version}", $"-p:HeraldVersion={Version}", "-nologo");
        PackOutput = pack.Output;
        pack.EnsureSuccess("dotnet pack at the repository root");

        Directory.CreateDirectory(Workspace);
        await File.WriteAllTextAsync(Path.Combine(Workspace, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="herald-local" value="{PackagesDirectory}" />
              </packageSources>
            </configuration>
            """);
    }

    public Task DisposeAsync()
    {
        root.Dispose();

        // Each run's packages have a version of their own; leave no copies of them in the user's package cache.
        var cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        foreach (var id in PackageIds)
        {
            var restored = Path.Combine(cache, id.ToLowerInvariant(), Version.ToLowerInvariant());
            try
            {
                if (Directory.Exists(restored))
                {
                    Directory.Delete(restored, recursive: true);
                }

                var package = Path.GetDirectoryName(restored)!;
                if (Directory.Exists(package) && !Directory.EnumerateFileSystemEntries(package).Any())
                {
                    Directory.Delete(package);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // A process still holding a file; the next cleanup of the cache removes it.
            }
        }

        return Task.CompletedTask;
    }

    private static void CopyRepository(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }

        foreach (var directory in Directory.EnumerateDirectories(from))
        {
            if (!SkippedFolders.Contains(Path.GetFileName(directory), StringComparer.Ordinal))
            {
                CopyRepository(directory, Path.Combine(to, Path.GetFileName(directory)));
            }
        }
    }
}

/// <summary>The tests that need the packed packages share one pack and run one after another (they build and start servers on 2 cores).</summary>
[CollectionDefinition(Name)]
public sealed class SdkCollection : ICollectionFixture<PackedPackages>
{
    public const string Name = "sdk";
}
