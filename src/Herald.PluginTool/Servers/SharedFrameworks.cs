using Herald.PluginHosting.Compatibility;

namespace Herald.PluginTool.Servers;

/// <summary>
/// Finds the assemblies of a server's shared frameworks on this machine, which a deps.json does not list: the installed
/// runtime of the same MAJOR.MINOR (exactly what a server started here would share, as it reads its trusted platform
/// assemblies), else the SDK's reference pack of that version (same assembly versions, public surface only), else the
/// names of the newest installed release with the version MAJOR.MINOR.0.0 (approximated, and reported as such).
/// </summary>
internal static class SharedFrameworks
{
    /// <summary>The framework assemblies (simple name → version) and the runtime version they belong to.</summary>
    /// <param name="frameworks">Framework names, e.g. Microsoft.NETCore.App.</param>
    /// <param name="target">The MAJOR.MINOR the server targets.</param>
    /// <exception cref="ServerDescriptionException">No runtime or reference pack of that version is installed.</exception>
    public static (IReadOnlyDictionary<string, Version> Assemblies, Version RuntimeVersion, bool Approximated) Locate(IReadOnlyList<string> frameworks, Version target)
    {
        var root = DotnetRoot();
        var assemblies = new Dictionary<string, Version>(StringComparer.OrdinalIgnoreCase);
        Version? runtime = null;
        var anyApproximated = false;
        foreach (var framework in frameworks)
        {
            var directory = Newest(Path.Combine(root, "shared", framework), target) ?? RefPack(root, framework, target);
            var approximated = directory is null;
            directory ??= Nearest(Path.Combine(root, "shared", framework))
                ?? throw new ServerDescriptionException(
                    $"the server runs on {framework} {target.Major}.{target.Minor}, and no version of it is installed on this machine ({root}); install the .NET {target.Major}.{target.Minor} runtime or SDK to check against it");
            if (framework == "Microsoft.NETCore.App" || runtime is null)
            {
                runtime = approximated ? new Version(target.Major, target.Minor, 0) : VersionOfFolder(directory);
            }

            foreach (var dll in Directory.EnumerateFiles(directory, "*.dll"))
            {
                var name = Path.GetFileNameWithoutExtension(dll);
                if (!assemblies.ContainsKey(name) && AssemblyInspector.TryReadAssemblyVersion(dll) is { } version)
                {
                    // .NET gives its framework assemblies the version MAJOR.MINOR.0.0 of the release; a framework of
                    // another release that is not installed here is described that way, from the names of one that is.
                    assemblies[name] = approximated && version.Major == VersionOfFolder(directory).Major ? new Version(target.Major, target.Minor, 0, 0) : version;
                }
            }

            anyApproximated |= approximated;
        }

        return (assemblies, runtime ?? target, anyApproximated);
    }

    /// <summary>The dotnet installation running this tool (DOTNET_ROOT when set).</summary>
    public static string DotnetRoot()
    {
        if (Environment.GetEnvironmentVariable("DOTNET_ROOT") is { Length: > 0 } configured && Directory.Exists(Path.Combine(configured, "shared")))
        {
            return configured;
        }

        // <root>/shared/Microsoft.NETCore.App/<version>/System.Private.CoreLib.dll
        var coreLib = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        return Path.GetFullPath(Path.Combine(coreLib, "..", "..", ".."));
    }

    private static string? RefPack(string root, string framework, Version target)
    {
        var pack = Newest(Path.Combine(root, "packs", framework + ".Ref"), target);
        var reference = pack is null ? null : Path.Combine(pack, "ref", $"net{target.Major}.{target.Minor}");
        return reference is not null && Directory.Exists(reference) ? reference : null;
    }

    /// <summary>The highest release (else prerelease) version folder under <paramref name="parent"/> with the target's MAJOR.MINOR.</summary>
    private static string? Newest(string parent, Version target)
    {
        if (!Directory.Exists(parent))
        {
            return null;
        }

        return Directory.EnumerateDirectories(parent)
            .Select(d => (Path: d, Version: NuGet.Versioning.NuGetVersion.TryParse(Path.GetFileName(d), out var v) ? v : null))
            .Where(d => d.Version is not null && d.Version.Major == target.Major && d.Version.Minor == target.Minor)
            .OrderBy(d => d.Version!.IsPrerelease ? 0 : 1)
            .ThenBy(d => d.Version)
            .Select(d => d.Path)
            .LastOrDefault();
    }

    /// <summary>The newest installed version of a framework, whatever its release.</summary>
    private static string? Nearest(string parent) =>
        Directory.Exists(parent)
            ? Directory.EnumerateDirectories(parent).Where(d => NuGet.Versioning.NuGetVersion.TryParse(Path.GetFileName(d), out _)).OrderBy(d => NuGet.Versioning.NuGetVersion.Parse(Path.GetFileName(d))).LastOrDefault()
            : null;

    private static Version VersionOfFolder(string directory)
    {
        // shared/<fx>/<version> or packs/<fx>.Ref/<version>/ref/netX.Y
        for (var dir = new DirectoryInfo(directory); dir is not null; dir = dir.Parent)
        {
            if (NuGet.Versioning.NuGetVersion.TryParse(dir.Name, out var version))
            {
                return new Version(version.Major, version.Minor, version.Patch);
            }
        }

        return new Version(0, 0);
    }
}
