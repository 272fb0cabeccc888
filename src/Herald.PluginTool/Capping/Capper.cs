using Herald.PluginTool.Processes;
using Herald.PluginTool.Servers;

namespace Herald.PluginTool.Capping;

/// <summary>
/// gomod-cap for .NET. For every package of the plugin's restored graph that holds an assembly the server shares, checks
/// it against the server's version and, unless only checking, writes the server's version where the plugin's version is
/// set (project, VersionOverride or Directory.Packages.props), pins transitive ones with a direct reference, restores,
/// and checks again (gomod-cap never re-checked after <c>go mod tidy</c>).
/// </summary>
internal sealed class Capper(ServerTarget server, string projectPath, TextWriter output)
{
    private const int MaxRounds = 3;

    /// <summary>Runs the cap; returns the exit code (0 compatible, 1 incompatible references remain).</summary>
    public async Task<int> RunAsync(bool checkOnly, CancellationToken cancellationToken)
    {
        var project = Path.GetFullPath(projectPath);
        if (!File.Exists(project))
        {
            throw new CapException($"{projectPath} does not exist; pass the plugin's .csproj");
        }

        for (var round = 0; ; round++)
        {
            var graph = await RestoreAsync(project, cancellationToken);
            var shared = SharedPackageAnalysis.Analyze(graph, server);
            foreach (var package in shared)
            {
                output.WriteLine(SharedPackageAnalysis.DescribeShared(package, server));
            }

            var incompatible = shared.Where(s => s.Problem is not null).ToList();
            if (incompatible.Count == 0)
            {
                if (round > 0)
                {
                    output.WriteLine($"All shared packages of {Path.GetFileName(project)} are compatible with {server.Description.DisplayName}.");
                }

                return 0;
            }

            foreach (var package in incompatible)
            {
                output.WriteLine(SharedPackageAnalysis.DescribeIncompatible(package, server));
            }

            if (checkOnly || round == MaxRounds)
            {
                return 1;
            }

            var files = new ProjectFiles(project);
            var changes = Plan(graph, incompatible, files);
            if (changes == 0)
            {
                return 1;
            }

            foreach (var file in files.Save())
            {
                output.WriteLine($"Wrote {file}");
            }
        }
    }

    /// <summary>Applies what can be applied this round; direct references first, since capping them often settles the transitive ones.</summary>
    private int Plan(PackageGraph graph, IReadOnlyList<SharedPackage> incompatible, ProjectFiles files)
    {
        var changes = 0;
        var direct = incompatible.Where(s => s.IsDirect).ToList();
        foreach (var package in direct)
        {
            changes += SetDirect(files, package.Package.Id, package.ServerPackageVersion);
        }

        if (direct.Count > 0)
        {
            return changes;
        }

        foreach (var package in incompatible)
        {
            // The plugin API reaches a plugin through Herald's own packages; Herald.PluginSdk X ships the API of Herald X.
            var heraldCarrier = package.Paths.Select(p => p[0]).FirstOrDefault(p => p.Id.StartsWith("Herald.Plugin", StringComparison.OrdinalIgnoreCase));
            if (heraldCarrier is not null && string.Equals(package.Assembly, Herald.PluginHosting.Compatibility.ServerEnvironment.PluginApiAssemblyName, StringComparison.OrdinalIgnoreCase))
            {
                changes += SetDirect(files, heraldCarrier.Id, server.Description.ServerVersion);
                continue;
            }

            var blockers = graph.Packages.Values
                .Where(p => p.Dependencies.TryGetValue(package.Package.Id, out var range) && !SharedPackageAnalysis.Accepts(range, package.ServerPackageVersion))
                .ToList();
            if (blockers.Count > 0)
            {
                foreach (var blocker in blockers)
                {
                    output.WriteLine($"Cannot cap {package.Package.Id} to {package.ServerPackageVersion}: {blocker.Id} {blocker.Version} requires {package.Package.Id} {blocker.Dependencies[package.Package.Id]}; use a version of {blocker.Id} built for .NET {server.Description.TargetFramework.Major}.{server.Description.TargetFramework.Minor}, or upgrade Herald.");
                }

                continue;
            }

            files.Pin(package.Package.Id, package.ServerPackageVersion, graph.CentralPackageManagement, $"Capped to what {server.Description.DisplayName} shares with plugins (herald-plugin cap)");
            output.WriteLine($"Pinned {package.Package.Id} {package.Package.Version} -> {package.ServerPackageVersion}");
            changes++;
        }

        return changes;
    }

    private int SetDirect(ProjectFiles files, string packageId, string version)
    {
        var site = files.Find(packageId);
        if (site is null)
        {
            output.WriteLine($"Cannot cap {packageId}: no version for it was found in {Path.GetFileName(files.ProjectPath)} or a Directory.Packages.props or Directory.Build.props above it; set it to {version} where it is defined.");
            return 0;
        }

        if (site.Value.Contains("$(", StringComparison.Ordinal))
        {
            output.WriteLine($"Cannot cap {packageId}: its version is {site.Value} in {site.File}; set that property to {version}.");
            return 0;
        }

        files.Set(site, packageId, version);
        output.WriteLine($"Capped {packageId} {site.Value} -> {version} in {site.File}");
        return 1;
    }

    private static async Task<PackageGraph> RestoreAsync(string project, CancellationToken cancellationToken)
    {
        using var log = new StringWriter();
        var exit = await Dotnet.RunAsync(["restore", project, "-nologo", "-v:q", "-p:NuGetAudit=false"], Path.GetDirectoryName(project)!, log, cancellationToken);
        if (exit != 0)
        {
            throw new CapException($"dotnet restore {Path.GetFileName(project)} failed ({exit}):{Environment.NewLine}{log.ToString().Trim()}");
        }

        return PackageGraph.Load(Path.Combine(Path.GetDirectoryName(project)!, "obj", "project.assets.json"));
    }
}
