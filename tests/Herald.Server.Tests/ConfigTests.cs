using System.Globalization;
using Herald.Server.Tests.Infrastructure;
using static Herald.Server.Tests.Infrastructure.ApiAssert;

namespace Herald.Server.Tests;

/// <summary>Configuration sources and their precedence: environment &gt; env file &gt; config.yml &gt; defaults (behaviour reference §6).</summary>
public sealed class ConfigTests
{
    private const string Unauthorized = "you need to provide a valid access token or user credentials to access this api";

    private static string P(int port) => port.ToString(CultureInfo.InvariantCulture);

    /// <summary>The env every test here needs besides what it tests: loopback, a port, fast bcrypt.</summary>
    private static Dictionary<string, string?> Minimal(int port) => new()
    {
        ["GOTIFY_SERVER_LISTENADDR"] = "127.0.0.1",
        ["GOTIFY_SERVER_PORT"] = P(port),
        ["GOTIFY_PASSSTRENGTH"] = "4",
    };

    private static async Task<int> StatusAsync(HeraldClient api, string path, Credential auth) => (await api.GetAsync(path, auth)).StatusCode;

    [Fact]
    public async Task Start_ConfigYmlInWorkingDirectory_Applied()
    {
        // ./config.yml is read: listen address, port, default user, registration, response headers and relative default paths.
        using var dir = new TempDirectory();
        var port = HeraldProcess.FreePort();
        await File.WriteAllTextAsync(dir.Combine("config.yml"), $"""
            server:
              listenaddr: 127.0.0.1
              port: {port}
              responseheaders:
                X-From-Yaml: "yaml value"
            defaultuser:
              name: yamladmin
              pass: yamlpass
            passstrength: 4
            registration: true
            """);
        await using var server = await HeraldProcess.StartAsync(new HeraldStartInfo { WorkDir = dir.Path, Port = port, DefaultEnv = false });
        using var api = new HeraldClient(server.BaseAddress);
        Assert.Equal(200, await StatusAsync(api, "/current/user", Credential.Basic("yamladmin", "yamlpass")));
        Assert.Equal(401, await StatusAsync(api, "/current/user", Credential.Basic("admin", "admin")));
        Assert.True(Ok(await api.GetAsync("/gotifyinfo")).GetProperty("register").GetBoolean());
        Assert.Equal("yaml value", (await api.GetAsync("/version")).Header("X-From-Yaml"));
        Assert.True(File.Exists(Path.Combine(dir.Path, "data", "gotify.db")), "the default database is data/gotify.db relative to the working directory");
    }

    [Fact]
    public async Task Start_EnvAndYaml_EnvWins()
    {
        // A GOTIFY_* environment variable overrides the same key in config.yml.
        using var dir = new TempDirectory();
        var yamlPort = HeraldProcess.FreePort();
        var envPort = HeraldProcess.FreePort();
        await File.WriteAllTextAsync(dir.Combine("config.yml"), $"""
            server:
              listenaddr: 127.0.0.1
              port: {yamlPort}
            defaultuser:
              name: yamladmin
              pass: yamlpass
            registration: false
            """);
        var env = Minimal(envPort);
        env["GOTIFY_DEFAULTUSER_NAME"] = "envadmin";
        env["GOTIFY_REGISTRATION"] = "true";
        await using var server = await HeraldProcess.StartAsync(new HeraldStartInfo { WorkDir = dir.Path, Port = envPort, DefaultEnv = false, Env = env });
        using var api = new HeraldClient(server.BaseAddress);
        Assert.Equal(200, await StatusAsync(api, "/current/user", Credential.Basic("envadmin", "yamlpass")));
        Assert.Equal(401, await StatusAsync(api, "/current/user", Credential.Basic("yamladmin", "yamlpass")));
        Assert.True(Ok(await api.GetAsync("/gotifyinfo")).GetProperty("register").GetBoolean());
    }

