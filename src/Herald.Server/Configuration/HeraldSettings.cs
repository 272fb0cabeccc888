namespace Herald.Server.Configuration;

/// <summary>
/// Every setting Herald reads, with Gotify's names and defaults. Built by <see cref="SettingsLoader"/> from
/// defaults, then the YAML file, then the env file, then the environment; immutable once loaded (records with
/// init-only properties), so no part of the server can change what another part read.
/// </summary>
public sealed record HeraldSettings
{
    public ServerSettings Server { get; init; } = new();

    public DatabaseSettings Database { get; init; } = new();

    public DefaultUserSettings DefaultUser { get; init; } = new();

    /// <summary>bcrypt cost for new password hashes.</summary>
    public int PassStrength { get; init; } = 10;

    /// <summary>Folder of application images; always ends with a path separator after loading.</summary>
    public string UploadedImagesDir { get; init; } = "data/images";

    /// <summary>Folder scanned for plugins; empty disables plugins.</summary>
    public string PluginsDir { get; init; } = "data/plugins";

    /// <summary>Whether anonymous visitors may create (non-admin) users.</summary>
    public bool Registration { get; init; }

    public string LogLevel { get; init; } = "info";

    public OidcSettings Oidc { get; init; } = new();

    /// <summary>Herald's own variables (plugin timeouts, log colours), read from the process environment.</summary>
    public HostVariables Host { get; init; } = new();
}

public sealed record ServerSettings
{
    public int KeepAlivePeriodSeconds { get; init; }

    /// <summary>Address to bind; empty binds every address; <c>unix:/path</c> listens on a unix socket.</summary>
    public string ListenAddr { get; init; } = string.Empty;

    public int Port { get; init; } = 80;

    public SslSettings Ssl { get; init; } = new();

    public IReadOnlyDictionary<string, string> ResponseHeaders { get; init; } = new Dictionary<string, string>();

    public IReadOnlyList<string> TrustedProxies { get; init; } = [];

    public bool SecureCookie { get; init; }

    public CorsSettings Cors { get; init; } = new();

    public StreamSettings Stream { get; init; } = new();

    /// <summary>Largest request body accepted, in bytes (Herald addition; Gotify has no limit).</summary>
    public long MaxBodyBytes { get; init; } = 10 * 1024 * 1024;
}

public sealed record SslSettings
{
    public bool Enabled { get; init; }

    public bool RedirectToHttps { get; init; } = true;

    public string ListenAddr { get; init; } = string.Empty;

    public int Port { get; init; } = 443;

    public string CertFile { get; init; } = string.Empty;

    public string CertKey { get; init; } = string.Empty;

    public LetsEncryptSettings LetsEncrypt { get; init; } = new();

    /// <summary>The TLS listener takes its certificates from Let's Encrypt (both switches on), not from certfile/certkey.</summary>
    public bool UsesLetsEncrypt => Enabled && LetsEncrypt.Enabled;
}

public sealed record LetsEncryptSettings
{
    public bool Enabled { get; init; }

    public bool AcceptTos { get; init; }

    public string Cache { get; init; } = "data/certs";

    public string DirectoryUrl { get; init; } = string.Empty;

    public IReadOnlyList<string> Hosts { get; init; } = [];
}

public sealed record CorsSettings
{
    public IReadOnlyList<string> AllowOrigins { get; init; } = [];

    public IReadOnlyList<string> AllowMethods { get; init; } = [];

    public IReadOnlyList<string> AllowHeaders { get; init; } = [];
}

public sealed record StreamSettings
{
    public int PingPeriodSeconds { get; init; } = 45;

    public IReadOnlyList<string> AllowedOrigins { get; init; } = [];
}

public sealed record DatabaseSettings
{
    /// <summary><c>sqlite3</c>, <c>mysql</c> or <c>postgres</c>.</summary>
    public string Dialect { get; init; } = "sqlite3";

    public string Connection { get; init; } = "data/gotify.db";
}

public sealed record DefaultUserSettings
{
    public string Name { get; init; } = "admin";

    public string Pass { get; init; } = "admin";
}

/// <summary>Gotify 3's OIDC keys; read so that a Gotify configuration loads, but OIDC login is not offered.</summary>
public sealed record OidcSettings
{
    public bool Enabled { get; init; }

    public string Issuer { get; init; } = string.Empty;

    public string ClientId { get; init; } = string.Empty;

    public string ClientSecret { get; init; } = string.Empty;

    public string RedirectUrl { get; init; } = string.Empty;

    public bool AutoRegister { get; init; } = true;

    public bool LinkByUsername { get; init; }

    public string UsernameClaim { get; init; } = "preferred_username";

    public IReadOnlyList<string> Scopes { get; init; } = ["openid", "profile", "email"];
}
