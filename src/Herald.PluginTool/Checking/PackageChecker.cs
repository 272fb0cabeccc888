using Herald.PluginHosting.Compatibility;
using Herald.PluginHosting.Staging;
using Herald.PluginTool.Servers;

namespace Herald.PluginTool.Checking;

/// <summary>The verdict on one plugin package, in the server's words.</summary>
/// <param name="SourceName">The name the server would know it by (the file or folder name in the plugins folder).</param>
/// <param name="Error">The sentence the server would log when refusing it; null when it would load it.</param>
/// <param name="Warnings">The sentences the server would log as warnings.</param>
/// <param name="Descriptor">What the server would load, when compatible.</param>
/// <param name="Server">The server it was checked against.</param>
internal sealed record PackageVerdict(string SourceName, string? Error, IReadOnlyList<string> Warnings, PluginDescriptor? Descriptor, ServerTarget Server);

/// <summary>
/// Runs the server's pre-load compatibility check on a package outside any server: the server's classification of
/// folder entries, its stager, its checker, its sentences.
/// </summary>
internal sealed class PackageChecker(string depsJsonPath, string? serverRuntimeIdentifier)
{
    private readonly Dictionary<string, ServerTarget> servers = new(StringComparer.Ordinal);

    /// <summary>Checks the package at <paramref name="path"/>.</summary>
    /// <exception cref="ServerDescriptionException">The server description cannot be used.</exception>
    public PackageVerdict Check(string path, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var full = Path.GetFullPath(path).TrimEnd(Path.DirectorySeparatorChar);
        var sourceName = Path.GetFileName(full);
        if (!File.Exists(full) && !Directory.Exists(full))
        {
            throw new Packaging.PackagingException($"{path} does not exist");
        }

        if (PluginSource.KindOf(full) is not { } kind)
        {
            return new PackageVerdict(sourceName, CompatibilityMessages.NotAPlugin(sourceName), [], null, ServerFor(null));
        }

        // Staged by the server's own stager (a zip extracted, a folder copied, a single dll copied alone, so nothing
        // beside it counts), into a throw-away staging folder instead of the server's.
        var staging = Path.Combine(Path.GetTempPath(), "herald-plugin-check-" + Guid.NewGuid().ToString("N"));
        try
        {
            if (new PluginStager(staging).TryStage(sourceName, full, kind, out var error) is not { } packageDirectory)
            {
                return new PackageVerdict(sourceName, error, [], null, ServerFor(null));
            }

            var target = ServerFor(ManifestRuntimeIdentifier(packageDirectory, kind));
            var report = new CompatibilityChecker(target.Environment).Check(sourceName, kind, packageDirectory, kind == PluginSourceKind.Dll ? sourceName : null);
            return new PackageVerdict(sourceName, report.Error, report.Warnings, report.Descriptor, target);
        }
        finally
        {
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }
        }
    }

    /// <summary>Checks a build output without manifest as the server checks a single .dll, naming it by <paramref name="entryAssembly"/>.</summary>
    public PackageVerdict CheckBuildOutput(string directory, string entryAssembly, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var target = ServerFor(null);
        var report = new CompatibilityChecker(target.Environment).Check(entryAssembly, PluginSourceKind.Dll, directory, entryAssembly);
        return new PackageVerdict(entryAssembly, report.Error, report.Warnings, report.Descriptor, target);
    }

    private static string? ManifestRuntimeIdentifier(string directory, PluginSourceKind kind)
    {
        if (kind == PluginSourceKind.Dll || !File.Exists(Path.Combine(directory, PluginManifest.FileName)))
        {
            return null;
        }

        try
        {
            return ManifestReader.Read(directory).RuntimeIdentifier;
        }
        catch (ManifestException)
        {
            // The checker reports the broken manifest in the server's words; the platform default does not matter then.
            return null;
        }
    }

    private ServerTarget ServerFor(string? packageRid)
    {
        var rid = serverRuntimeIdentifier ?? (packageRid is { Length: > 0 } and not RuntimeIdentifiers.Any && RuntimeIdentifiers.Refusal(packageRid) is null ? packageRid : null);
        var key = rid ?? string.Empty;
        if (!servers.TryGetValue(key, out var server))
        {
            servers[key] = server = ServerTarget.Load(depsJsonPath, rid);
        }

        return server;
    }
}
