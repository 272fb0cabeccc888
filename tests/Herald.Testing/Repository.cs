namespace Herald.Testing;

/// <summary>Locations in the repository and of the built server, found at run time (no machine-specific paths in the sources).</summary>
public static class Repository
{
    private static readonly Lazy<string> RootFolder = new(FindRoot);

    /// <summary>The folder holding <c>Herald.slnx</c>, found by walking up from the test assembly's output folder.</summary>
    public static string Root => RootFolder.Value;

    /// <summary>The build configuration the tests were built with (Debug, Release, ...), read from the output path <c>bin/&lt;Configuration&gt;/&lt;tfm&gt;/</c>.</summary>
    public static string Configuration { get; } = FindConfiguration();

    // The target framework folder of the test output (net10.0); the server is looked up under the same one.
    private static string TargetFramework { get; } = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Name;

    /// <summary>
    /// Path of <c>herald.dll</c> built from <c>src/Herald.Server</c> with the tests' configuration.
    /// Throws <see cref="FileNotFoundException"/> when it is not built, so a test fails with that reason instead of a start timeout.
    /// </summary>
    public static string ServerDll
    {
        get
        {
            var dll = Path.Combine(Root, "src", "Herald.Server", "bin", Configuration, TargetFramework, "herald.dll");
            if (!File.Exists(dll))
            {
                throw new FileNotFoundException($"The server is not built: {dll} is missing (build the solution first).", dll);
            }

            return dll;
        }
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Herald.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Herald.slnx not found above " + AppContext.BaseDirectory);
    }

    private static string FindConfiguration()
    {
        var parts = AppContext.BaseDirectory.Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries);
        var bin = Array.LastIndexOf(parts, "bin");
        return bin >= 0 && bin + 1 < parts.Length ? parts[bin + 1] : "Debug";
    }
}
