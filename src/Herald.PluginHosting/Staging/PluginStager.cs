using System.Security.Cryptography;
using Herald.PluginHosting.Compatibility;

namespace Herald.PluginHosting.Staging;

/// <summary>
/// Copies (or extracts) each plugin out of the plugins folder into a private staging folder named after its content
/// hash, and loads it from there. The original is then never locked or read again, so it can be replaced or deleted
/// at any time, on every OS, and an old version keeps running from its own files until it is unloaded.
/// </summary>
internal sealed class PluginStager(string stagingRoot)
{
    /// <summary>Where staged copies live.</summary>
    public string StagingRoot { get; } = stagingRoot;

    /// <summary>A cheap fingerprint of a folder entry (names, sizes, modification times) to notice changes while polling.</summary>
    public static string Fingerprint(string path)
    {
        if (File.Exists(path))
        {
            var info = new FileInfo(path);
            return $"f:{info.Length}:{info.LastWriteTimeUtc.Ticks}";
        }

        if (!Directory.Exists(path))
        {
            return "missing";
        }

        var parts = new List<string>();
        foreach (var file in Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var info = new FileInfo(file);
            parts.Add($"{Path.GetRelativePath(path, file)}:{info.Length}:{info.LastWriteTimeUtc.Ticks}");
        }

        return "d:" + Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(string.Join('\n', parts))));
    }

    /// <summary>Stages <paramref name="sourcePath"/> and returns the package folder to check and load.</summary>
    /// <exception cref="PackageException">A zip that cannot be extracted safely.</exception>
    public string Stage(string sourcePath, PluginSourceKind kind)
    {
        var hash = ContentHash(sourcePath, kind);
        var target = Path.Combine(StagingRoot, $"{Sanitize(Path.GetFileName(sourcePath))}-{hash[..16]}");
        if (Directory.Exists(target) && File.Exists(Path.Combine(target, ".complete")))
        {
            return target;
        }

        if (Directory.Exists(target))
        {
            Directory.Delete(target, recursive: true);
        }

        var temporary = target + ".tmp-" + Guid.NewGuid().ToString("N")[..8];
        Directory.CreateDirectory(temporary);
        try
        {
            switch (kind)
            {
                case PluginSourceKind.Zip:
                    PackageExtractor.Extract(sourcePath, temporary);
                    break;
                case PluginSourceKind.Folder:
                    CopyDirectory(sourcePath, temporary);
                    break;
                default:
                    File.Copy(sourcePath, Path.Combine(temporary, Path.GetFileName(sourcePath)));
                    break;
            }

            File.WriteAllText(Path.Combine(temporary, ".complete"), string.Empty);
            Directory.Move(temporary, target);
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }

        return target;
    }

    /// <summary>
    /// Stages <paramref name="sourcePath"/> as <see cref="Stage"/> does; a package that cannot be staged becomes the
    /// sentence the server logs for it (and <c>herald-plugin check</c> prints).
    /// </summary>
    /// <returns>The package folder to check and load; null when <paramref name="error"/> says why there is none.</returns>
    public string? TryStage(string sourceName, string sourcePath, PluginSourceKind kind, out string? error)
    {
        error = null;
        try
        {
            return Stage(sourcePath, kind);
        }
        catch (PackageException e)
        {
            error = CompatibilityMessages.Package(sourceName, e.Problem, e.Remedy);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error = CompatibilityMessages.Package(sourceName, $"cannot be read ({e.Message.TrimEnd('.')})", "check its permissions and copy it again");
        }

        return null;
    }

    /// <summary>Removes staged copies not in <paramref name="keep"/>; copies still mapped by a live load context may survive until restart.</summary>
    public void Clean(IReadOnlySet<string> keep)
    {
        if (!Directory.Exists(StagingRoot))
        {
            return;
        }

        foreach (var directory in Directory.EnumerateDirectories(StagingRoot))
        {
            if (!keep.Contains(Path.GetFullPath(directory)))
            {
                TryDelete(directory);
            }
        }
    }

    /// <summary>Deletes a folder, ignoring failures (Windows keeps loaded files locked until the context is collected).</summary>
    public static void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Left for the next start's clean-up.
        }
    }

    private static string ContentHash(string sourcePath, PluginSourceKind kind)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        if (kind == PluginSourceKind.Folder)
        {
            foreach (var file in Directory.EnumerateFiles(sourcePath, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                sha.AppendData(System.Text.Encoding.UTF8.GetBytes(Path.GetRelativePath(sourcePath, file) + "\n"));
                using var stream = File.OpenRead(file);
                sha.AppendData(SHA256.HashData(stream));
            }
        }
        else
        {
            using var stream = File.OpenRead(sourcePath);
            sha.AppendData(SHA256.HashData(stream));
        }

        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    private static void CopyDirectory(string source, string target)
    {
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var destination = Path.Combine(target, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination);
        }
    }

    private static string Sanitize(string name) =>
        new(name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' ? c : '_').ToArray());
}
