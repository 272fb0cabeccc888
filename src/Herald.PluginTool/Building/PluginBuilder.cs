using Herald.PluginTool.Processes;
using Herald.PluginTool.Servers;

namespace Herald.PluginTool.Building;

/// <summary>
/// Gotify's <c>make build</c> (one docker build per <c>build-linux-*</c> target) as plain <c>dotnet build</c>s: one per
/// runtime identifier, each leaving its <c>&lt;name&gt;-&lt;version&gt;-&lt;rid&gt;.zip</c> in the output folder. The
/// packaging and the compatibility check are Herald.PluginSdk's build targets, so the tool adds nothing a plain
/// <c>dotnet build -r</c> would not do.
/// </summary>
internal sealed class PluginBuilder(TextWriter output)
{
    /// <summary>Builds <paramref name="project"/> for each of <paramref name="rids"/>; returns the zips, or throws on the first failure.</summary>
    /// <exception cref="BuildException">A RID is refused, or a build fails or produces no package.</exception>
    public async Task<IReadOnlyList<string>> BuildAsync(string project, IReadOnlyList<string> rids, string configuration, string outputDirectory, string? serverDepsJson, CancellationToken cancellationToken)
    {
        foreach (var rid in rids)
        {
            if (RuntimeIdentifiers.Refusal(rid) is { } refusal)
            {
                throw new BuildException(refusal);
            }
        }

        var dist = Path.GetFullPath(outputDirectory);
        Directory.CreateDirectory(dist);
        var zips = new List<string>();
        foreach (var rid in rids.Distinct(StringComparer.Ordinal))
        {
            var started = DateTime.UtcNow;
            var arguments = new List<string> { "build", project, "-c", configuration, "-nologo", $"-p:HeraldPluginPackageOutputPath={dist}{Path.DirectorySeparatorChar}" };
            if (rid != RuntimeIdentifiers.Any)
            {
                // A plugin runs in the server's runtime: RID-specific, never self-contained.
                arguments.AddRange(["-r", rid, "--self-contained", "false"]);
            }

            if (serverDepsJson is not null)
            {
                arguments.Add($"-p:HeraldServerDepsJson={Path.GetFullPath(serverDepsJson)}");
            }

            output.WriteLine($"herald-plugin: building {Path.GetFileName(project)} for {rid}");
            var exit = await Dotnet.RunAsync(arguments, Path.GetDirectoryName(project)!, output, cancellationToken);
            if (exit != 0)
            {
                throw new BuildException($"the build for {rid} failed (dotnet build exited with {exit}); see the errors above");
            }

            var zip = new DirectoryInfo(dist).EnumerateFiles($"*-{rid}.zip")
                .Where(f => f.LastWriteTimeUtc >= started.AddSeconds(-2))
                .OrderByDescending(f => f.LastWriteTimeUtc)
                .FirstOrDefault()
                ?? throw new BuildException($"the build for {rid} produced no plugin package in {dist}; does {Path.GetFileName(project)} reference Herald.PluginSdk?");
            output.WriteLine($"herald-plugin: {rid} -> {zip.FullName}");
            zips.Add(zip.FullName);
        }

        return zips;
    }

    /// <summary>The project to build: <paramref name="path"/> itself, or the single project file in that folder (the current one by default).</summary>
    /// <exception cref="BuildException">None or several project files.</exception>
    public static string ResolveProject(string? path)
    {
        var full = Path.GetFullPath(path ?? Directory.GetCurrentDirectory());
        if (File.Exists(full))
        {
            return full;
        }

        var projects = Directory.Exists(full) ? Directory.GetFiles(full, "*.csproj") : [];
        return projects.Length == 1
            ? projects[0]
            : throw new BuildException(projects.Length == 0 ? $"no .csproj in {full}; pass the plugin's project file" : $"several projects in {full}; pass the plugin's project file");
    }
}

/// <summary>A build that cannot be done; the message says why.</summary>
internal sealed class BuildException(string message) : Exception(message);
