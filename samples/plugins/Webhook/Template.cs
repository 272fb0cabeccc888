using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Herald.Samples.Webhook;

/// <summary>The request's fields: a JSON document or form fields, plus the raw body.</summary>
internal sealed class Fields
{
    private readonly JsonElement? json;
    private readonly IReadOnlyDictionary<string, string> form;

    private Fields(string body, JsonElement? json, IReadOnlyDictionary<string, string> form)
    {
        Body = body;
        this.json = json;
        this.form = form;
    }

    /// <summary>The raw request body.</summary>
    public string Body { get; }

    /// <summary>Reads the body as JSON (any +json or JSON-looking body), as a form (urlencoded), else as plain text.</summary>
    /// <exception cref="JsonException">A JSON content type with a body that is not JSON.</exception>
    public static Fields Parse(string? contentType, string body)
    {
        var type = contentType?.Split(';')[0].Trim().ToLowerInvariant() ?? string.Empty;
        if (type.EndsWith("json", StringComparison.Ordinal) || (type.Length == 0 && body.TrimStart().StartsWith('{')))
        {
            using var document = JsonDocument.Parse(body);
            return new Fields(body, document.RootElement.Clone(), new Dictionary<string, string>());
        }

        if (type == "application/x-www-form-urlencoded")
        {
            var form = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var pair in body.Split('&', StringSplitOptions.RemoveEmptyEntries))
            {
                var parts = pair.Split('=', 2);
                form[Uri.UnescapeDataString(parts[0].Replace('+', ' '))] = parts.Length > 1 ? Uri.UnescapeDataString(parts[1].Replace('+', ' ')) : string.Empty;
            }

            return new Fields(body, null, form);
        }

        return new Fields(body, null, new Dictionary<string, string>());
    }

    /// <summary>The value at <paramref name="path"/> (<c>a.b.c</c>), or null when absent.</summary>
    public string? Get(string path)
    {
        if (path == "body")
        {
            return Body;
        }

        if (form.TryGetValue(path, out var value))
        {
            return value;
        }

        if (json is not { } element)
        {
            return null;
        }

        foreach (var segment in path.Split('.'))
        {
            if (element.ValueKind == JsonValueKind.Object && element.TryGetProperty(segment, out var child))
            {
                element = child;
            }
            else if (element.ValueKind == JsonValueKind.Array && int.TryParse(segment, out var index) && index >= 0 && index < element.GetArrayLength())
            {
                element = element[index];
            }
            else
            {
                return null;
            }
        }

        return element.ValueKind == JsonValueKind.String ? element.GetString() : element.GetRawText();
    }
}

/// <summary><c>{{field}}</c> templates; an unknown field renders as nothing.</summary>
internal static partial class Template
{
    public static string Render(string template, Fields fields) =>
        Placeholder().Replace(template, m => fields.Get(m.Groups[1].Value.Trim()) ?? string.Empty);

    [GeneratedRegex(@"\{\{\s*([^}]+?)\s*\}\}")]
    private static partial Regex Placeholder();
}
