namespace Herald.Server.Configuration;

/// <summary>
/// Every setting Herald reads, with Gotify's names and defaults. Filled by <see cref="SettingsLoader"/> from
/// defaults, then the YAML file, then the env file, then the environment.
/// </summary>
public sealed class HeraldSettings
{
    public ServerSettings Server { get; } = new();

    public DatabaseSettings Database { get; } = new();

    public DefaultUserSettings DefaultUser { get; } = new();

    /// <summary>bcrypt cost for new password hashes.</summary>
    public int PassStrength { get; set; } = 10;

    /// <summary>Folder of application images; always ends with a path separator after loading.</summary>
    public string UploadedImagesDir { get; set; } = "data/images";

    /// <summary>Folder scanned for plugins; empty disables plugins.</summary>
    public string PluginsDir { get; set; } = "data/plugins";

    /// <summary>Whether anonymous visitors may create (non-admin) users.</summary>
    public bool Registration { get; set; }

    public string LogLevel { get; set; } = "info";

    public OidcSettings Oidc { get; } = new();

    /// <summary>Herald's own variables (plugin timeouts, log colours), read from the process environment.</summary>
    public HostVariables Host { get; set; } = new();
}

public sealed class ServerSettings
{
    public int KeepAlivePeriodSeconds { get; set; }

    /// <summary>Address to bind; empty binds every address; <c>unix:/path</c> listens on a unix socket.</summary>
    public string ListenAddr { get; set; } = string.Empty;

    public int Port { get; set; } = 80;

    public SslSettings Ssl { get; } = new();

    public IReadOnlyDictionary<string, string> ResponseHeaders { get; set; } = new Dictionary<string, string>();

    public IReadOnlyList<string> TrustedProxies { get; set; } = [];

    public bool SecureCookie { get; set; }

    public CorsSettings Cors { get; } = new();

    public StreamSettings Stream { get; } = new();

    /// <summary>Largest request body accepted, in bytes (Herald addition; Gotify has no limit).</summary>
    public long MaxBodyBytes { get; set; } = 10 * 1024 * 1024;
}

public sealed class SslSettings
{
    public bool Enabled { get; set; }

    public bool RedirectToHttps { get; set; } = true;

    public string ListenAddr { get; set; } = string.Empty;

    public int Port { get; set; } = 443;

    public string CertFile { get; set; } = string.Empty;

    public string CertKey { get; set; } = string.Empty;

    public LetsEncryptSettings LetsEncrypt { get; } = new();

    /// <summary>The TLS listener takes its certificates from Let's Encrypt (both switches on), not from certfile/certkey.</summary>
    public bool UsesLetsEncrypt => Enabled && LetsEncrypt.Enabled;
}

public sealed class LetsEncryptSettings
{
    public bool Enabled { get; set; }

    public bool AcceptTos { get; set; }

    public string Cache { get; set; } = "data/certs";

    public string DirectoryUrl { get; set; } = string.Empty;

    public IReadOnlyList<string> Hosts { get; set; } = [];
}

public sealed class CorsSettings
{
    public IReadOnlyList<string> AllowOrigins { get; set; } = [];

    public IReadOnlyList<string> AllowMethods { get; set; } = [];

    public IReadOnlyList<string> AllowHeaders { get; set; } = [];
}

public sealed class StreamSettings
{
    public int PingPeriodSeconds { get; set; } = 45;

    public IReadOnlyList<string> AllowedOrigins { get; set; } = [];
}

public sealed class DatabaseSettings
{
    /// <summary><c>sqlite3</c>, <c>mysql</c> or <c>postgres</c>.</summary>
    public string Dialect { get; set; } = "sqlite3";

    public string Connection { get; set; } = "data/gotify.db";
}

public sealed class DefaultUserSettings
{
    public string Name { get; set; } = "admin";

    public string Pass { get; set; } = "admin";
}

/// <summary>Gotify 3's OIDC keys; read so that a Gotify configuration loads, but OIDC login is not offered.</summary>
public sealed class OidcSettings
{
    public bool Enabled { get; set; }

    public string Issuer { get; set; } = string.Empty;

    public string ClientId { get; set; } = string.Empty;

    public string ClientSecret { get; set; } = string.Empty;

    public string RedirectUrl { get; set; } = string.Empty;

    public bool AutoRegister { get; set; } = true;

    public bool LinkByUsername { get; set; }

    public string UsernameClaim { get; set; } = "preferred_username";

    public IReadOnlyList<string> Scopes { get; set; } = ["openid", "profile", "email"];
}
