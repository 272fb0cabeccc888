using Herald.Server.Configuration;
using MySqlConnector;
using Npgsql;

namespace Herald.Server.Tests;

/// <summary>
/// Gotify's <c>GOTIFY_DATABASE_CONNECTION</c> forms for postgres (libpq key/value, URLs) and mysql (go-sql-driver DSNs),
/// translated to the .NET drivers' connection strings: every value Gotify's drivers read reaches the driver, and a
/// value they would refuse is one sentence naming the key, without the password.
/// </summary>
public class DsnTests
{
    private static NpgsqlConnectionStringBuilder Pg(string dsn) => new(PostgresDsn.ToConnectionString(dsn));

    private static (MySqlConnectionStringBuilder Builder, MySqlConnectionSettings Settings) My(string dsn)
    {
        var settings = MySqlDsn.Parse(dsn, TimeZoneInfo.Utc);
        return (new MySqlConnectionStringBuilder(settings.ConnectionString), settings);
    }

    [Fact]
    public void Postgres_GotifyExampleKeyValue_EveryKeyMapped()
    {
        // The example of Gotify's env file, with sslmode as its docs advise: each libpq key lands on Npgsql's name for it.
        var b = Pg("host=localhost port=5432 user=gotify dbname=gotifydb password=secret sslmode=disable");
        Assert.Equal("localhost", b.Host);
        Assert.Equal(5432, b.Port);
        Assert.Equal("gotify", b.Username);
        Assert.Equal("gotifydb", b.Database);
        Assert.Equal("secret", b.Password);
        Assert.Equal(SslMode.Disable, b.SslMode);
    }

    [Fact]
    public void Postgres_QuotedValues_EscapesAndSpacesKept()
    {
        // libpq's quoting: single quotes around a value with spaces, \' and \\ inside, spaces around '='.
        var b = Pg(@"host = db.example  password='it\'s' user='my user' dbname='a\'b\\c'");
        Assert.Equal("db.example", b.Host);
        Assert.Equal("my user", b.Username);
        Assert.Equal(@"a'b\c", b.Database);
        Assert.Equal("it's", b.Password);
    }

    [Fact]
    public void Postgres_Url_CredentialsHostPortDatabaseAndParameters()
    {
        // The URL form pgx reads: %-escaped credentials, port, database and query parameters.
        var b = Pg("postgres://gotify:p%40ss%3Aw@db.internal:6543/gotify?sslmode=require&connect_timeout=5&application_name=herald");
        Assert.Equal("gotify", b.Username);
        Assert.Equal("p@ss:w", b.Password);
        Assert.Equal("db.internal", b.Host);
        Assert.Equal(6543, b.Port);
        Assert.Equal("gotify", b.Database);
        Assert.Equal(SslMode.Require, b.SslMode);
        Assert.Equal(5, b.Timeout);
        Assert.Equal("herald", b.ApplicationName);
    }

    [Fact]
    public void Postgres_UrlWithIpv6AndSeveralHosts_HostListKept()
    {
        // Bracketed IPv6 and a comma-separated host list (libpq multi-host) survive the translation.
        Assert.Equal("::1", Pg("postgresql://u@[::1]:5433/d").Host);
        Assert.Equal(5433, Pg("postgresql://u@[::1]:5433/d").Port);
        Assert.Equal("a:5432,b:5433", Pg("postgres://u@a:5432,b:5433/d").Host);
    }

    [Fact]
    public void Postgres_NoHost_LocalhostAndDefaultPort()
    {
        // Without host or port the driver defaults apply, as for pgx: localhost:5432.
        var b = Pg("user=gotify dbname=gotify");
        Assert.Equal("localhost", b.Host);
        Assert.Equal(5432, b.Port);
        Assert.Null(b.Password);
    }

    [Fact]
    public void Postgres_UnknownKey_SentAsRunTimeParameter()
    {
        // pgx sends unknown keys to the server as run-time parameters; Npgsql does through Options.
        Assert.Equal("-c statement_timeout=5000", Pg("host=h statement_timeout=5000").Options);
    }

