using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Herald.Server.Configuration;

/// <summary>
/// Loads <see cref="HeraldSettings"/> the way both Gotify generations do: defaults, then Gotify 2's YAML file
/// (<c>./config.yml</c>, else <c>/etc/gotify/config.yml</c>), then Gotify 3's env file, then the process
/// environment. Every variable may also be given as <c>NAME_FILE</c> naming a file that holds the value.
/// Any unusable value throws <see cref="ConfigurationException"/> naming the key.
/// </summary>
public static class SettingsLoader
{
    private static readonly string[] SupportedDialects = ["sqlite3", "mysql", "postgres"];
    private static readonly string[] LogLevels = ["trace", "debug", "info", "warn", "error", "fatal", "panic"];

    /// <param name="environment">The process environment (tests pass their own).</param>
    /// <param name="workingDirectory">Where relative files (<c>config.yml</c>, <c>gotify-server.env</c>) are looked up.</param>
    public static HeraldSettings Load(IReadOnlyDictionary<string, string> environment, string workingDirectory)
    {
        var settings = new HeraldSettings();

        // YAML is parsed only when a file exists: without one the YAML library is never loaded (idle memory).
        var yamlFile = new[] { Path.Combine(workingDirectory, "config.yml"), "/etc/gotify/config.yml" }.FirstOrDefault(File.Exists);
        if (yamlFile is not null)
        {
            ApplyYamlFile(settings, yamlFile);
        }

        var variables = new Dictionary<string, string>(ReadEnvFile(environment, workingDirectory), StringComparer.Ordinal);
        foreach (var (name, value) in environment)
        {
            variables[name] = value;
        }

        foreach (var key in SettingKeys.All)
        {
            var raw = ReadVariable(variables, key.EnvironmentName);
            if (raw is not null)
            {
                key.Apply(settings, ParseText(raw, key.Kind, key.EnvironmentName));
            }
        }

        settings.Host = HostVariables.From(environment);
        Validate(settings);
        if (!settings.UploadedImagesDir.EndsWith(Path.DirectorySeparatorChar) && !settings.UploadedImagesDir.EndsWith('/'))
        {
            settings.UploadedImagesDir += Path.DirectorySeparatorChar;
        }

        return settings;
    }

    private static string? ReadVariable(Dictionary<string, string> variables, string name)
    {
        if (variables.TryGetValue(name, out var value))
        {
            return value;
        }

        if (!variables.TryGetValue(name + "_FILE", out var file))
        {
            return null;
        }

        try
        {
            return File.ReadAllText(file).TrimEnd('\r', '\n');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new ConfigurationException($"{name}_FILE: cannot read \"{file}\": {e.Message}", e);
        }
    }

