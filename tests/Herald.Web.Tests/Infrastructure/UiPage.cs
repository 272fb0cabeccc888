using System.Collections.Concurrent;

namespace Herald.Web.Tests.Infrastructure;

/// <summary>
/// A page in its own browser context, recording what a test wants to check besides the DOM: script errors, console
/// errors and every URL the page requested.
/// </summary>
public sealed class UiPage : IAsyncDisposable
{
    private readonly ConcurrentQueue<string> errors = new();
    private readonly ConcurrentQueue<string> requests = new();

    public UiPage(IBrowserContext context, IPage page, Uri server)
    {
        Context = context;
        Page = page;
        Server = server;
        page.PageError += (_, error) => errors.Enqueue("page error: " + error);
        page.Console += (_, message) =>
        {
            // Refused requests (a 401 before login, a 400 the page shows) are logged by the browser as console
            // errors; they are answers the UI handles, not script failures.
            if (message.Type == "error" && !message.Text.StartsWith("Failed to load resource", StringComparison.Ordinal))
            {
                errors.Enqueue("console error: " + message.Text);
            }
        };
        context.Request += (_, request) => requests.Enqueue(request.Url);
    }

    public IBrowserContext Context { get; }

    public IPage Page { get; }

    public Uri Server { get; }

    /// <summary>Uncaught script errors and console errors so far.</summary>
    public IReadOnlyList<string> Errors => errors.ToArray();

    /// <summary>Every URL requested by the context so far.</summary>
    public IReadOnlyList<string> Requests => requests.ToArray();

    /// <summary>Opens the UI and logs in through the login form; returns when the page is shown.</summary>
    public async Task LoginAsync(string user = "admin", string password = "admin", string path = "/")
    {
        await Page.GotoAsync(path);
        await Page.Locator("#login-name").FillAsync(user);
        await Page.Locator("#login-pass").FillAsync(password);
        await Page.Locator("#login-form button[type=submit]").ClickAsync();
        await Expect(Page.Locator("#logout-button")).ToBeVisibleAsync();

        // The shell shows first; the page itself is routed once the applications are loaded.
        await Expect(Page.Locator("main .page")).ToBeVisibleAsync();
    }

    /// <summary>Waits until the /stream websocket of the page is open (live messages arrive from then on).</summary>
    public Task WaitForStreamAsync() => Expect(Page.Locator("html[data-stream=open]")).ToHaveCountAsync(1);

    /// <summary>Where screenshots go: <c>HERALD_SCREENSHOTS_DIR</c>, else <c>TestResults/screenshots</c> (git-ignored).</summary>
    public static string ScreenshotsDir { get; } = Environment.GetEnvironmentVariable("HERALD_SCREENSHOTS_DIR") is { Length: > 0 } dir
        ? dir
        : Path.Combine(Repository.Root, "TestResults", "screenshots");

    /// <summary>Saves a full-page screenshot as <c>TestResults/screenshots/&lt;name&gt;.png</c>.</summary>
    public async Task ScreenshotAsync(string name)
    {
        Directory.CreateDirectory(ScreenshotsDir);
        // Toasts are cleared and the page scrolled to the top by script: Playwright's screenshot style option would
        // inject a <style>, which the page's content security policy refuses (and reports as an error).
        await Page.EvaluateAsync("() => { document.getElementById('toasts')?.replaceChildren(); window.scrollTo(0, 0); }");
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotsDir, name + ".png"), FullPage = true });
    }

    /// <summary>Fails when the page had a script or console error (a broken page can still look fine).</summary>
    public void AssertNoScriptErrors(params string[] allowedFragments)
    {
        var unexpected = Errors.Where(e => !allowedFragments.Any(a => e.Contains(a, StringComparison.Ordinal))).ToList();
        Assert.True(unexpected.Count == 0, "Script errors:\n" + string.Join("\n", unexpected));
    }

    public async ValueTask DisposeAsync() => await Context.CloseAsync();
}
