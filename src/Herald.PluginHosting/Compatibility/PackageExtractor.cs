using System.IO.Compression;

namespace Herald.PluginHosting.Compatibility;

/// <summary>Unpacks a plugin <c>.zip</c> so that no entry can land outside the target folder ("zip slip").</summary>
internal static class PackageExtractor
{
    /// <summary>Extracts <paramref name="zipPath"/> into <paramref name="targetDirectory"/>, which must be empty or missing.</summary>
    /// <exception cref="PackageException">The archive is not a zip, or an entry points outside the target folder.</exception>
    public static void Extract(string zipPath, string targetDirectory)
    {
        var root = Path.GetFullPath(targetDirectory);
        var rootWithSeparator = root.EndsWith(Path.DirectorySeparatorChar) ? root : root + Path.DirectorySeparatorChar;
        Directory.CreateDirectory(root);
        ZipArchive archive;
        try
        {
            archive = ZipFile.OpenRead(zipPath);
        }
        catch (InvalidDataException e)
        {
            throw new PackageException($"is not a valid zip archive ({e.Message.TrimEnd('.')})", "copy it again or rebuild it");
        }

        using (archive)
        {
            // Validate every entry before writing anything, so a refused package leaves nothing half-extracted behind.
            var targets = new List<(ZipArchiveEntry Entry, string Path)>();
            IReadOnlyCollection<ZipArchiveEntry> entries;
            try
            {
                // The central directory is read on first access; a damaged one throws here, not in OpenRead.
                entries = archive.Entries;
            }
            catch (InvalidDataException e)
            {
                throw new PackageException($"is not a valid zip archive ({e.Message.TrimEnd('.')})", "copy it again or rebuild it");
            }

            foreach (var entry in entries)
            {
                var name = entry.FullName.Replace('\\', '/');
                if (name.Contains('\0', StringComparison.Ordinal))
                {
                    // No file system accepts NUL in a name (Path.GetFullPath throws ArgumentException; found by the fuzz target).
                    throw new PackageException("contains an entry whose name holds a NUL character", "the package was refused; rebuild it with the Herald plugin SDK");
                }

                var target = Path.GetFullPath(Path.Combine(root, name));
                var isDirectory = name.EndsWith('/');
                if (Path.IsPathRooted(name) || name.Contains(':', StringComparison.Ordinal) ||
                    !(target.StartsWith(rootWithSeparator, StringComparison.Ordinal) || (isDirectory && target.TrimEnd(Path.DirectorySeparatorChar) == root)))
                {
                    throw new PackageException($"contains the entry '{entry.FullName}', which would be written outside the folder the package is extracted to", "the package was refused; rebuild it with the Herald plugin SDK");
                }

                targets.Add((entry, target));
            }

            foreach (var (entry, target) in targets)
            {
                if (entry.FullName.EndsWith('/') || entry.FullName.EndsWith('\\'))
                {
                    Directory.CreateDirectory(target);
                    continue;
                }

                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                try
                {
                    entry.ExtractToFile(target, overwrite: false);
                }
                catch (InvalidDataException e)
                {
                    throw new PackageException($"is damaged: entry '{entry.FullName}' cannot be read ({e.Message.TrimEnd('.')})", "copy it again or rebuild it");
                }
            }
        }
    }
}

/// <summary>A plugin package that cannot be used. <see cref="Problem"/> and <see cref="Remedy"/> become one sentence after the file name.</summary>
internal sealed class PackageException(string problem, string remedy) : Exception($"{problem}; {remedy}")
{
    /// <summary>What is wrong, phrased to follow "Plugin 'file' ".</summary>
    public string Problem { get; } = problem;

    /// <summary>What to do about it.</summary>
    public string Remedy { get; } = remedy;
}
