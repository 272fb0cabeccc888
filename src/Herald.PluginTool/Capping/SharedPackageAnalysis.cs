using Herald.PluginHosting.Compatibility;
using Herald.PluginTool.Servers;
using NuGet.Versioning;

namespace Herald.PluginTool.Capping;

/// <summary>A package of the plugin's graph that contains an assembly the server shares with plugins.</summary>
/// <param name="Package">The package as restored.</param>
/// <param name="Assembly">The shared assembly it contributes.</param>
/// <param name="PluginAssemblyVersion">The assembly's version in the package: what the plugin's reference will name.</param>
/// <param name="ServerAssemblyVersion">The version the server provides.</param>
/// <param name="ServerPackageVersion">The package version that matches the server (what cap writes).</param>
/// <param name="Paths">How the package enters the graph: one chain per direct reference (a single element when direct).</param>
/// <param name="Problem">Null when compatible; else "higher than" / "lower than" and why.</param>
internal sealed record SharedPackage(
    GraphPackage Package,
    string Assembly,
    Version PluginAssemblyVersion,
    Version ServerAssemblyVersion,
    string ServerPackageVersion,
    IReadOnlyList<IReadOnlyList<GraphPackage>> Paths,
    string? Problem)
{
    /// <summary>Whether the project references the package itself (not only through another package).</summary>
    public bool IsDirect => Paths.Any(p => p.Count == 1);
}

/// <summary>
/// Compares a plugin's restored graph with what a server shares: Herald.PluginApi and the framework assemblies. The
/// rule is the server's load check, not Go's equality: a shared assembly may be older than the server's, never newer,
/// and the plugin API's major version must match. Packages the server does not share (YamlDotNet, Dapper, …) are the
/// plugin's own business: every plugin loads its own copy.
/// </summary>
internal static class SharedPackageAnalysis
{
    /// <summary>Every package of <paramref name="graph"/> that contains a shared assembly, with its verdict.</summary>
    public static IReadOnlyList<SharedPackage> Analyze(PackageGraph graph, ServerTarget server)
    {
        var shared = server.Environment.SharedAssemblies;
        var result = new List<SharedPackage>();
        foreach (var package in graph.Packages.Values.OrderBy(p => p.Id, StringComparer.OrdinalIgnoreCase))
        {
            foreach (var file in package.CompileAssemblies)
            {
                var name = Path.GetFileNameWithoutExtension(file);
                if (!shared.TryGetValue(name, out var serverVersion) || AssemblyInspector.TryReadAssemblyVersion(file) is not { } pluginVersion)
                {
                    continue;
                }

                var isApi = string.Equals(name, ServerEnvironment.PluginApiAssemblyName, StringComparison.OrdinalIgnoreCase);
                var target = isApi
                    ? server.Description.PluginApiPackageVersion
                    : $"{server.Description.TargetFramework.Major}.{server.Description.TargetFramework.Minor}.0";
                result.Add(new SharedPackage(package, name, pluginVersion, serverVersion, target, graph.PathsTo(package.Id), Problem(isApi, pluginVersion, serverVersion)));
                break;
            }
        }

        return result;
    }

    private static string? Problem(bool isApi, Version plugin, Version server)
    {
        if (isApi && plugin.Major < server.Major)
        {
            return "lower than";
        }

        if (isApi ? plugin.Major > server.Major || plugin.Minor > server.Minor : plugin > server)
        {
            return "higher than";
        }

        return null;
    }

    /// <summary>gomod-cap's "Found common import path" line, for a shared package.</summary>
    public static string DescribeShared(SharedPackage shared, ServerTarget server) =>
        $"Found shared package {shared.Package.Id} {shared.Package.Version} ({shared.Assembly} {shared.PluginAssemblyVersion}; {server.Description.DisplayName} shares {shared.ServerAssemblyVersion})";

    /// <summary>gomod-cap's "Found incompatible go.mod constraint" line, with the true direction and the route into the graph.</summary>
    public static string DescribeIncompatible(SharedPackage shared, ServerTarget server)
    {
        var route = shared.IsDirect
            ? string.Empty
            : $" (through {string.Join(", ", shared.Paths.Select(p => string.Join(" > ", p.Take(p.Count - 1).Select(x => $"{x.Id} {x.Version}"))))})";
        return $"Found incompatible package reference: package {shared.Package.Id} has version {shared.Package.Version}{route}, {shared.Problem} {shared.ServerPackageVersion} " +
            $"({shared.Assembly} {shared.PluginAssemblyVersion} vs {shared.ServerAssemblyVersion} shared by {server.Description.DisplayName})";
    }

    /// <summary>Whether a package requiring at least <paramref name="range"/> accepts <paramref name="version"/>.</summary>
    public static bool Accepts(VersionRange range, string version) => range.Satisfies(NuGetVersion.Parse(version));
}
