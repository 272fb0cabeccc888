using System.Globalization;
using System.Text;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Herald.Server.Configuration;

/// <summary>
/// What a setting's text or YAML node means for its kind, as Gotify reads it (Go's bool words, CSV or YAML lists,
/// JSON or YAML maps); anything else is a <see cref="ConfigurationException"/> naming the key.
/// </summary>
internal static class SettingValues
{
    public static object ParseNode(YamlNode node, SettingKind kind, string name) => (kind, node) switch
    {
        (SettingKind.List, YamlSequenceNode seq) => seq.Children.Select(c => c is YamlScalarNode s ? s.Value ?? string.Empty : throw Invalid(name, "list", c)).ToList(),
        (SettingKind.Map, YamlMappingNode map) => map.Children.ToDictionary(
            c => (c.Key as YamlScalarNode)?.Value ?? throw Invalid(name, "map", c.Key),
            c => (c.Value as YamlScalarNode)?.Value ?? throw Invalid(name, "map", c.Value),
            StringComparer.Ordinal),
        (_, YamlScalarNode scalar) => ParseText(scalar.Value ?? string.Empty, kind, name),
        _ => throw Invalid(name, KindName(kind), node),
    };

    public static object ParseText(string text, SettingKind kind, string name)
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
