namespace Herald.Web.Tests.Infrastructure;

/// <summary>
/// The system's Chromium (Debian's <c>chromium</c> package, installed by <c>.ci/run</c>); Playwright never downloads a
/// browser here. <c>HERALD_CHROMIUM</c> overrides the executable.
/// </summary>
internal static class Chromium
{
    /// <summary>The launch arguments: headless, no sandbox (root in CI), and nothing that calls home.</summary>
    public static readonly string[] Args =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync",
    ];

    /// <summary>The executable, or null when none is installed.</summary>
    public static string? ExecutablePath { get; } = Find();

    private static string? Find()
    {
        if (Environment.GetEnvironmentVariable("HERALD_CHROMIUM") is { Length: > 0 } configured)
        {
            return configured;
        }

        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        foreach (var name in new[] { "chromium", "chromium-browser" })
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
}

/// <summary>
/// A browser test. Without an installed Chromium it is skipped with the reason, except under CI (<c>CI</c> set),
/// where a missing browser must fail rather than pass silently.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class BrowserFactAttribute : FactAttribute
{
    public BrowserFactAttribute()
    {
        if (Chromium.ExecutablePath is null && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI")))
        {
            Skip = "Chromium is not installed (apt-get install chromium, or set HERALD_CHROMIUM); .ci/run installs it.";
        }
    }
}
