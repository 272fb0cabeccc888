namespace Herald.Server.Configuration;

/// <summary>
/// Loads <see cref="HeraldSettings"/> the way both Gotify generations do: defaults, then Gotify 2's YAML file
/// (<c>./config.yml</c>, else <c>/etc/gotify/config.yml</c>), then Gotify 3's env file, then the process
/// environment. Every variable may also be given as <c>NAME_FILE</c> naming a file that holds the value.
/// Any unusable value throws <see cref="ConfigurationException"/> naming the key.
/// </summary>
public static class SettingsLoader
{
    /// <param name="environment">The process environment (tests pass their own).</param>
    /// <param name="workingDirectory">Where relative files (<c>config.yml</c>, <c>gotify-server.env</c>) are looked up.</param>
    public static HeraldSettings Load(IReadOnlyDictionary<string, string> environment, string workingDirectory)
    {
        var settings = new HeraldSettings();

        // YAML is parsed only when a file exists: without one the YAML library is never loaded (idle memory).
        var yamlFile = new[] { Path.Combine(workingDirectory, "config.yml"), "/etc/gotify/config.yml" }.FirstOrDefault(File.Exists);
        if (yamlFile is not null)
        {
            settings = YamlSettingsFile.Apply(settings, yamlFile);
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
                settings = key.Apply(settings, SettingValues.ParseText(raw, key.Kind, key.EnvironmentName));
            }
        }

        settings = settings with { Host = HostVariables.From(environment) };
        SettingsValidation.Validate(settings);
        return settings.UploadedImagesDir.EndsWith(Path.DirectorySeparatorChar) || settings.UploadedImagesDir.EndsWith('/')
            ? settings
            : settings with { UploadedImagesDir = settings.UploadedImagesDir + Path.DirectorySeparatorChar };
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
}