    [Fact]
    public async Task Start_EnvFileInWorkingDirectory_Applied()
    {
        // ./gotify-server.env (dotenv syntax, comments, quotes) is loaded.
        using var dir = new TempDirectory();
        var port = HeraldProcess.FreePort();
        await File.WriteAllTextAsync(dir.Combine("gotify-server.env"), """
            # Herald env file
            GOTIFY_DEFAULTUSER_NAME=fileadmin
            GOTIFY_DEFAULTUSER_PASS="file pass"
            GOTIFY_REGISTRATION=true
            GOTIFY_SERVER_RESPONSEHEADERS='{"X-From-File": "file value"}'
            """);
        await using var server = await HeraldProcess.StartAsync(new HeraldStartInfo { WorkDir = dir.Path, Port = port, DefaultEnv = false, Env = Minimal(port) });
        using var api = new HeraldClient(server.BaseAddress);
        Assert.Equal(200, await StatusAsync(api, "/current/user", Credential.Basic("fileadmin", "file pass")));
        Assert.True(Ok(await api.GetAsync("/gotifyinfo")).GetProperty("register").GetBoolean());
        Assert.Equal("file value", (await api.GetAsync("/version")).Header("X-From-File"));
    }

    [Fact]
    public async Task Start_EnvAndEnvFile_EnvWins()
    {
        // Variables already set in the process environment win over the env file.
        using var dir = new TempDirectory();
        var port = HeraldProcess.FreePort();
        await File.WriteAllTextAsync(dir.Combine("gotify-server.env"), "GOTIFY_DEFAULTUSER_NAME=fileadmin\nGOTIFY_DEFAULTUSER_PASS=filepass\n");
        var env = Minimal(port);
        env["GOTIFY_DEFAULTUSER_NAME"] = "envadmin";
        await using var server = await HeraldProcess.StartAsync(new HeraldStartInfo { WorkDir = dir.Path, Port = port, DefaultEnv = false, Env = env });
        using var api = new HeraldClient(server.BaseAddress);
        Assert.Equal(200, await StatusAsync(api, "/current/user", Credential.Basic("envadmin", "filepass")));
        Assert.Equal(401, await StatusAsync(api, "/current/user", Credential.Basic("fileadmin", "filepass")));
    }

    [Fact]
    public async Task Start_EnvFileAndYaml_EnvFileWins()
    {
        // The env file feeds the environment, so it overrides config.yml.
        using var dir = new TempDirectory();
        var port = HeraldProcess.FreePort();
        await File.WriteAllTextAsync(dir.Combine("config.yml"), """
            defaultuser:
              name: yamladmin
              pass: yamlpass
            registration: false
            """);
        await File.WriteAllTextAsync(dir.Combine("gotify-server.env"), "GOTIFY_DEFAULTUSER_NAME=fileadmin\nGOTIFY_REGISTRATION=true\n");
        await using var server = await HeraldProcess.StartAsync(new HeraldStartInfo { WorkDir = dir.Path, Port = port, DefaultEnv = false, Env = Minimal(port) });
        using var api = new HeraldClient(server.BaseAddress);
        Assert.Equal(200, await StatusAsync(api, "/current/user", Credential.Basic("fileadmin", "yamlpass")));
        Assert.True(Ok(await api.GetAsync("/gotifyinfo")).GetProperty("register").GetBoolean());
    }

    [Fact]
    public async Task Start_YamlWithoutKeys_DefaultsApply()
    {
        // Keys missing from config.yml keep their defaults (admin/admin, registration off).
        using var dir = new TempDirectory();
        var port = HeraldProcess.FreePort();
        await File.WriteAllTextAsync(dir.Combine("config.yml"), "passstrength: 4\n");
        var env = new Dictionary<string, string?> { ["GOTIFY_SERVER_LISTENADDR"] = "127.0.0.1", ["GOTIFY_SERVER_PORT"] = P(port) };
        await using var server = await HeraldProcess.StartAsync(new HeraldStartInfo { WorkDir = dir.Path, Port = port, DefaultEnv = false, Env = env });
        using var api = new HeraldClient(server.BaseAddress);
        Assert.Equal(200, await StatusAsync(api, "/current/user", Credential.Basic("admin", "admin")));
        Assert.False(Ok(await api.GetAsync("/gotifyinfo")).GetProperty("register").GetBoolean());
    }

