using System.Text.RegularExpressions;

namespace Herald.Server.Configuration;

/// <summary>Whether loaded settings can run a server: known names, ports and costs in range, complete TLS, valid patterns.</summary>
internal static class SettingsValidation
{
    private static readonly string[] SupportedDialects = ["sqlite3", "mysql", "postgres"];
    private static readonly string[] LogLevels = ["trace", "debug", "info", "warn", "error", "fatal", "panic"];

    /// <exception cref="ConfigurationException">The first value Herald cannot run with, named by its variable.</exception>
    public static void Validate(HeraldSettings s)
    {
        if (!LogLevels.Contains(s.LogLevel.Trim().ToLowerInvariant()))
        {
            throw new ConfigurationException($"GOTIFY_LOGLEVEL: unknown log level \"{s.LogLevel}\" (use one of {string.Join(", ", LogLevels)})");
        }

        if (!SupportedDialects.Contains(s.Database.Dialect))
        {
            throw new ConfigurationException($"GOTIFY_DATABASE_DIALECT: unsupported dialect: {s.Database.Dialect} (use one of {string.Join(", ", SupportedDialects)})");
        }

        // A DSN that cannot be read is a configuration error, reported before anything connects.
        _ = s.Database.Dialect switch
        {
            "postgres" => PostgresDsn.ToConnectionString(s.Database.Connection),
            "mysql" => MySqlDsn.Parse(s.Database.Connection, TimeZoneInfo.Local).ConnectionString,
            _ => string.Empty,
        };

        CheckRange("GOTIFY_SERVER_PORT", s.Server.Port, 0, 65535);
        CheckRange("GOTIFY_SERVER_SSL_PORT", s.Server.Ssl.Port, 0, 65535);
        CheckRange("GOTIFY_PASSSTRENGTH", s.PassStrength, 4, 31);
        CheckRange("GOTIFY_SERVER_STREAM_PINGPERIODSECONDS", s.Server.Stream.PingPeriodSeconds, 1, int.MaxValue);
        CheckRange("GOTIFY_SERVER_KEEPALIVEPERIODSECONDS", s.Server.KeepAlivePeriodSeconds, -1, int.MaxValue);
        if (s.Server.MaxBodyBytes < 1024)
        {
            throw new ConfigurationException($"GOTIFY_SERVER_MAXBODYBYTES: {s.Server.MaxBodyBytes} is too small (at least 1024)");
        }

        if (s.Server.Ssl.Enabled && !s.Server.Ssl.UsesLetsEncrypt && (s.Server.Ssl.CertFile.Length == 0 || s.Server.Ssl.CertKey.Length == 0))
        {
            throw new ConfigurationException("GOTIFY_SERVER_SSL_CERTFILE: ssl is enabled but certfile and certkey are not both set");
        }

        if (s.Server.Ssl.UsesLetsEncrypt)
        {
            // Gotify refuses to start rather than agree to the CA's terms of service on the user's behalf.
            if (!s.Server.Ssl.LetsEncrypt.AcceptTos)
            {
                throw new ConfigurationException("GOTIFY_SERVER_SSL_LETSENCRYPT_ACCEPTTOS: Let's Encrypt is enabled but its terms of service are not accepted; set accepttos to true");
            }

            var directoryUrl = s.Server.Ssl.LetsEncrypt.DirectoryUrl;
            if (directoryUrl.Length > 0
                && (!Uri.TryCreate(directoryUrl, UriKind.Absolute, out var parsed) || (parsed.Scheme != Uri.UriSchemeHttps && parsed.Scheme != Uri.UriSchemeHttp)))
            {
                throw new ConfigurationException($"GOTIFY_SERVER_SSL_LETSENCRYPT_DIRECTORYURL: \"{directoryUrl}\" is not an absolute http(s) URL");
            }

            foreach (var host in s.Server.Ssl.LetsEncrypt.Hosts)
            {
                // Host names also name the cache files: anything but a DNS name is refused.
                if (Uri.CheckHostName(host.Trim().TrimEnd('.')) != UriHostNameType.Dns)
                {
                    throw new ConfigurationException($"GOTIFY_SERVER_SSL_LETSENCRYPT_HOSTS: \"{host}\" is not a DNS host name");
                }
            }

            if (s.Server.Ssl.LetsEncrypt.Cache.Trim().Length == 0)
            {
                throw new ConfigurationException("GOTIFY_SERVER_SSL_LETSENCRYPT_CACHE: Let's Encrypt is enabled but the cache directory is empty");
            }
        }

        CheckRegexes("GOTIFY_SERVER_CORS_ALLOWORIGINS", s.Server.Cors.AllowOrigins);
        CheckRegexes("GOTIFY_SERVER_STREAM_ALLOWEDORIGINS", s.Server.Stream.AllowedOrigins);
        foreach (var proxy in s.Server.TrustedProxies)
        {
            if (!System.Net.IPNetwork.TryParse(proxy, out _) && !System.Net.IPAddress.TryParse(proxy, out _))
            {
                throw new ConfigurationException($"GOTIFY_SERVER_TRUSTEDPROXIES: \"{proxy}\" is neither an IP address nor a CIDR range");
            }
        }
    }

    private static void CheckRange(string name, long value, long min, long max)
    {
        if (value < min || value > max)
        {
            throw new ConfigurationException($"{name}: {value} is out of range ({min} to {max})");
        }
    }

    private static void CheckRegexes(string name, IEnumerable<string> patterns)
    {
        foreach (var pattern in patterns)
        {
            try
            {
                _ = new Regex(pattern, RegexOptions.None, TimeSpan.FromSeconds(1));
            }
            catch (ArgumentException e)
            {
                throw new ConfigurationException($"{name}: invalid regular expression \"{pattern}\": {e.Message}", e);
            }
        }
    }
}
