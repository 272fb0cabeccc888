namespace Herald.Server.Tests.Infrastructure;

/// <summary>Locates the repository and the built server at run time (no machine-specific paths in the sources).</summary>
public static class RepoPaths
{
    private static readonly Lazy<string> Root = new(FindRoot);

    /// <summary>The folder that contains <c>Herald.slnx</c>.</summary>
    public static string RepoRoot => Root.Value;

    /// <summary>The build configuration the tests were built with (Debug, Release, ...), read from the output folder.</summary>
    public static string Configuration
    {
        get
        {
            // <repo>/tests/Herald.Server.Tests/bin/<Configuration>/<tfm>/
            var tfmDir = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            return tfmDir.Parent?.Name ?? "Debug";
        }
    }

    /// <summary>The target framework folder name of the test output (net10.0).</summary>
    public static string TargetFramework =>
        new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Name;

    /// <summary>Path of <c>herald.dll</c> built from <c>src/Herald.Server</c> with the same configuration as the tests.</summary>
    public static string HeraldDll
    {
        get
        {
            var dll = Path.Combine(RepoRoot, "src", "Herald.Server", "bin", Configuration, TargetFramework, "herald.dll");
            if (!File.Exists(dll))
            {
                throw new FileNotFoundException($"The server is not built: {dll} is missing (build the solution first).", dll);
            }

            return dll;
        }
    }

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Herald.slnx")))
            {
                return dir.FullName;
            }

            dir = dir.Parent;
        }

        throw new InvalidOperationException("Could not find Herald.slnx above " + AppContext.BaseDirectory);
    }
}
