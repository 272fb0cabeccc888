namespace Herald.Web.Tests.Infrastructure;

/// <summary>Locations in the repository, found at run time (no machine paths in the sources).</summary>
internal static class Repository
{
    /// <summary>The folder holding Herald.slnx, found by walking up from the test assembly.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>The build configuration the tests were built with (Debug or Release), from the test assembly's path.</summary>
    public static string Configuration { get; } = FindConfiguration();

    /// <summary>The built server, started as a child process.</summary>
    public static string ServerDll => Path.Combine(Root, "src", "Herald.Server", "bin", Configuration, "net10.0", "herald.dll");

    /// <summary>Where screenshots go: <c>HERALD_SCREENSHOTS_DIR</c>, else <c>TestResults/screenshots</c> (git-ignored).</summary>
    public static string ScreenshotsDir { get; } = Environment.GetEnvironmentVariable("HERALD_SCREENSHOTS_DIR") is { Length: > 0 } dir
        ? dir
        : Path.Combine(Root, "TestResults", "screenshots");

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
