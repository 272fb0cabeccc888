using System.Text.Json;
using NuGet.Versioning;

namespace Herald.PluginTool.Capping;

/// <summary>One package in a plugin's restored graph.</summary>
/// <param name="Id">The package id as NuGet spells it.</param>
/// <param name="Version">The resolved version.</param>
/// <param name="Dependencies">Package id → the version range it asks for.</param>
/// <param name="CompileAssemblies">Full paths of the assemblies the plugin compiles against (what its references will name).</param>
internal sealed record GraphPackage(string Id, NuGetVersion Version, IReadOnlyDictionary<string, VersionRange> Dependencies, IReadOnlyList<string> CompileAssemblies);

/// <summary>
/// A plugin project's full restored package graph from <c>obj/project.assets.json</c>: every package, direct or transitive,
/// with the assemblies it contributes. gomod-cap read only the plugin's own <c>go.mod</c> lines; this sees what the
/// build really uses.
/// </summary>
internal sealed class PackageGraph
{
    private PackageGraph(string targetFramework, Dictionary<string, GraphPackage> packages, Dictionary<string, VersionRange?> direct, bool centralPackageManagement)
    {
        TargetFramework = targetFramework;
        Packages = packages;
        Direct = direct;
        CentralPackageManagement = centralPackageManagement;
    }

    /// <summary>The target framework the graph is for (the first one of a multi-targeted project).</summary>
    public string TargetFramework { get; }

    /// <summary>Every package: id → package.</summary>
    public IReadOnlyDictionary<string, GraphPackage> Packages { get; }

    /// <summary>The project's own package references: id → requested range (null for a project reference).</summary>
    public IReadOnlyDictionary<string, VersionRange?> Direct { get; }

    /// <summary>Whether versions come from Directory.Packages.props.</summary>
    public bool CentralPackageManagement { get; }

    /// <summary>Reads <paramref name="assetsPath"/>.</summary>
    /// <exception cref="CapException">The file is missing or not an assets file.</exception>
    public static PackageGraph Load(string assetsPath)
    {
        if (!File.Exists(assetsPath))
        {
            throw new CapException($"{assetsPath} does not exist; restore the project first (dotnet restore)");
        }

        using var document = JsonDocument.Parse(File.ReadAllBytes(assetsPath));
        var root = document.RootElement;
        var targets = root.GetProperty("targets");
        var target = targets.EnumerateObject().FirstOrDefault(t => !t.Name.Contains('/', StringComparison.Ordinal));
        if (target.Value.ValueKind != JsonValueKind.Object)
        {
            throw new CapException($"{assetsPath} has no target framework");
        }

        var folders = root.TryGetProperty("packageFolders", out var packageFolders)
            ? packageFolders.EnumerateObject().Select(f => f.Name).ToList()
            : [];
        var libraries = root.GetProperty("libraries");
        var packages = new Dictionary<string, GraphPackage>(StringComparer.OrdinalIgnoreCase);
        foreach (var entry in target.Value.EnumerateObject())
        {
            if (!entry.Value.TryGetProperty("type", out var type) || type.GetString() != "package")
            {
                continue;
            }

            var slash = entry.Name.IndexOf('/', StringComparison.Ordinal);
            var id = entry.Name[..slash];
            var version = NuGetVersion.Parse(entry.Name[(slash + 1)..]);
            var dependencies = new Dictionary<string, VersionRange>(StringComparer.OrdinalIgnoreCase);
            if (entry.Value.TryGetProperty("dependencies", out var deps))
            {
                foreach (var dependency in deps.EnumerateObject())
                {
                    dependencies[dependency.Name] = VersionRange.Parse(dependency.Value.GetString()!);
                }
            }

            var compile = new List<string>();
            var libraryPath = libraries.TryGetProperty(entry.Name, out var library) && library.TryGetProperty("path", out var p) ? p.GetString() : null;
            if (libraryPath is not null && entry.Value.TryGetProperty("compile", out var assets))
            {
                foreach (var asset in assets.EnumerateObject())
                {
                    if (!asset.Name.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
                    {
                        continue;
                    }

                    var file = folders.Select(f => Path.Combine(f, libraryPath, asset.Name)).FirstOrDefault(File.Exists);
                    if (file is not null)
                    {
                        compile.Add(file);
                    }
                }
            }

            packages[id] = new GraphPackage(id, version, dependencies, compile);
        }

        var direct = new Dictionary<string, VersionRange?>(StringComparer.OrdinalIgnoreCase);
        var project = root.GetProperty("project");
        var frameworkName = target.Name;
        if (project.TryGetProperty("frameworks", out var frameworks))
        {
            foreach (var framework in frameworks.EnumerateObject())
            {
                if (!framework.Value.TryGetProperty("dependencies", out var dependencies))
                {
                    continue;
                }

                foreach (var dependency in dependencies.EnumerateObject())
                {
                    direct[dependency.Name] = dependency.Value.TryGetProperty("version", out var range) ? VersionRange.Parse(range.GetString()!) : null;
                }

                break;
            }
        }

        var central = project.TryGetProperty("restore", out var restore) &&
            restore.TryGetProperty("centralPackageVersionsManagementEnabled", out var cpm) && cpm.ValueKind == JsonValueKind.True;
        return new PackageGraph(frameworkName, packages, direct, central);
    }

    /// <summary>
    /// The direct references through which <paramref name="id"/> enters the graph, each with the chain of packages
    /// between them (empty when <paramref name="id"/> is itself direct).
    /// </summary>
    public IReadOnlyList<IReadOnlyList<GraphPackage>> PathsTo(string id)
    {
        var result = new List<IReadOnlyList<GraphPackage>>();
        foreach (var directId in Direct.Keys.Order(StringComparer.OrdinalIgnoreCase))
        {
            if (!Packages.TryGetValue(directId, out var start))
            {
                continue;
            }

            var path = Find(start, id, new HashSet<string>(StringComparer.OrdinalIgnoreCase));
            if (path is not null)
            {
                result.Add(path);
            }
        }

        return result;
    }

    private List<GraphPackage>? Find(GraphPackage from, string id, HashSet<string> seen)
    {
        if (string.Equals(from.Id, id, StringComparison.OrdinalIgnoreCase))
        {
            return [from];
        }

        if (!seen.Add(from.Id))
        {
            return null;
        }

        foreach (var dependency in from.Dependencies.Keys)
        {
            if (Packages.TryGetValue(dependency, out var next) && Find(next, id, seen) is { } rest)
            {
                rest.Insert(0, from);
                return rest;
            }
        }

        return null;
    }
}

/// <summary>A cap that cannot proceed; the message says why and what to do.</summary>
internal sealed class CapException(string message) : Exception(message);
