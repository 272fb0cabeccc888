namespace Herald.Testing;

/// <summary>
/// Programs from the system's packages that some tests drive (Chromium, pebble): where they are, and whether a test
/// that needs one runs, is skipped, or fails.
/// </summary>
public static class SystemProgram
{
    /// <summary>
    /// The program named by the environment variable <paramref name="overrideVariable"/> when it is set, otherwise the
    /// first of <paramref name="names"/> found on <c>PATH</c>; null when none is installed.
    /// </summary>
    public static string? Find(string overrideVariable, params string[] names)
    {
        if (Environment.GetEnvironmentVariable(overrideVariable) is { Length: > 0 } configured)
        {
            return configured;
        }

        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        foreach (var name in names)
        {
            foreach (var dir in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
            {
                var candidate = Path.Combine(dir, name);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }

    /// <summary>
    /// The skip reason for a test that needs the program at <paramref name="executable"/>: <paramref name="reason"/>
    /// when it is missing, null when it is installed, and null under CI (<c>CI</c> set) as well, where a missing program
    /// must make the test fail rather than pass silently.
    /// </summary>
    public static string? SkipReason(string? executable, string reason) =>
        executable is null && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI")) ? reason : null;
}