    private static void ApplyYamlFile(HeraldSettings settings, string path)
    {
        var name = Path.GetFileName(path);
        YamlMappingNode? root;
        try
        {
            using var reader = new StreamReader(path);
            var stream = SafeYaml.Load(reader);
            root = stream.Documents.Count == 0 ? null : stream.Documents[0].RootNode as YamlMappingNode;
            if (root is null && stream.Documents.Count > 0 && stream.Documents[0].RootNode is not YamlScalarNode { Value: null or "" })
            {
                throw new ConfigurationException($"{path}: the file must hold a YAML mapping of settings");
            }
        }
        catch (YamlException e)
        {
            throw new ConfigurationException($"{path}: invalid YAML at line {e.Start.Line}: {e.InnerException?.Message ?? e.Message}", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConfigurationException($"{path}: cannot read: {e.Message}", e);
        }

        if (root is null)
        {
            return;
        }

        foreach (var key in SettingKeys.All)
        {
            var node = Find(root, key.Path.Split('.'));
            if (node is not null)
            {
                key.Apply(settings, ParseNode(node, key.Kind, $"{name}: {key.Path}"));
            }
        }
    }

    private static YamlNode? Find(YamlMappingNode mapping, string[] path)
    {
        YamlNode current = mapping;
        foreach (var segment in path)
        {
            if (current is not YamlMappingNode map)
            {
                return null;
            }

            var next = map.Children.FirstOrDefault(c => c.Key is YamlScalarNode k && string.Equals(k.Value, segment, StringComparison.OrdinalIgnoreCase));
            if (next.Value is null)
            {
                return null;
            }

            current = next.Value;
        }

        // An empty value (`certfile:`) means "not set", as in Gotify.
        return current is YamlScalarNode { Value: null or "" } scalar && scalar.Style == YamlDotNet.Core.ScalarStyle.Plain ? null : current;
    }

    private static object ParseNode(YamlNode node, SettingKind kind, string name) => (kind, node) switch
    {
        (SettingKind.List, YamlSequenceNode seq) => seq.Children.Select(c => c is YamlScalarNode s ? s.Value ?? string.Empty : throw Invalid(name, "list", c)).ToList(),
        (SettingKind.Map, YamlMappingNode map) => map.Children.ToDictionary(
            c => (c.Key as YamlScalarNode)?.Value ?? throw Invalid(name, "map", c.Key),
            c => (c.Value as YamlScalarNode)?.Value ?? throw Invalid(name, "map", c.Value),
            StringComparer.Ordinal),
        (_, YamlScalarNode scalar) => ParseText(scalar.Value ?? string.Empty, kind, name),
        _ => throw Invalid(name, KindName(kind), node),
    };

    private static object ParseText(string text, SettingKind kind, string name)
    {
        switch (kind)
        {
            case SettingKind.String:
                return text;
            case SettingKind.Int:
                return int.TryParse(text.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var i) ? i : throw Invalid(name, "int", text);
            case SettingKind.Bool:
                return ParseBool(text) ?? throw Invalid(name, "bool", text);
            case SettingKind.List:
                return ParseList(text, name);
            case SettingKind.Map:
                return ParseMap(text, name);
            default:
                throw new ArgumentOutOfRangeException(nameof(kind));
        }
    }

    private static bool? ParseBool(string text) => text.Trim() switch
    {
        "1" or "t" or "T" or "TRUE" or "true" or "True" or "yes" or "Yes" or "on" or "On" => true,
        "0" or "f" or "F" or "FALSE" or "false" or "False" or "no" or "No" or "off" or "Off" => false,
        _ => null,
    };

    private static List<string> ParseList(string text, string name)
    {
        var trimmed = text.Trim();
        if (trimmed.Length == 0)
        {
            return [];
        }

        // Gotify 2 users wrote YAML lists in variables: GOTIFY_SERVER_TRUSTEDPROXIES=[127.0.0.1/32, ::1]
        return trimmed.StartsWith('[') ? ParseYamlList(trimmed, name) : ParseCsvLine(text);
    }

    private static List<string> ParseYamlList(string text, string name) =>
        ParseYamlValue(text, name, "list") is YamlSequenceNode seq
            ? (List<string>)ParseNode(seq, SettingKind.List, name)
            : throw Invalid(name, "list", text);

    private static Dictionary<string, string> ParseMap(string text, string name)
    {
        var trimmed = text.Trim();
        if (trimmed.Length == 0)
        {
            return new Dictionary<string, string>(StringComparer.Ordinal);
        }

        // A JSON object (Gotify 3) is also YAML flow syntax (Gotify 2), so one parser reads both.
        return ParseYamlValue(trimmed, name, "map") is YamlMappingNode map
            ? (Dictionary<string, string>)ParseNode(map, SettingKind.Map, name)
            : throw Invalid(name, "map", text);
    }

    private static YamlNode ParseYamlValue(string text, string name, string kind)
    {
        YamlStream stream;
        try
        {
            stream = SafeYaml.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            throw Invalid(name, kind, text, e);
        }

        return stream.Documents.Count > 0 ? stream.Documents[0].RootNode : throw Invalid(name, kind, text);
    }

    /// <summary>One CSV record as Go's reader with LazyQuotes and TrimLeadingSpace reads it: quotes allow commas.</summary>
    private static List<string> ParseCsvLine(string text)
    {
        var values = new List<string>();
        var current = new StringBuilder();
        var quoted = false;
        var atStart = true;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (atStart && c is ' ' or '\t')
            {
                continue;
            }

            if (atStart && c == '"')
            {
                quoted = true;
                atStart = false;
                continue;
            }

            atStart = false;
            if (quoted && c == '"')
            {
                if (i + 1 < text.Length && text[i + 1] == '"')
                {
                    current.Append('"');
                    i++;
                }
                else
                {
                    quoted = false;
                }

                continue;
            }

            if (!quoted && c == ',')
            {
                values.Add(current.ToString());
                current.Clear();
                atStart = true;
                continue;
            }

            current.Append(c);
        }

        values.Add(current.ToString());
        return values;
    }

    private static Dictionary<string, string> ReadEnvFile(IReadOnlyDictionary<string, string> environment, string workingDirectory)
    {
        string? path;
        if (environment.TryGetValue("GOTIFY_CONFIG_FILE", out var explicitPath) && explicitPath.Length > 0)
        {
            path = Path.Combine(workingDirectory, explicitPath);
            if (!File.Exists(path))
            {
                throw new ConfigurationException($"GOTIFY_CONFIG_FILE: file \"{explicitPath}\" does not exist");
            }
        }
        else
        {
            var xdg = environment.TryGetValue("XDG_CONFIG_HOME", out var x) && x.Length > 0
                ? x
                : environment.TryGetValue("HOME", out var home) && home.Length > 0 ? Path.Combine(home, ".config") : null;
            var candidates = new List<string> { Path.Combine(workingDirectory, "gotify-server.env") };
            if (xdg is not null)
            {
                candidates.Add(Path.Combine(xdg, "gotify", "gotify-server.env"));
            }

            candidates.Add("/etc/gotify/server.env");
            path = candidates.FirstOrDefault(File.Exists);
        }

        if (path is null)
        {
            return new Dictionary<string, string>(StringComparer.Ordinal);
        }

        try
        {
            return EnvFile.Parse(File.ReadAllText(path));
        }
        catch (FormatException e)
        {
            throw new ConfigurationException($"{path}: {e.Message}", e);
        }
        catch (IOException e)
        {
            throw new ConfigurationException($"{path}: cannot read: {e.Message}", e);
        }
    }

    private static void Validate(HeraldSettings s)
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

    private static ConfigurationException Invalid(string name, string kind, string? value, Exception? inner = null) =>
        new($"invalid {kind} for {name} (\"{value}\")", inner);

    /// <summary>
    /// Names the offending node by kind and position, never by its text: with aliases a small file describes an
    /// exponentially large tree (nine levels of nine aliases, 600 bytes, printed as 9^9 items ran out of memory).
    /// </summary>
    private static ConfigurationException Invalid(string name, string kind, YamlNode node) => node is YamlScalarNode scalar
        ? Invalid(name, kind, scalar.Value)
        : new($"invalid {kind} for {name} (a {(node is YamlSequenceNode ? "list" : "map")} at line {node.Start.Line}, column {node.Start.Column})");

    private static string KindName(SettingKind kind) => kind.ToString().ToLowerInvariant();
}
