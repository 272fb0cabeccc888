using System.Globalization;
using MySqlConnector;

namespace Herald.Server.Configuration;

/// <summary>
/// Translates Gotify's <c>mysql</c> connection value, a go-sql-driver DSN
/// (<c>[user[:password]@][tcp(host:port)|unix(/path/mysqld.sock)]/dbname[?param=value&amp;…]</c>), into a
/// MySqlConnector connection string, read exactly as the Go driver reads it: the last <c>/</c> ends the address, the
/// last <c>@</c> before it ends the credentials, the first <c>:</c> in them ends the user name.
/// </summary>
/// <remarks>
/// <c>charset</c> is read but never applied: Herald always talks utf8mb4, so the <c>charset=utf8</c> of Gotify's
/// example cannot reject emoji. <c>parseTime</c> only changes how Go scans values and is accepted and dropped;
/// <c>loc</c> names the zone of the wall-clock <c>datetime</c> values (Go's default, and with <c>loc=Local</c> the
/// process's own zone, as Gotify wrote them).
/// </remarks>
public static class MySqlDsn
{
    private const string Key = "GOTIFY_DATABASE_CONNECTION";

    // Settings of the Go driver that change nothing Herald relies on: accepted (their values checked) and dropped.
    private static readonly HashSet<string> Tolerated = new(StringComparer.Ordinal)
    {
        "allowAllFiles", "allowCleartextPasswords", "allowFallbackToPlaintext", "allowNativePasswords", "allowOldPasswords",
        "checkConnLiveness", "clientFoundRows", "columnsWithAlias", "interpolateParams", "multiStatements", "parseTime",
        "rejectReadOnly", "strict", "timeTruncate", "maxAllowedPacket", "serverPubKey", "connectionAttributes", "collation",
        "readTimeout", "writeTimeout",
    };

    private static readonly HashSet<string> Booleans = new(StringComparer.Ordinal)
    {
        "allowAllFiles", "allowCleartextPasswords", "allowFallbackToPlaintext", "allowNativePasswords", "allowOldPasswords",
        "checkConnLiveness", "clientFoundRows", "columnsWithAlias", "interpolateParams", "multiStatements", "parseTime",
        "rejectReadOnly", "strict",
    };

