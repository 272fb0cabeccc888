using System.Text.Json;
using Herald.PluginHosting.Compatibility;
using NuGet.Versioning;

namespace Herald.PluginTool.Servers;

/// <summary>
/// What a Herald server's <c>herald.deps.json</c> (shipped next to the executable) says about the server: its version,
/// the plugin API it ships, the framework it runs on and, for a RID-specific build, its platform. It plays the role of
/// the server's <c>go.mod</c> in Gotify's workflow.
/// </summary>
/// <param name="Path">The deps.json file.</param>
/// <param name="ServerName">The application's name in the deps.json (<c>herald</c>).</param>
/// <param name="ServerVersion">The server's version, from its own project entry.</param>
/// <param name="PluginApiPackageVersion">The version of the Herald.PluginApi entry (package or project).</param>
/// <param name="PluginApiAssemblyVersion">Its assembly version: the recorded one, else MAJOR.MINOR.0.0 of the package version (the API's versioning rule).</param>
/// <param name="TargetFramework">The runtime target, e.g. 10.0 for <c>.NETCoreApp,Version=v10.0</c>.</param>
/// <param name="RuntimeIdentifier">The runtime identifier of a RID-specific server build; null for a portable one.</param>
/// <param name="Frameworks">The shared frameworks the server runs on (from the runtimeconfig.json beside it).</param>
/// <param name="Packages">Every package and project the server ships: name → version.</param>
internal sealed record ServerDescription(
    string Path,
    string ServerName,
    string ServerVersion,
    string PluginApiPackageVersion,
    Version PluginApiAssemblyVersion,
    Version TargetFramework,
    string? RuntimeIdentifier,
    IReadOnlyList<string> Frameworks,
    IReadOnlyDictionary<string, string> Packages)
{
    /// <summary>The frameworks Herald runs on, assumed when no runtimeconfig.json lies beside the deps.json.</summary>
    public static readonly IReadOnlyList<string> HeraldFrameworks = ["Microsoft.NETCore.App", "Microsoft.AspNetCore.App"];

    /// <summary>"herald 0.1.0", for messages.</summary>
    public string DisplayName => $"{ServerName} {ServerVersion}";

    /// <summary>Reads <paramref name="depsJsonPath"/> (and the runtimeconfig.json beside it, if any).</summary>
    /// <exception cref="ServerDescriptionException">The file is missing, not a deps.json, or not a Herald server's.</exception>
    public static ServerDescription Load(string depsJsonPath)
    {
        var path = System.IO.Path.GetFullPath(depsJsonPath);
        if (!File.Exists(path))
        {
            throw new ServerDescriptionException($"{depsJsonPath} does not exist; pass the herald.deps.json that ships next to the herald executable");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllBytes(path));
        }
        catch (JsonException e)
        {
            throw new ServerDescriptionException($"{depsJsonPath} is not valid JSON ({e.Message})");
        }

        using (document)
        {
            var root = document.RootElement;
            if (!root.TryGetProperty("runtimeTarget", out var runtimeTarget) || !runtimeTarget.TryGetProperty("name", out var targetNameElement) ||
                !root.TryGetProperty("targets", out var targets) || !root.TryGetProperty("libraries", out var libraries))
            {
                throw new ServerDescriptionException($"{depsJsonPath} is not a .deps.json file (runtimeTarget, targets or libraries missing)");
            }

            var targetName = targetNameElement.GetString() ?? string.Empty;
            var (framework, rid) = ParseRuntimeTarget(targetName, depsJsonPath);
            if (!targets.TryGetProperty(targetName, out var target))
            {
                throw new ServerDescriptionException($"{depsJsonPath} has no target named {targetName}");
            }

            var packages = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var library in libraries.EnumerateObject())
            {
                var slash = library.Name.IndexOf('/', StringComparison.Ordinal);
                if (slash > 0)
                {
                    packages[library.Name[..slash]] = library.Name[(slash + 1)..];
                }
            }

            var fileName = System.IO.Path.GetFileName(path);
            var appName = fileName.EndsWith(".deps.json", StringComparison.OrdinalIgnoreCase) ? fileName[..^".deps.json".Length] : fileName;
            if (!packages.TryGetValue(appName, out var serverVersion))
            {
                throw new ServerDescriptionException($"{depsJsonPath} does not describe an application named {appName}; pass the herald.deps.json that ships next to the herald executable");
            }

            if (!packages.TryGetValue(ServerEnvironment.PluginApiAssemblyName, out var apiVersion))
            {
                throw new ServerDescriptionException($"{depsJsonPath} does not list {ServerEnvironment.PluginApiAssemblyName}, so it is not a Herald server that loads plugins");
            }

            return new ServerDescription(
                path,
                appName,
                serverVersion,
                apiVersion,
                ApiAssemblyVersion(target, apiVersion),
                framework,
                rid,
                ReadFrameworks(path, appName),
                packages);
        }
    }

    private static (Version Framework, string? Rid) ParseRuntimeTarget(string name, string file)
    {
        // ".NETCoreApp,Version=v10.0" or ".NETCoreApp,Version=v10.0/linux-x64"
        const string prefix = ".NETCoreApp,Version=v";
        var slash = name.IndexOf('/', StringComparison.Ordinal);
        var frameworkPart = slash < 0 ? name : name[..slash];
        if (!frameworkPart.StartsWith(prefix, StringComparison.Ordinal) || !Version.TryParse(frameworkPart[prefix.Length..], out var version))
        {
            throw new ServerDescriptionException($"{file} targets {name}, which is not a .NET (Core) runtime");
        }

        return (version, slash < 0 ? null : name[(slash + 1)..]);
    }

    private static Version ApiAssemblyVersion(JsonElement target, string apiVersion)
    {
        if (target.TryGetProperty($"{ServerEnvironment.PluginApiAssemblyName}/{apiVersion}", out var entry) && entry.TryGetProperty("runtime", out var runtime))
        {
            foreach (var asset in runtime.EnumerateObject())
            {
                if (asset.Name.EndsWith(ServerEnvironment.PluginApiAssemblyName + ".dll", StringComparison.OrdinalIgnoreCase) &&
                    asset.Value.TryGetProperty("assemblyVersion", out var recorded) && Version.TryParse(recorded.GetString(), out var version))
                {
                    return version;
                }
            }
        }

        // The API's rule: AssemblyVersion = MAJOR.MINOR.0.0 of the package version.
        var semantic = NuGetVersion.Parse(apiVersion);
        return new Version(semantic.Major, semantic.Minor, 0, 0);
    }

    private static IReadOnlyList<string> ReadFrameworks(string depsJsonPath, string appName)
    {
        var runtimeConfig = System.IO.Path.Combine(System.IO.Path.GetDirectoryName(depsJsonPath)!, appName + ".runtimeconfig.json");
        if (!File.Exists(runtimeConfig))
        {
            return HeraldFrameworks;
        }

        using var document = JsonDocument.Parse(File.ReadAllBytes(runtimeConfig), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        if (!document.RootElement.TryGetProperty("runtimeOptions", out var options))
        {
            return HeraldFrameworks;
        }

        var names = new List<string>();
        if (options.TryGetProperty("framework", out var single) && single.TryGetProperty("name", out var singleName))
        {
            names.Add(singleName.GetString()!);
        }

        if (options.TryGetProperty("frameworks", out var many))
        {
            names.AddRange(many.EnumerateArray().Select(f => f.GetProperty("name").GetString()!));
        }

        // A self-contained server carries its frameworks inside; what it shares is still the same set.
        return names.Count == 0 ? HeraldFrameworks : names;
    }
}

/// <summary>A server description that cannot be read; the message says which file and why.</summary>
internal sealed class ServerDescriptionException(string message) : Exception(message);