    [Fact]
    public async Task Start_GotifyConfigFileSet_OnlyThatFileLoaded()
    {
        // GOTIFY_CONFIG_FILE names the env file; ./gotify-server.env is then ignored.
        using var dir = new TempDirectory();
        var port = HeraldProcess.FreePort();
        await File.WriteAllTextAsync(dir.Combine("gotify-server.env"), "GOTIFY_DEFAULTUSER_NAME=ignoredadmin\nGOTIFY_REGISTRATION=true\n");
        Directory.CreateDirectory(dir.Combine("conf"));
        var custom = Path.Combine(dir.Path, "conf", "custom.env");
        await File.WriteAllTextAsync(custom, "GOTIFY_DEFAULTUSER_NAME=customadmin\nGOTIFY_DEFAULTUSER_PASS=custompass\n");
        var env = Minimal(port);
        env["GOTIFY_CONFIG_FILE"] = custom;
        await using var server = await HeraldProcess.StartAsync(new HeraldStartInfo { WorkDir = dir.Path, Port = port, DefaultEnv = false, Env = env });
        using var api = new HeraldClient(server.BaseAddress);
        Assert.Equal(200, await StatusAsync(api, "/current/user", Credential.Basic("customadmin", "custompass")));
        Assert.Equal(401, await StatusAsync(api, "/current/user", Credential.Basic("ignoredadmin", "custompass")));
        Assert.False(Ok(await api.GetAsync("/gotifyinfo")).GetProperty("register").GetBoolean());
    }

    [Fact]
    public async Task Start_FileSuffixVariable_ValueReadWithoutTrailingNewline()
    {
        // <NAME>_FILE=/path reads the value from the file (Docker secrets), stripping the trailing CR/LF.
        using var dir = new TempDirectory();
        var secret = dir.Combine("admin-pass.txt");
        await File.WriteAllTextAsync(secret, "from-file-secret\r\n");
        var nameFile = dir.Combine("admin-name.txt");
        await File.WriteAllTextAsync(nameFile, "secretadmin\n");
        var env = new Dictionary<string, string?>
        {
            ["GOTIFY_DEFAULTUSER_PASS"] = null,
            ["GOTIFY_DEFAULTUSER_PASS_FILE"] = secret,
            ["GOTIFY_DEFAULTUSER_NAME_FILE"] = nameFile,
        };
        await using var server = await HeraldProcess.StartAsync(dir.Path, env);
        using var api = new HeraldClient(server.BaseAddress);
        Assert.Equal(200, await StatusAsync(api, "/current/user", Credential.Basic("secretadmin", "from-file-secret")));
        Assert.Equal(401, await StatusAsync(api, "/current/user", Credential.Basic("secretadmin", "from-file-secret\r\n")));
    }

    [Fact]
    public async Task Start_ResponseHeadersEnv_AddedToResponsesAndErrors()
    {
        // GOTIFY_SERVER_RESPONSEHEADERS (a JSON object) adds headers to API responses, error responses included.
        using var dir = new TempDirectory();
        var env = new Dictionary<string, string?> { ["GOTIFY_SERVER_RESPONSEHEADERS"] = "{\"X-Custom-Header\": \"custom value\", \"X-Other\": \"2\"}" };
        await using var server = await HeraldProcess.StartAsync(dir.Path, env);
        using var api = new HeraldClient(server.BaseAddress);
        var version = await api.GetAsync("/version");
        Assert.Equal("custom value", version.Header("X-Custom-Header"));
        Assert.Equal("2", version.Header("X-Other"));
        var denied = await api.GetAsync("/current/user");
        Error(denied, 401, Unauthorized);
        Assert.Equal("custom value", denied.Header("X-Custom-Header"));
    }

