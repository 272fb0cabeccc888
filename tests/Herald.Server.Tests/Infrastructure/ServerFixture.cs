namespace Herald.Server.Tests.Infrastructure;

/// <summary>One running server shared by the tests of a class. Tests isolate themselves by creating their own users.</summary>
public class ServerFixture : IAsyncLifetime
{
    private readonly TempDirectory _dir = new();
    private HeraldProcess? _server;
    private HeraldClient? _api;

    public HeraldProcess Server => _server ?? throw new InvalidOperationException("server not started");

    public HeraldClient Api => _api ?? throw new InvalidOperationException("server not started");

    public string WorkDir => _dir.Path;

    /// <summary>The default admin (created on first start from GOTIFY_DEFAULTUSER_*), by basic auth.</summary>
    public Credential Admin { get; } = Credential.Basic("admin", HeraldProcess.DefaultAdminPass);

    /// <summary>Extra GOTIFY_* settings of this fixture's server.</summary>
    protected virtual Dictionary<string, string?> Environment => new();

    public virtual async Task InitializeAsync()
    {
        _server = await HeraldProcess.StartAsync(_dir.Path, Environment);
        _api = new HeraldClient(_server.BaseAddress);
    }

    public async Task DisposeAsync()
    {
        _api?.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        _dir.Dispose();
    }

    public Task<Account> NewAccountAsync(bool isAdmin = false) => Api.NewAccountAsync(Admin, isAdmin);

    public Task<TestUser> NewUserAsync(bool isAdmin = false) => Api.NewUserAsync(Admin, isAdmin);
}
