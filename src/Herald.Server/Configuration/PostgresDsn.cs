using System.Globalization;
using System.Text;
using Npgsql;

namespace Herald.Server.Configuration;

/// <summary>
/// Translates Gotify's <c>postgres</c> connection value into an Npgsql connection string. Gotify hands the value to
/// pgx (lib/pq up to 2.7), which reads both libpq forms: key/value (<c>host=db port=5432 user=gotify dbname=gotify
/// password=secret sslmode=disable</c>) and URLs (<c>postgres://gotify:secret@db:5432/gotify?sslmode=disable</c>).
/// The key names differ from Npgsql's, so each is mapped; a value that cannot be used throws a
/// <see cref="ConfigurationException"/> naming the key, never echoing the password.
/// </summary>
public static class PostgresDsn
{
    private const string Key = "GOTIFY_DATABASE_CONNECTION";

    // pgx's own settings: they tune the Go driver and mean nothing to the server, so they are accepted and dropped.
    private static readonly HashSet<string> DriverOnly = new(StringComparer.Ordinal)
    {
        "statement_cache_capacity", "description_cache_capacity", "default_query_exec_mode", "prefer_simple_protocol",
        "min_read_buffer_size", "pool_max_conns", "pool_min_conns", "pool_max_conn_lifetime", "pool_max_conn_idle_time",
        "pool_health_check_period", "pool_max_conn_lifetime_jitter", "binary_parameters", "disable_prepared_binary_result",
    };