    [Fact]
    public async Task Start_ResponseHeadersAndCors_NotOnUiAndHealth()
    {
        // Gotify serves the web UI and /health before its JSON, response-header and CORS middlewares: configured
        // headers never reach them and a foreign Origin is not refused there, while API routes still get both.
        using var dir = new TempDirectory();
        var env = new Dictionary<string, string?>
        {
            ["GOTIFY_SERVER_RESPONSEHEADERS"] = "{\"X-Custom-Header\": \"custom value\"}",
            ["GOTIFY_SERVER_CORS_ALLOWORIGINS"] = @".+\.example\.com",
        };
        await using var server = await HeraldProcess.StartAsync(dir.Path, env);
        using var api = new HeraldClient(server.BaseAddress);

        foreach (var path in new[] { "/", "/index.html", "/static/app.css", "/health" })
        {
            var response = await api.SendAsync(HttpMethod.Get, path, headers: [new("Origin", "http://evil.org")]);
            Status(response, 200);
            Assert.Null(response.Header("X-Custom-Header"));
            Assert.Null(response.Header("Access-Control-Allow-Origin"));
        }

        Status(await api.SendAsync(HttpMethod.Get, "/version", headers: [new("Origin", "http://evil.org")]), 403);
        Assert.Equal("custom value", (await api.GetAsync("/version")).Header("X-Custom-Header"));
    }

    [Fact]
    public async Task Start_CorsAllowOrigins_MatchingAllowedOthers403()
    {
        // With cors.alloworigins regexes a matching Origin gets Access-Control-Allow-Origin, preflight answers 204, others get a bare 403.
        using var dir = new TempDirectory();
        var env = new Dictionary<string, string?>
        {
            ["GOTIFY_SERVER_CORS_ALLOWORIGINS"] = @".+\.example\.com,otherdomain\.com",
            ["GOTIFY_SERVER_CORS_ALLOWMETHODS"] = "GET,POST",
            ["GOTIFY_SERVER_CORS_ALLOWHEADERS"] = "Authorization,content-type",
        };
        await using var server = await HeraldProcess.StartAsync(dir.Path, env);
        using var api = new HeraldClient(server.BaseAddress);

        var allowed = await api.SendAsync(HttpMethod.Get, "/version", headers: [new("Origin", "http://app.example.com")]);
        Status(allowed, 200);
        Assert.Equal("http://app.example.com", allowed.Header("Access-Control-Allow-Origin"));

        var preflight = await api.SendAsync(HttpMethod.Options, "/message", headers: [new("Origin", "http://otherdomain.com"), new("Access-Control-Request-Method", "POST"), new("Access-Control-Request-Headers", "content-type")]);
        Status(preflight, 204);
        Assert.Equal("http://otherdomain.com", preflight.Header("Access-Control-Allow-Origin"));
        Assert.Contains("POST", preflight.Header("Access-Control-Allow-Methods") ?? string.Empty, StringComparison.OrdinalIgnoreCase);

        var rejected = await api.SendAsync(HttpMethod.Get, "/version", headers: [new("Origin", "http://evil.org")]);
        Status(rejected, 403);
        Assert.Equal(string.Empty, rejected.Body);
        Assert.Null(rejected.Header("Access-Control-Allow-Origin"));

        var sameOrigin = await api.SendAsync(HttpMethod.Get, "/version", headers: [new("Origin", "http://" + api.HostAndPort)]);
        Status(sameOrigin, 200);
        Status(await api.GetAsync("/version"), 200);
    }