    /// <summary>Parses <paramref name="dsn"/>; <paramref name="localZone"/> is what <c>loc=Local</c> means (the process's zone).</summary>
    public static MySqlConnectionSettings Parse(string dsn, TimeZoneInfo localZone)
    {
        var value = dsn.Trim();
        var slash = value.LastIndexOf('/');
        if (slash < 0)
        {
            throw new ConfigurationException($"{Key}: a MySQL DSN needs \"/\" before the database name (user:password@tcp(host:3306)/dbname?charset=utf8mb4&parseTime=True&loc=Local)");
        }

        string? user = null;
        string? password = null;
        var network = string.Empty;
        var address = string.Empty;
        var at = value.LastIndexOf('@', Math.Max(slash - 1, 0));
        if (slash > 0)
        {
            if (at >= 0)
            {
                var credentials = value[..at];
                var colon = credentials.IndexOf(':', StringComparison.Ordinal);
                user = colon >= 0 ? credentials[..colon] : credentials;
                password = colon >= 0 ? credentials[(colon + 1)..] : null;
            }

            var location = value[(at + 1)..slash];
            var open = location.IndexOf('(', StringComparison.Ordinal);
            if (open >= 0)
            {
                if (!location.EndsWith(')'))
                {
                    throw new ConfigurationException($"{Key}: the address after \"{Shorten(location[..open])}(\" is not closed with \")\" before the \"/\" that starts the database name");
                }

                network = location[..open];
                address = location[(open + 1)..^1];
            }
            else
            {
                network = location;
            }
        }

        var rest = value[(slash + 1)..];
        var query = string.Empty;
        var q = rest.IndexOf('?', StringComparison.Ordinal);
        if (q >= 0)
        {
            query = rest[(q + 1)..];
            rest = rest[..q];
        }

        var builder = new MySqlConnectionStringBuilder
        {
            Database = Unescape("the database name", rest),
            // Gotify's pool: at most 10 connections, none older than 9 minutes (MariaDB's wait_timeout is 10).
            MaximumPoolSize = 10,
            ConnectionLifeTime = 9 * 60,
            // The Go driver connects without TLS unless tls= says otherwise.
            SslMode = MySqlSslMode.None,
            // Gotify's DATETIME values are wall-clock times in loc; Herald converts them itself (MySqlDsn.Parse's loc).
            DateTimeKind = MySqlDateTimeKind.Unspecified,
            ConvertZeroDateTime = true,
            // Like the Go driver: no statement timeout.
            DefaultCommandTimeout = 0,
            // Ids retrieved with LAST_INSERT_ID() follow the insert in one command.
            AllowUserVariables = false,
        };
        if (user is not null)
        {
            builder.UserID = user;
        }

        if (password is not null)
        {
            builder.Password = password;
        }

        switch (network)
        {
            case "" or "tcp" or "tcp4" or "tcp6":
                var (host, port) = SplitHostPort(address.Length == 0 ? "127.0.0.1:3306" : address);
                builder.Server = host;
                builder.Port = port;
                break;
            case "unix":
                builder.Server = address.Length == 0 ? "/tmp/mysql.sock" : address;
                builder.ConnectionProtocol = MySqlConnectionProtocol.UnixSocket;
                break;
            default:
                throw new ConfigurationException($"{Key}: the network \"{Shorten(network)}\" is unknown (use tcp(host:port) or unix(/path/to/mysqld.sock))");
        }

        // The Go driver's default zone is UTC; loc=Local is the zone of the process (TZ).
        var zone = TimeZoneInfo.Utc;
        string? charset = null;
        foreach (var parameter in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = parameter.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw new ConfigurationException($"{Key}: the parameter \"{Shorten(parameter)}\" has no value (use name=value)");
            }

            var name = parameter[..eq];
            var raw = Unescape(name, parameter[(eq + 1)..]);
            switch (name)
            {
                case "charset":
                    charset = raw;
                    break;
                case "loc":
                    zone = Zone(raw, localZone);
                    break;
                case "tls":
                    builder.SslMode = raw.ToLowerInvariant() switch
                    {
                        "true" or "1" => MySqlSslMode.VerifyFull,
                        "skip-verify" => MySqlSslMode.Required,
                        "preferred" => MySqlSslMode.Preferred,
                        "false" or "0" => MySqlSslMode.None,
                        _ => throw new ConfigurationException($"{Key}: tls=\"{Shorten(raw)}\" names a TLS configuration registered in Go code; use true, skip-verify, preferred or false"),
                    };
                    break;
                case "timeout":
                    builder.ConnectionTimeout = (uint)Math.Clamp(Math.Ceiling(Duration(name, raw).TotalSeconds), 1, int.MaxValue);
                    break;
                case "readTimeout" or "writeTimeout":
                    Duration(name, raw);
                    break;
                case var b when Booleans.Contains(b):
                    Boolean(name, raw);
                    break;
                case var t when Tolerated.Contains(t):
                    break;
                default:
                    // The Go driver sends any other parameter as a session variable (SET name=value); Herald does not.
                    throw new ConfigurationException($"{Key}: the parameter {name} is not one Herald knows; remove it (Herald sets no session variables from the DSN)");
            }
        }