    /// <summary>Returns the Npgsql connection string for <paramref name="dsn"/>.</summary>
    public static string ToConnectionString(string dsn)
    {
        var value = dsn.Trim();
        var pairs = value.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) || value.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase)
            ? ParseUrl(value)
            : ParseKeyValue(value);

        var builder = new NpgsqlConnectionStringBuilder
        {
            // lib/pq and pgx have no statement timeout by default either; Npgsql's 30 s would cut long migrations.
            CommandTimeout = 0,
            // Gotify keeps at most 10 open connections; Herald's readers and writer share a pool of the same size.
            MaxPoolSize = 10,
        };
        string? host = null;
        string? hostAddress = null;
        foreach (var (name, raw) in pairs)
        {
            switch (name)
            {
                case "host":
                    host = raw;
                    break;
                case "hostaddr":
                    hostAddress = raw;
                    break;
                case "port":
                    builder.Port = Number(name, raw, 1, 65535);
                    break;
                case "dbname":
                    builder.Database = raw;
                    break;
                case "user":
                    builder.Username = raw;
                    break;
                case "password":
                    builder.Password = raw;
                    break;
                case "passfile":
                    builder.Passfile = raw;
                    break;
                case "sslmode":
                    builder.SslMode = SslMode(raw);
                    break;
                case "sslrootcert":
                    builder.RootCertificate = raw;
                    break;
                case "sslcert":
                    builder.SslCertificate = raw;
                    break;
                case "sslkey":
                    builder.SslKey = raw;
                    break;
                case "sslpassword":
                    builder.SslPassword = raw;
                    break;
                case "connect_timeout":
                    // libpq: 0 or absent waits without limit; Npgsql's maximum is 1024 s.
                    var seconds = Number(name, raw, 0, int.MaxValue);
                    builder.Timeout = seconds == 0 ? 1024 : Math.Min(seconds, 1024);
                    break;
                case "application_name":
                    builder.ApplicationName = raw;
                    break;
                case "target_session_attrs":
                    builder.TargetSessionAttributes = raw;
                    break;
                case "search_path":
                    builder.SearchPath = raw;
                    break;
                case "options":
                    builder.Options = raw;
                    break;
                case "timezone":
                    builder.Timezone = raw;
                    break;
                case var driverOnly when DriverOnly.Contains(driverOnly):
                    break;
                default:
                    // pgx sends every other key to the server as a run-time parameter; so does Npgsql through Options.
                    if (!IsIdentifier(name))
                    {
                        throw new ConfigurationException($"{Key}: \"{name}\" is not a connection setting (use libpq's key=value form or a postgres:// URL)");
                    }

                    builder.Options = (builder.Options is { Length: > 0 } o ? o + " " : string.Empty) + "-c " + name + "=" + raw.Replace(" ", "\\ ", StringComparison.Ordinal);
                    break;
            }
        }

        builder.Host = host ?? hostAddress ?? "localhost";
        return builder.ConnectionString;
    }

    /// <summary>Where the connection goes (host and port, never the password), for start-up sentences.</summary>
    public static string Describe(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        return builder.Host is { } h && h.Contains(',', StringComparison.Ordinal) ? h : $"{builder.Host}:{builder.Port}";
    }

    private static List<(string Name, string Value)> ParseKeyValue(string text)
    {
        // libpq: key = value pairs separated by whitespace; a value is bare or single-quoted with \' and \\ escapes.
        var pairs = new List<(string, string)>();
        var i = 0;
        while (true)
        {
            while (i < text.Length && char.IsWhiteSpace(text[i]))
            {
                i++;
            }

            if (i == text.Length)
            {
                return pairs;
            }

            var start = i;
            while (i < text.Length && text[i] != '=' && !char.IsWhiteSpace(text[i]))
            {
                i++;
            }

            var name = text[start..i];
            while (i < text.Length && char.IsWhiteSpace(text[i]))
            {
                i++;
            }

            if (i == text.Length || text[i] != '=' || name.Length == 0)
            {
                throw new ConfigurationException($"{Key}: expected key=value at \"{Shorten(name)}\" (PostgreSQL takes libpq's form, host=… port=… user=… dbname=… password=…, or a postgres:// URL)");
            }

            i++;
            while (i < text.Length && char.IsWhiteSpace(text[i]))
            {
                i++;
            }

            var value = new StringBuilder();
            if (i < text.Length && text[i] == '\'')
            {
                i++;
                var closed = false;
                while (i < text.Length)
                {
                    var c = text[i++];
                    if (c == '\\' && i < text.Length)
                    {
                        value.Append(text[i++]);
                    }
                    else if (c == '\'')
                    {
                        closed = true;
                        break;
                    }
                    else
                    {
                        value.Append(c);
                    }
                }

                if (!closed)
                {
                    throw new ConfigurationException($"{Key}: the quoted value of {name} is not closed with '");
                }
            }
            else
            {
                while (i < text.Length && !char.IsWhiteSpace(text[i]))
                {
                    if (text[i] == '\\' && i + 1 < text.Length)
                    {
                        i++;
                    }

                    value.Append(text[i++]);
                }
            }

            pairs.Add((name, value.ToString()));
        }
    }

    private static List<(string Name, string Value)> ParseUrl(string text)
    {
        // postgres://[user[:password]@][host[:port][,host[:port]…]][/dbname][?key=value&…]
        var pairs = new List<(string, string)>();
        var rest = text[(text.IndexOf("://", StringComparison.Ordinal) + 3)..];
        var hash = rest.IndexOf('#', StringComparison.Ordinal);
        if (hash >= 0)
        {
            rest = rest[..hash];
        }

        var query = string.Empty;
        var q = rest.IndexOf('?', StringComparison.Ordinal);
        if (q >= 0)
        {
            query = rest[(q + 1)..];
            rest = rest[..q];
        }

        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var authority = slash >= 0 ? rest[..slash] : rest;
        if (slash >= 0 && slash + 1 < rest.Length)
        {
            pairs.Add(("dbname", Unescape("dbname", rest[(slash + 1)..])));
        }

        var at = authority.LastIndexOf('@');
        if (at >= 0)
        {
            var credentials = authority[..at];
            authority = authority[(at + 1)..];
            var colon = credentials.IndexOf(':', StringComparison.Ordinal);
            pairs.Add(("user", Unescape("user", colon >= 0 ? credentials[..colon] : credentials)));
            if (colon >= 0)
            {
                pairs.Add(("password", Unescape("password", credentials[(colon + 1)..])));
            }
        }

        if (authority.Length > 0)
        {
            var hosts = new List<string>();
            string? firstPort = null;
            foreach (var part in authority.Split(','))
            {
                var (host, port) = SplitHostPort(part);
                if (port is not null)
                {
                    Number("port", port, 1, 65535);
                    firstPort ??= port;
                }

                hosts.Add(port is null ? host : $"{host}:{port}");
            }

            // One host: host and port separately, as libpq does; several: Npgsql's host:port list.
            if (hosts.Count == 1)
            {
                var (host, port) = SplitHostPort(authority);
                pairs.Add(("host", host));
                if (port is not null)
                {
                    pairs.Add(("port", port));
                }
            }
            else
            {
                pairs.Add(("host", string.Join(',', hosts)));
            }
        }

        foreach (var parameter in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = parameter.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw new ConfigurationException($"{Key}: the URL parameter \"{Shorten(parameter)}\" has no value (use key=value)");
            }

            var name = Unescape("a parameter name", parameter[..eq]);
            pairs.Add((name, Unescape(name, parameter[(eq + 1)..])));
        }

        return pairs;
    }

    private static (string Host, string? Port) SplitHostPort(string part)
    {
        if (part.StartsWith('['))
        {
            var close = part.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                throw new ConfigurationException($"{Key}: the IPv6 address \"{Shorten(part)}\" is not closed with ]");
            }

            var host = part[1..close];
            return part.Length > close + 2 && part[close + 1] == ':' ? (host, part[(close + 2)..]) : (host, null);
        }

        var colon = part.LastIndexOf(':');
        return colon >= 0 ? (Unescape("host", part[..colon]), part[(colon + 1)..]) : (Unescape("host", part), null);
    }

    private static string Unescape(string name, string value)
    {
        try
        {
            return Uri.UnescapeDataString(value.Replace('+', ' '));
        }
        catch (UriFormatException e)
        {
            throw new ConfigurationException($"{Key}: the URL's {name} is not validly %-escaped", e);
        }
    }

    private static int Number(string name, string raw, int min, int max)
    {
        if (!int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < min || n > max)
        {
            throw new ConfigurationException($"{Key}: {name} \"{Shorten(raw)}\" is not a number from {min} to {max}");
        }

        return n;
    }

    private static SslMode SslMode(string raw) => raw switch
    {
        "disable" => Npgsql.SslMode.Disable,
        "allow" => Npgsql.SslMode.Allow,
        "prefer" => Npgsql.SslMode.Prefer,
        "require" => Npgsql.SslMode.Require,
        "verify-ca" => Npgsql.SslMode.VerifyCA,
        "verify-full" => Npgsql.SslMode.VerifyFull,
        _ => throw new ConfigurationException($"{Key}: sslmode \"{Shorten(raw)}\" is unknown (use disable, allow, prefer, require, verify-ca or verify-full)"),
    };

    private static bool IsIdentifier(string name) => name.Length > 0 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.');

    private static string Shorten(string text) => text.Length > 40 ? text[..40] + "…" : text;
}
