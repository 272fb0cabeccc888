using System.Text.Json;

namespace Herald.PluginHosting.Compatibility;

/// <summary>Parses and validates <c>plugin.json</c>; every problem is reported as a JSON path and a reason.</summary>
internal static class ManifestReader
{
    /// <summary>Reads the manifest of the package in <paramref name="directory"/>.</summary>
    /// <exception cref="ManifestException">The manifest is not valid; the message is "$.path: reason".</exception>
    public static PluginManifest Read(string directory)
    {
        var path = Path.Combine(directory, PluginManifest.FileName);
        var bytes = File.ReadAllBytes(path);
        if (!System.Text.Unicode.Utf8.IsValid(bytes))
        {
            // JsonDocument accepts invalid UTF-8 inside strings and throws InvalidOperationException only when one is
            // read (found by the plugin-package fuzz target).
            throw new ManifestException("$: not valid UTF-8");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new ManifestException($"$: not valid JSON ({e.Message})");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new ManifestException("$: must be a JSON object");
            }

            var version = root.TryGetProperty("manifestVersion", out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var n)
                ? n
                : throw new ManifestException("$.manifestVersion: is required and must be a number");
            if (version != PluginManifest.CurrentVersion)
            {
                throw new ManifestException($"$.manifestVersion: {version} is not supported, this server reads version {PluginManifest.CurrentVersion}");
            }

            var modulePath = Required(root, "modulePath");
            var entry = Required(root, "entryAssembly");
            if (Path.IsPathRooted(entry) || entry.Split('/', '\\').Any(s => s == ".."))
            {
                throw new ManifestException("$.entryAssembly: must be a path inside the package");
            }

            var files = new Dictionary<string, string>(StringComparer.Ordinal);
            if (root.TryGetProperty("files", out var filesElement))
            {
                if (filesElement.ValueKind != JsonValueKind.Object)
                {
                    throw new ManifestException("$.files: must be an object of path → \"sha256:<hex>\"");
                }

                foreach (var file in filesElement.EnumerateObject())
                {
                    var hash = file.Value.ValueKind == JsonValueKind.String ? file.Value.GetString()! : string.Empty;
                    if (!hash.StartsWith("sha256:", StringComparison.Ordinal) || hash.Length != "sha256:".Length + 64)
                    {
                        throw new ManifestException($"$.files['{file.Name}']: must be \"sha256:\" followed by 64 hex digits");
                    }

                    files[file.Name] = hash;
                }
            }

            return new PluginManifest(
                version,
                modulePath,
                Optional(root, "name"),
                Optional(root, "version"),
                Optional(root, "author"),
                Optional(root, "website"),
                Optional(root, "description"),
                Optional(root, "license"),
                entry,
                Optional(root, "pluginApi"),
                Optional(root, "targetFramework"),
                Optional(root, "runtimeIdentifier"),
                files);
        }
    }

    private static string Required(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(value.GetString())
            ? value.GetString()!
            : throw new ManifestException($"$.{name}: is required and must be a non-empty string");

    private static string? Optional(JsonElement root, string name) =>
        !root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null
            ? null
            : value.ValueKind == JsonValueKind.String ? value.GetString() : throw new ManifestException($"$.{name}: must be a string");
}

/// <summary>A <c>plugin.json</c> that cannot be used; the message names the JSON path and the reason.</summary>
internal sealed class ManifestException(string message) : Exception(message);