    [Theory]
    [InlineData("host=h port=abc password=hunter2", "port")]
    [InlineData("host=h sslmode=sometimes password=hunter2", "sslmode")]
    [InlineData("data/gotify.db", "key=value")]
    [InlineData("host=h password='hunter2", "quoted")]
    [InlineData("postgres://u:hunter2@h:99999/d", "port")]
    public void Postgres_Unusable_OneSentenceNamingKeyWithoutPassword(string dsn, string names)
    {
        // Unusable values are refused with the variable's name and the part at fault, never the password.
        var e = Assert.Throws<ConfigurationException>(() => PostgresDsn.ToConnectionString(dsn));
        Assert.StartsWith("GOTIFY_DATABASE_CONNECTION: ", e.Message, StringComparison.Ordinal);
        Assert.Contains(names, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void MySql_GotifyExample_TcpAddressDatabaseAndUtcDefault()
    {
        // Gotify's example DSN: user, password, tcp address and database; charset is read but never applied.
        var (b, s) = My("gotify:secret@tcp(localhost:3306)/gotifydb?charset=utf8&parseTime=True&loc=UTC");
        Assert.Equal("gotify", b.UserID);
        Assert.Equal("secret", b.Password);
        Assert.Equal("localhost", b.Server);
        Assert.Equal(3306u, b.Port);
        Assert.Equal("gotifydb", b.Database);
        Assert.Equal("utf8", s.RequestedCharset);
        Assert.Equal(TimeZoneInfo.Utc, s.Location);
        Assert.Equal(MySqlSslMode.None, b.SslMode);
    }

    [Fact]
    public void MySql_LocLocal_TheProcessZone()
    {
        // loc=Local means the zone of the process that wrote the wall-clock datetimes (the container's TZ).
        var berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
        Assert.Equal(berlin, MySqlDsn.Parse("u:p@tcp(h:3306)/d?loc=Local", berlin).Location);
        Assert.Equal(berlin.Id, MySqlDsn.Parse("u:p@tcp(h:3306)/d?loc=Europe%2FBerlin", TimeZoneInfo.Utc).Location.Id);
        Assert.Equal(TimeZoneInfo.Utc, MySqlDsn.Parse("u:p@tcp(h:3306)/d", berlin).Location);
    }

    [Fact]
    public void MySql_PasswordWithAtAndSlash_SplitAsTheGoDriverDoes()
    {
        // The last '/' ends the address and the last '@' before it ends the credentials; the first ':' ends the user.
        var (b, _) = My("gotify:p@ss/w:rd@tcp(db:3307)/gotify");
        Assert.Equal("gotify", b.UserID);
        Assert.Equal("p@ss/w:rd", b.Password);
        Assert.Equal("db", b.Server);
        Assert.Equal(3307u, b.Port);
    }

    [Fact]
    public void MySql_UnixSocket_SocketProtocol()
    {
        // unix(/path) connects over the socket file.
        var (b, _) = My("gotify:secret@unix(/var/run/mysqld/mysqld.sock)/gotify?charset=utf8mb4");
        Assert.Equal(MySqlConnectionProtocol.UnixSocket, b.ConnectionProtocol);
        Assert.Equal("/var/run/mysqld/mysqld.sock", b.Server);
    }

    [Fact]
    public void MySql_NoAddress_GoDriverDefaults()
    {
        // "user@/db" and "/db" are valid go-sql-driver DSNs: tcp to 127.0.0.1:3306; a port-less host gets 3306.
        var (b, _) = My("/gotify");
        Assert.Equal("127.0.0.1", b.Server);
        Assert.Equal(3306u, b.Port);
        Assert.Equal("gotify", b.Database);
        Assert.Equal(3306u, My("u@tcp(db)/d").Builder.Port);
        Assert.Equal("u", My("u@tcp(db)/d").Builder.UserID);
    }

    [Theory]
    [InlineData("tls=true", MySqlSslMode.VerifyFull)]
    [InlineData("tls=skip-verify", MySqlSslMode.Required)]
    [InlineData("tls=preferred", MySqlSslMode.Preferred)]
    [InlineData("tls=false", MySqlSslMode.None)]
    public void MySql_Tls_MappedToSslMode(string parameter, MySqlSslMode expected)
    {
        // The Go driver's tls values, each with its meaning (true verifies the certificate, skip-verify does not).
        Assert.Equal(expected, My("u:p@tcp(h:3306)/d?" + parameter).Builder.SslMode);
    }

    [Fact]
    public void MySql_Timeout_GoDurationToSeconds()
    {
        // timeout= is a Go duration; the connect timeout is whole seconds, rounded up.
        Assert.Equal(90u, My("u:p@tcp(h:3306)/d?timeout=1m30s").Builder.ConnectionTimeout);
        Assert.Equal(1u, My("u:p@tcp(h:3306)/d?timeout=500ms").Builder.ConnectionTimeout);
        Assert.Equal(TimeSpan.FromSeconds(2.5), MySqlDsn.Duration("t", "2.5s"));
    }

    [Theory]
    [InlineData("gotify:hunter2@tcp(localhost:3306)gotify", "/")]
    [InlineData("gotify:hunter2@tcp(localhost:3306/gotify", "closed")]
    [InlineData("gotify:hunter2@tcp(localhost:port)/gotify", "port")]
    [InlineData("gotify:hunter2@udp(localhost:3306)/gotify", "network")]
    [InlineData("gotify:hunter2@tcp(localhost:3306)/gotify?parseTime=maybe", "parseTime")]
    [InlineData("gotify:hunter2@tcp(localhost:3306)/gotify?loc=Mars%2FOlympus", "loc")]
    [InlineData("gotify:hunter2@tcp(localhost:3306)/gotify?tls=custom", "tls")]
    [InlineData("gotify:hunter2@tcp(localhost:3306)/gotify?timeout=soon", "timeout")]
    [InlineData("gotify:hunter2@tcp(localhost:3306)/gotify?sql_mode=ANSI", "sql_mode")]
    public void MySql_Unusable_OneSentenceNamingKeyWithoutPassword(string dsn, string names)
    {
        // Every DSN the Go driver would refuse (and the session variables Herald does not set) is one sentence.
        var e = Assert.Throws<ConfigurationException>(() => MySqlDsn.Parse(dsn, TimeZoneInfo.Utc));
        Assert.StartsWith("GOTIFY_DATABASE_CONNECTION: ", e.Message, StringComparison.Ordinal);
        Assert.Contains(names, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }
}
