namespace Herald.Plugins.Tests.Infrastructure;

/// <summary>
/// The set-up the end-to-end plugin tests share: a fresh Herald per test (data in its own temp folder, the server's
/// default admin password), the test's fixture plugins copied into its plugins folder before it starts.
/// </summary>
public abstract class PluginServerTest(FixturePlugins fixtures) : IAsyncLifetime
{
    private readonly TempDirectory data = new("herald-plugins");

    /// <summary>The fixture plugins, built once per run.</summary>
    protected FixturePlugins Fixtures { get; } = fixtures;

    /// <summary>The running server.</summary>
    protected HeraldProcess Server { get; private set; } = null!;

    /// <summary>Variables the server starts with, e.g. shorter plugin timeouts; none by default.</summary>
    protected virtual IReadOnlyDictionary<string, string?> Environment { get; } = new Dictionary<string, string?>();

    public virtual async Task InitializeAsync()
    {
        Server = new HeraldProcess(new HeraldStartInfo { WorkDir = data.Path, AdminPassword = null, Env = Environment });
        Deploy(Server.PluginsDir);
        await Server.StartAsync();
    }

    public virtual async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        data.Dispose();
    }

    /// <summary>Copies the test's fixture plugins into <paramref name="pluginsDirectory"/> before the server starts.</summary>
    protected abstract void Deploy(string pluginsDirectory);
}