        return new MySqlConnectionSettings(builder.ConnectionString, zone, charset);
    }

    /// <summary>Where the connection goes (never the password), for start-up sentences.</summary>
    public static string Describe(string connectionString)
    {
        var builder = new MySqlConnectionStringBuilder(connectionString);
        return builder.ConnectionProtocol == MySqlConnectionProtocol.UnixSocket ? builder.Server : $"{builder.Server}:{builder.Port}";
    }

    /// <summary>Reads a Go duration (<c>30s</c>, <c>1m30s</c>, <c>500ms</c>, <c>1.5h</c>).</summary>
    internal static TimeSpan Duration(string name, string raw)
    {
        var total = 0.0;
        var i = 0;
        var s = raw.Trim();
        if (s is "0")
        {
            return TimeSpan.Zero;
        }

        while (i < s.Length)
        {
            var start = i;
            while (i < s.Length && (char.IsAsciiDigit(s[i]) || s[i] == '.'))
            {
                i++;
            }

            var unitStart = i;
            while (i < s.Length && !char.IsAsciiDigit(s[i]) && s[i] != '.')
            {
                i++;
            }

            if (!double.TryParse(s[start..unitStart], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
            {
                throw new ConfigurationException($"{Key}: {name}=\"{Shorten(raw)}\" is not a duration (use a number with a unit: 30s, 1m, 500ms)");
            }

            total += s[unitStart..i] switch
            {
                "ns" => number / 1e9,
                "us" or "µs" or "μs" => number / 1e6,
                "ms" => number / 1e3,
                "s" => number,
                "m" => number * 60,
                "h" => number * 3600,
                _ => throw new ConfigurationException($"{Key}: {name}=\"{Shorten(raw)}\" is not a duration (use a number with a unit: 30s, 1m, 500ms)"),
            };
        }

        return total > 0 ? TimeSpan.FromSeconds(total) : throw new ConfigurationException($"{Key}: {name}=\"{Shorten(raw)}\" is not a duration (use a number with a unit: 30s, 1m, 500ms)");
    }

    private static TimeZoneInfo Zone(string raw, TimeZoneInfo localZone)
    {
        if (raw == "Local")
        {
            return localZone;
        }

        if (raw == "UTC" || raw.Length == 0)
        {
            return TimeZoneInfo.Utc;
        }

        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(raw);
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            throw new ConfigurationException($"{Key}: loc=\"{Shorten(raw)}\" is not a time zone known here (use Local, UTC or an IANA name such as Europe%2FBerlin)", e);
        }
    }

    private static void Boolean(string name, string raw)
    {
        if (raw is not ("1" or "0" or "true" or "false" or "True" or "False" or "TRUE" or "FALSE" or "t" or "f" or "T" or "F"))
        {
            throw new ConfigurationException($"{Key}: {name}=\"{Shorten(raw)}\" is not a boolean (use true or false)");
        }
    }

    private static (string Host, uint Port) SplitHostPort(string address)
    {
        string host;
        string? port = null;
        if (address.StartsWith('['))
        {
            var close = address.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                throw new ConfigurationException($"{Key}: the IPv6 address \"{Shorten(address)}\" is not closed with ]");
            }

            host = address[1..close];
            if (address.Length > close + 1 && address[close + 1] == ':')
            {
                port = address[(close + 2)..];
            }
        }
        else
        {
            var colon = address.LastIndexOf(':');
            host = colon >= 0 ? address[..colon] : address;
            port = colon >= 0 ? address[(colon + 1)..] : null;
        }

        if (port is null)
        {
            return (host.Length == 0 ? "127.0.0.1" : host, 3306);
        }

        if (!uint.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n is 0 or > 65535)
        {
            throw new ConfigurationException($"{Key}: the port \"{Shorten(port)}\" in tcp(…) is not a number from 1 to 65535");
        }

        return (host.Length == 0 ? "127.0.0.1" : host, n);
    }

    private static string Unescape(string name, string value)
    {
        try
        {
            return Uri.UnescapeDataString(value);
        }
        catch (UriFormatException e)
        {
            throw new ConfigurationException($"{Key}: {name} is not validly %-escaped", e);
        }
    }

    private static string Shorten(string text) => text.Length > 40 ? text[..40] + "…" : text;
}

/// <summary>A translated MySQL DSN: the driver's connection string, the zone of stored <c>datetime</c> values, and the charset the DSN asked for (never applied).</summary>
public sealed record MySqlConnectionSettings(string ConnectionString, TimeZoneInfo Location, string? RequestedCharset);
