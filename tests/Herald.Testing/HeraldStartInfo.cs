namespace Herald.Testing;

/// <summary>How to start one server process; see <see cref="HeraldProcess"/>.</summary>
public sealed class HeraldStartInfo
{
    /// <summary>Working directory of the process; with <see cref="DefaultEnv"/> it also holds the database, images and plugins.</summary>
    public required string WorkDir { get; init; }

    /// <summary>Port to listen on (passed as GOTIFY_SERVER_PORT by the default environment); 0 picks a free loopback port on every start.</summary>
    public int Port { get; init; }

    /// <summary>Environment overrides applied after the defaults; a null value removes the variable.</summary>
    public IReadOnlyDictionary<string, string?> Env { get; init; } = new Dictionary<string, string?>(StringComparer.Ordinal);

    /// <summary>
    /// Whether the harness sets its default GOTIFY_* variables (listen address, port, database, images and plugins
    /// paths under <see cref="WorkDir"/>, pass strength 4, admin password). Off for tests of config files.
    /// </summary>
    public bool DefaultEnv { get; init; } = true;

    /// <summary>
    /// Password of the default admin, set as GOTIFY_DEFAULTUSER_PASS by the default environment and used by
    /// <see cref="HeraldProcess.Client"/>. Null leaves the variable unset, so the server's built-in default
    /// (<c>admin</c>, as in Gotify) applies, as the plugin and web UI tests expect.
    /// </summary>
    public string? AdminPassword { get; init; } = HeraldProcess.DefaultAdminPass;

    /// <summary>
    /// When set, the start is complete once the log contains this text, instead of when <c>GET /health</c> answers 200
    /// over plain HTTP (which the HTTPS redirect turns into a 302).
    /// </summary>
    public string? ReadyOutput { get; init; }

    /// <summary>Command line arguments after the dll.</summary>
    public IReadOnlyList<string> Args { get; init; } = ["serve"];
}