    [Fact]
    public async Task Start_ResponseHeaderAllowOriginStar_AnyOriginAllowed()
    {
        // Without cors.alloworigins, an Access-Control-Allow-Origin response header is the allowed origin ("*" = all).
        using var dir = new TempDirectory();
        var env = new Dictionary<string, string?> { ["GOTIFY_SERVER_RESPONSEHEADERS"] = "{\"Access-Control-Allow-Origin\": \"*\"}" };
        await using var server = await HeraldProcess.StartAsync(dir.Path, env);
        using var api = new HeraldClient(server.BaseAddress);
        var response = await api.SendAsync(HttpMethod.Get, "/version", headers: [new("Origin", "http://anywhere.example")]);
        Status(response, 200);
        Assert.NotNull(response.Header("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task Start_CorsYamlLists_Applied()
    {
        // YAML lists configure CORS like the env CSV does.
        using var dir = new TempDirectory();
        await File.WriteAllTextAsync(dir.Combine("config.yml"), """
            server:
              cors:
                alloworigins:
                  - '.+\.yaml\.test'
                allowmethods:
                  - "GET"
                allowheaders:
                  - "Authorization"
            """);
        await using var server = await HeraldProcess.StartAsync(dir.Path);
        using var api = new HeraldClient(server.BaseAddress);
        var allowed = await api.SendAsync(HttpMethod.Get, "/version", headers: [new("Origin", "http://ui.yaml.test")]);
        Status(allowed, 200);
        Assert.Equal("http://ui.yaml.test", allowed.Header("Access-Control-Allow-Origin"));
        Status(await api.SendAsync(HttpMethod.Get, "/version", headers: [new("Origin", "http://evil.org")]), 403);
    }

    public static TheoryData<string, string> BadEnvValues => new()
    {
        { "GOTIFY_SERVER_PORT", "abc" },
        { "GOTIFY_REGISTRATION", "maybe" },
        { "GOTIFY_PASSSTRENGTH", "strong" },
        { "GOTIFY_SERVER_RESPONSEHEADERS", "{not json" },
        { "GOTIFY_SERVER_STREAM_PINGPERIODSECONDS", "1.5" },
        { "GOTIFY_SERVER_SSL_ENABLED", "sometimes" },
        { "GOTIFY_SERVER_KEEPALIVEPERIODSECONDS", "ten" },
    };

    [Theory]
    [MemberData(nameof(BadEnvValues))]
    public async Task Start_BadEnvValue_ExitsWith1NamingKey(string key, string value)
    {
        // An invalid value stops the start with exit code 1 and a one-line message naming the key (no stack trace).
        using var dir = new TempDirectory();
        var result = await HeraldProcess.RunToExitAsync(dir.Path, ["serve"], new Dictionary<string, string?> { [key] = value });
        AssertConfigFailure(result, key);
    }

    [Fact]
    public async Task Start_BadYamlValue_ExitsWith1NamingKey()
    {
        // A wrongly typed value in config.yml is fatal too.
        using var dir = new TempDirectory();
        await File.WriteAllTextAsync(dir.Combine("config.yml"), "server:\n  port: notanumber\n");
        var env = new Dictionary<string, string?> { ["GOTIFY_SERVER_PORT"] = null };
        var result = await HeraldProcess.RunToExitAsync(dir.Path, ["serve"], env);
        AssertConfigFailure(result, "server.port", "GOTIFY_SERVER_PORT");
    }

    [Fact]
    public async Task Start_MalformedYaml_ExitsWith1()
    {
        // A config.yml that is not YAML stops the start with exit code 1, without a crash dump.
        using var dir = new TempDirectory();
        await File.WriteAllTextAsync(dir.Combine("config.yml"), "server:\n  port: [1, 2\n  listenaddr: {{{\n");
        var result = await HeraldProcess.RunToExitAsync(dir.Path, ["serve"]);
        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.DoesNotContain("Unhandled exception", result.AllOutput, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Start_YamlAliasBombInMapAndList_ExitsWith1NamingKey()
    {
        // Nine levels of nine aliases (9^9 leaves in 600 bytes) where a map and a list of strings belong: one line naming
        // the key, not an out-of-memory crash while printing the offending value (found by the config fuzz target).
        using var dir = new TempDirectory();
        var lines = new List<string> { "a0: &a0 \"lol\"" };
        for (var i = 1; i <= 9; i++)
        {
            lines.Add($"a{i}: &a{i} [{string.Join(", ", Enumerable.Repeat($"*a{i - 1}", 9))}]");
        }

        lines.AddRange(["server:", "  responseheaders:", "    X-Bomb: *a9", "  trustedproxies: *a9"]);
        await File.WriteAllTextAsync(dir.Combine("config.yml"), string.Join('\n', lines) + "\n");
        var result = await HeraldProcess.RunToExitAsync(dir.Path, ["serve"], new Dictionary<string, string?> { ["GOTIFY_SERVER_RESPONSEHEADERS"] = null });
        AssertConfigFailure(result, "server.responseheaders");
    }

    [Fact]
    public async Task Start_YamlNested100000Deep_ExitsWith1()
    {
        // 100,000 nested flow sequences (200 KB) overflowed the YAML library's recursion and aborted the process with a
        // stack dump; the nesting is refused first, with the one-line start error (found by the config fuzz target).
        using var dir = new TempDirectory();
        await File.WriteAllTextAsync(dir.Combine("config.yml"), "server:\n  trustedproxies: " + new string('[', 100_000) + new string(']', 100_000) + "\n");
        var result = await HeraldProcess.RunToExitAsync(dir.Path, ["serve"], new Dictionary<string, string?> { ["GOTIFY_SERVER_TRUSTEDPROXIES"] = null });
        AssertConfigFailure(result, "config.yml");
        Assert.Contains("nested deeper than", result.AllOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_YamlAliasAsImplicitKey_ExitsWith1()
    {
        // `b: *p: *q` made the YAML library throw an ArgumentException that escaped as an unhandled exception with a
        // stack trace; every failure of the library on the file is the one-line start error (found by the config fuzz target).
        using var dir = new TempDirectory();
        await File.WriteAllTextAsync(dir.Combine("config.yml"), "a: &p 1\nb: *p: *q\n");
        var result = await HeraldProcess.RunToExitAsync(dir.Path, ["serve"]);
        AssertConfigFailure(result, "config.yml");
    }

    [Fact]
    public async Task Start_YamlSelfReferencingAliasAsKey_ExitsWith1()
    {
        // An anchor that contains its own alias, used as a mapping key: the YAML library hashed the key as a whole tree
        // and recursed until the process aborted; a key that is not a plain value is refused first (found by the config
        // fuzz target).
        using var dir = new TempDirectory();
        await File.WriteAllTextAsync(dir.Combine("config.yml"), "a: &a [*a]\n*a : 1\n");
        var result = await HeraldProcess.RunToExitAsync(dir.Path, ["serve"]);
        AssertConfigFailure(result, "config.yml");
        Assert.Contains("mapping key must be a plain value", result.AllOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_BadValueInEnvFile_ExitsWith1NamingKey()
    {
        // An invalid value coming from the env file is fatal like one from the environment.
        using var dir = new TempDirectory();
        await File.WriteAllTextAsync(dir.Combine("gotify-server.env"), "GOTIFY_REGISTRATION=perhaps\n");
        var result = await HeraldProcess.RunToExitAsync(dir.Path, ["serve"]);
        AssertConfigFailure(result, "GOTIFY_REGISTRATION");
    }

    [Fact]
    public async Task Start_FileSuffixMissingFile_ExitsWith1NamingKey()
    {
        // A _FILE variable pointing at a missing file is fatal.
        using var dir = new TempDirectory();
        var env = new Dictionary<string, string?> { ["GOTIFY_DEFAULTUSER_PASS"] = null, ["GOTIFY_DEFAULTUSER_PASS_FILE"] = dir.Combine("missing.txt") };
        var result = await HeraldProcess.RunToExitAsync(dir.Path, ["serve"], env);
        AssertConfigFailure(result, "GOTIFY_DEFAULTUSER_PASS");
    }

    [Fact]
    public async Task Start_GotifyConfigFileMissing_ExitsWith1()
    {
        // An explicitly named env file that does not exist is an error, not silently ignored.
        using var dir = new TempDirectory();
        var env = new Dictionary<string, string?> { ["GOTIFY_CONFIG_FILE"] = dir.Combine("nope.env") };
        var result = await HeraldProcess.RunToExitAsync(dir.Path, ["serve"], env);
        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.DoesNotContain("Unhandled exception", result.AllOutput, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Start_DatabaseInMissingFolders_FoldersCreated()
    {
        // For sqlite the database's parent folders are created when missing.
        using var dir = new TempDirectory();
        var dbPath = Path.Combine(dir.Path, "nested", "deeper", "gotify.db");
        await using var server = await HeraldProcess.StartAsync(dir.Path, new Dictionary<string, string?> { ["GOTIFY_DATABASE_CONNECTION"] = dbPath });
        using var api = new HeraldClient(server.BaseAddress);
        Status(await api.GetAsync("/current/user", Credential.Basic("admin", HeraldProcess.DefaultAdminPass)), 200);
        Assert.True(File.Exists(dbPath), "the database was not created in the nested folder");
    }

    [Theory]
    [InlineData("postgres", "host=127.0.0.1 port=notaport user=gotify password=hunter2 dbname=gotify")]
    [InlineData("postgres", "postgres://gotify:hunter2@127.0.0.1:5432/gotify?sslmode=sometimes")]
    [InlineData("mysql", "gotify:hunter2@tcp(127.0.0.1:3306)gotify")]
    [InlineData("mysql", "gotify:hunter2@tcp(127.0.0.1:3306)/gotify?loc=Nowhere%2FAtAll")]
    public async Task Start_UnreadableDatabaseDsn_ExitsWith1NamingKeyWithoutPassword(string dialect, string dsn)
    {
        // A DSN its engine's driver would refuse stops the start (exit 1) with one line naming the variable; the password never shows.
        using var dir = new TempDirectory();
        var result = await HeraldProcess.RunToExitAsync(dir.Path, ["serve"], new Dictionary<string, string?>
        {
            ["GOTIFY_DATABASE_DIALECT"] = dialect,
            ["GOTIFY_DATABASE_CONNECTION"] = dsn,
        });
        AssertConfigFailure(result, "GOTIFY_DATABASE_CONNECTION");
        Assert.DoesNotContain("hunter2", result.AllOutput, StringComparison.Ordinal);
    }

    [SqliteFact]
    public async Task Start_DatabaseFileNotSqlite_ExitsWith1()
    {
        // A database file that is not SQLite stops the start with exit code 1 and a message, and is not overwritten.
        using var dir = new TempDirectory();
        var garbage = new string('x', 4096);
        await File.WriteAllTextAsync(dir.Combine("gotify.db"), garbage);
        var result = await HeraldProcess.RunToExitAsync(dir.Path, ["serve"]);
        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("database", result.AllOutput, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(garbage, await File.ReadAllTextAsync(dir.Combine("gotify.db")));
    }

    [Fact]
    public async Task Start_PortInUse_ExitsWith1NamingAddress()
    {
        // A port that cannot be bound stops the start with exit code 1 and a message naming the address.
        using var dir = new TempDirectory();
        using var blocker = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        blocker.Start();
        var port = ((System.Net.IPEndPoint)blocker.LocalEndpoint).Port;
        var result = await HeraldProcess.RunToExitAsync(dir.Path, ["serve"], new Dictionary<string, string?> { ["GOTIFY_SERVER_PORT"] = P(port) });
        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains(P(port), result.AllOutput, StringComparison.Ordinal);
    }

    private static void AssertConfigFailure(ProcessResult result, params string[] keyNames)
    {
        Assert.True(result.ExitCode == 1, $"expected exit code 1: {result}");
        var lines = result.AllOutput.Split('\n').Where(l => !string.IsNullOrWhiteSpace(l)).ToArray();
        var naming = lines.Where(l => keyNames.Any(k => l.Contains(k, StringComparison.OrdinalIgnoreCase))).ToArray();
        Assert.True(naming.Length >= 1, $"no output line names {string.Join(" or ", keyNames)}: {result}");
        Assert.DoesNotContain("Unhandled exception", result.AllOutput, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(lines, l => l.TrimStart().StartsWith("at ", StringComparison.Ordinal) && l.Contains('(', StringComparison.Ordinal));
    }
}
