using System.Security.Cryptography;
using System.Text.Json;

namespace Herald.PluginHosting.Compatibility;

/// <summary>
/// Writes <c>plugin.json</c> for a built plugin folder from the compiled entry assembly (its [PluginInfo], its
/// Herald.PluginApi reference, target framework and architecture) and the SHA-256 of every file. The plugin SDK's build
/// step and the test fixtures use it, so a manifest never drifts from the code it describes.
/// </summary>
internal static class ManifestWriter
{
    /// <summary>Creates the manifest of <paramref name="directory"/> whose plugin type is in <paramref name="entryAssembly"/>.</summary>
    /// <param name="directory">The build or publish output.</param>
    /// <param name="entryAssembly">File name of the entry assembly inside <paramref name="directory"/>.</param>
    /// <param name="runtimeIdentifier">The RID the plugin was published for, or <c>any</c>.</param>
    /// <exception cref="InvalidOperationException">The assembly has not exactly one plugin type with a module path.</exception>
    public static PluginManifest Create(string directory, string entryAssembly, string runtimeIdentifier = "any")
    {
        var facts = AssemblyInspector.Read(Path.Combine(directory, entryAssembly));
        var type = facts.PluginTypes.Count == 1 ? facts.PluginTypes[0] : throw new InvalidOperationException($"{entryAssembly} has {facts.PluginTypes.Count} plugin types, expected 1");
        var info = type.Info ?? throw new InvalidOperationException($"{type.FullName} has no [PluginInfo]");
        var modulePath = info.GetValueOrDefault("ModulePath") is { Length: > 0 } mp ? mp : throw new InvalidOperationException($"{type.FullName} has an empty module path");
        facts.References.TryGetValue(ServerEnvironment.PluginApiAssemblyName, out var api);

        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(directory, file).Replace('\\', '/');
            if (relative == PluginManifest.FileName)
            {
                continue;
            }

            files[relative] = Hash(file);
        }

        return new PluginManifest(
            PluginManifest.CurrentVersion,
            modulePath,
            info.GetValueOrDefault("Name"),
            info.GetValueOrDefault("Version") ?? facts.InformationalVersion,
            info.GetValueOrDefault("Author"),
            info.GetValueOrDefault("Website"),
            info.GetValueOrDefault("Description"),
            info.GetValueOrDefault("License"),
            entryAssembly,
            api is null ? null : $"{api.Major}.{api.Minor}",
            CompatibilityChecker.ShortFrameworkName(facts.TargetFramework),
            runtimeIdentifier,
            files);
    }

    /// <summary>Writes <paramref name="manifest"/> as <c>plugin.json</c> into <paramref name="directory"/>.</summary>
    public static void Write(string directory, PluginManifest manifest)
    {
        using var stream = File.Create(Path.Combine(directory, PluginManifest.FileName));
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteNumber("manifestVersion", manifest.ManifestVersion);
        json.WriteString("modulePath", manifest.ModulePath);
        WriteOptional(json, "name", manifest.Name);
        WriteOptional(json, "version", manifest.Version);
        WriteOptional(json, "author", manifest.Author);
        WriteOptional(json, "website", manifest.Website);
        WriteOptional(json, "description", manifest.Description);
        WriteOptional(json, "license", manifest.License);
        json.WriteString("entryAssembly", manifest.EntryAssembly);
        WriteOptional(json, "pluginApi", manifest.PluginApi);
        WriteOptional(json, "targetFramework", manifest.TargetFramework);
        WriteOptional(json, "runtimeIdentifier", manifest.RuntimeIdentifier);
        json.WriteStartObject("files");
        foreach (var (path, hash) in manifest.Files)
        {
            json.WriteString(path, hash);
        }

        json.WriteEndObject();
        json.WriteEndObject();
    }

    /// <summary>The manifest form of a file's hash: <c>sha256:&lt;lower-case hex&gt;</c>.</summary>
    public static string Hash(string file)
    {
        using var stream = File.OpenRead(file);
        return "sha256:" + Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    private static void WriteOptional(Utf8JsonWriter json, string name, string? value)
    {
        if (value is not null)
        {
            json.WriteString(name, value);
        }
    }
}
