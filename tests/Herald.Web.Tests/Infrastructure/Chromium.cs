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
    public static string? ExecutablePath { get; } = SystemProgram.Find("HERALD_CHROMIUM", "chromium", "chromium-browser");
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
        Skip = SystemProgram.SkipReason(Chromium.ExecutablePath, "Chromium is not installed (apt-get install chromium, or set HERALD_CHROMIUM); .ci/run installs it.");
    }
}
