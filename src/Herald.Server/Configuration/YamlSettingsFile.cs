using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Herald.Server.Configuration;

/// <summary>Gotify 2's <c>config.yml</c>: which keys it sets, looked up case-insensitively along each key's path.</summary>
internal static class YamlSettingsFile
{
    /// <summary>The settings with every key <paramref name="path"/> sets; a file without a mapping changes nothing.</summary>
    public static HeraldSettings Apply(HeraldSettings settings, string path)
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
            return settings;
        }

        foreach (var key in SettingKeys.All)
        {
            var node = Find(root, key.Path.Split('.'));
            if (node is not null)
            {
                settings = key.Apply(settings, SettingValues.ParseNode(node, key.Kind, $"{name}: {key.Path}"));
            }
        }

        return settings;
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
}
