using System.IO.Compression;
using Herald.PluginHosting.Compatibility;
using Herald.PluginTool.Checking;
using Herald.PluginTool.Servers;

namespace Herald.PluginTool.Packaging;

/// <summary>What to package: a plugin's build output and how to name and check it.</summary>
/// <param name="BuildOutput">The folder <c>dotnet build</c> wrote the plugin to.</param>
/// <param name="EntryAssembly">The plugin assembly's file name in it.</param>
/// <param name="RuntimeIdentifier">The RID it was built for, or <c>any</c>.</param>
/// <param name="Name">The package name, the first part of <c>&lt;name&gt;-&lt;version&gt;-&lt;rid&gt;.zip</c>.</param>
/// <param name="OutputDirectory">Where the zip goes.</param>
/// <param name="ServerDepsJson">The server to check against.</param>
/// <param name="ServerRuntimeIdentifier">The server's platform, when not the package's own.</param>
internal sealed record PackageRequest(
    string BuildOutput,
    string EntryAssembly,
    string RuntimeIdentifier,
    string Name,
    string OutputDirectory,
    string ServerDepsJson,
    string? ServerRuntimeIdentifier);

/// <summary>The packaged zip and the check's verdict on it.</summary>
/// <param name="ZipPath">The written zip; null when the check refused the package (nothing is written then).</param>
/// <param name="Verdict">The check's verdict, with the sentences the server would log.</param>
internal sealed record PackageResult(string? ZipPath, PackageVerdict Verdict);

/// <summary>
/// Turns a plugin's build output into its deployable zip: stages the files the server needs (dropping what a RID-specific
/// package cannot use), generates <c>plugin.json</c> from the compiled assembly, runs the server's check on the result
/// under the name it will have in the plugins folder, and only then writes <c>&lt;name&gt;-&lt;version&gt;-&lt;rid&gt;.zip</c>.
/// </summary>
internal static class PluginPackager
{
    /// <summary>Packages <paramref name="request"/>.</summary>
    /// <exception cref="PackagingException">The build output cannot become a package (no single plugin type, missing assembly).</exception>
    public static PackageResult Package(PackageRequest request, CancellationToken cancellationToken)
    {
        var staging = Path.Combine(Path.GetTempPath(), "herald-plugin-package-" + Guid.NewGuid().ToString("N"));
        try
        {
            Stage(request, staging);
            PluginManifest manifest;
            try
            {
                manifest = ManifestWriter.Create(staging, request.EntryAssembly, request.RuntimeIdentifier);
            }
            catch (Exception e) when (e is InvalidOperationException or BadImageFormatException or FileNotFoundException)
            {
                // No single plugin type with a module path: the server's own sentence (as for a lone .dll) says what to fix.
                var asDll = new PackageChecker(request.ServerDepsJson, request.ServerRuntimeIdentifier).CheckBuildOutput(staging, request.EntryAssembly, cancellationToken);
                if (asDll.Error is not null)
                {
                    return new PackageResult(null, asDll);
                }

                throw new PackagingException($"{request.EntryAssembly} cannot be packaged as a Herald plugin: {e.Message.TrimEnd('.')}");
            }

            ManifestWriter.Write(staging, manifest);
            var version = (manifest.Version ?? "0.0.0").Split('+')[0];
            var zipName = $"{request.Name}-{version}-{request.RuntimeIdentifier}.zip";

            // Checked as a folder under the zip's name: the same checks the server runs after extracting it.
            var verdict = CheckAs(staging, zipName, request, cancellationToken);
            if (verdict.Error is not null)
            {
                return new PackageResult(null, verdict);
            }

            Directory.CreateDirectory(request.OutputDirectory);
            var target = Path.Combine(request.OutputDirectory, zipName);
            var temporary = target + ".tmp-" + Guid.NewGuid().ToString("N")[..8];
            ZipFile.CreateFromDirectory(staging, temporary, CompressionLevel.Optimal, includeBaseDirectory: false);
            File.Move(temporary, target, overwrite: true);
            return new PackageResult(target, verdict);
        }
        finally
        {
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }
        }
    }

    private static PackageVerdict CheckAs(string staging, string zipName, PackageRequest request, CancellationToken cancellationToken)
    {
        var named = Path.Combine(staging + "-check", zipName);
        Directory.CreateDirectory(Path.GetDirectoryName(named)!);
        try
        {
            Directory.Move(staging, named);
            var checker = new PackageChecker(request.ServerDepsJson, request.ServerRuntimeIdentifier);
            var verdict = checker.Check(named, cancellationToken);
            return verdict;
        }
        finally
        {
            if (Directory.Exists(named))
            {
                Directory.Move(named, staging);
            }

            Directory.Delete(staging + "-check", recursive: true);
        }
    }

    /// <summary>Copies the build output, minus the plugin API (the server's copy is always used) and foreign native assets.</summary>
    private static void Stage(PackageRequest request, string staging)
    {
        var source = Path.GetFullPath(request.BuildOutput);
        if (!File.Exists(Path.Combine(source, request.EntryAssembly)))
        {
            throw new PackagingException($"{request.EntryAssembly} is not in {source}; build the plugin first");
        }

        var keep = request.RuntimeIdentifier == RuntimeIdentifiers.Any ? null : new HashSet<string>(RuntimeIdentifiers.FallbackChain(request.RuntimeIdentifier), StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(source, file).Replace('\\', '/');
            if (!Belongs(relative, keep))
            {
                continue;
            }

            var destination = Path.Combine(staging, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination);
        }
    }

    private static bool Belongs(string relative, HashSet<string>? keepRuntimes)
    {
        var name = Path.GetFileName(relative);
        if (relative == PluginManifest.FileName || name.EndsWith(".zip", StringComparison.OrdinalIgnoreCase) ||
            string.Equals(name, ServerEnvironment.PluginApiAssemblyName + ".dll", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        // runtimes/<rid>/… of other platforms can never be used by a RID-specific package; the portable one keeps them all.
        if (keepRuntimes is not null && relative.StartsWith("runtimes/", StringComparison.Ordinal))
        {
            var rid = relative.Split('/')[1];
            return keepRuntimes.Contains(rid);
        }

        return true;
    }
}

/// <summary>A build output that cannot be packaged; the message says why and what to do.</summary>
internal sealed class PackagingException(string message) : Exception(message);
