namespace Herald.Web.Tests.Infrastructure;

/// <summary>
/// One Herald server and one headless Chromium for a test class (both are slow to start; each test gets its own
/// browser context, so cookies and storage never leak between tests).
/// </summary>
public class UiFixture : IAsyncLifetime
{
    private IPlaywright? playwright;
    private readonly TempDirectory data = new("herald-web");
    private IBrowser? browser;

    public UiFixture()
    {
        // The server's default user is admin/admin, as the UI tests log in.
        Server = new HeraldProcess(new HeraldStartInfo { WorkDir = data.Path, AdminPassword = null });
    }

    public HeraldProcess Server { get; }

    /// <summary>The REST API as admin (basic auth).</summary>
    public HeraldApi Api { get; private set; } = null!;

    public IBrowser Browser => browser ?? throw new InvalidOperationException("The browser is not started.");

    public virtual async Task InitializeAsync()
    {
        await PrepareAsync();
        await Server.StartAsync();
        Api = new HeraldApi(Server.BaseAddress);
        if (Chromium.ExecutablePath is null)
        {
            // Only reached under CI, where BrowserFact does not skip: fail with the reason.
            throw new InvalidOperationException("Chromium is not installed: .ci/run installs Debian's chromium package.");
        }

        playwright = await Playwright.CreateAsync();
        browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium.ExecutablePath,
            Headless = true,
            Args = Chromium.Args,
            Timeout = 60_000,
        });
    }

    /// <summary>Runs before the server starts (for example to put plugins into its folder).</summary>
    protected virtual Task PrepareAsync() => Task.CompletedTask;

    /// <summary>A fresh browser context (its own cookies and storage) with one page on the server.</summary>
    public async Task<UiPage> NewPageAsync(int width = 1280, int height = 800, ColorScheme colorScheme = ColorScheme.Light, IEnumerable<string>? permissions = null)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = Server.BaseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = width, Height = height },
            ColorScheme = colorScheme,
            Permissions = permissions,
            Locale = "en-US",
            TimezoneId = "UTC",
        });
        context.SetDefaultTimeout(10_000);
        var page = await context.NewPageAsync();
        return new UiPage(context, page, Server.BaseAddress);
    }

    public virtual async Task DisposeAsync()
    {
        if (browser is not null)
        {
            await browser.CloseAsync();
        }

        playwright?.Dispose();
        Api?.Dispose();
        await Server.DisposeAsync();
        data.Dispose();
    }
}
