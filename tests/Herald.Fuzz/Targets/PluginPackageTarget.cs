using System.IO.Compression;
using Herald.PluginHosting.Compatibility;
using Herald.PluginHosting.Staging;

namespace Herald.Fuzz.Targets;

/// <summary>
/// The plugin-package reader: the input is put into a plugins folder as <c>package.zip</c> (when it starts like a zip)
/// or <c>package.dll</c>, staged (<see cref="PluginStager"/>: zip extraction) and checked (<see cref="CompatibilityChecker"/>:
/// manifest, hashes, <see cref="AssemblyInspector"/> on the metadata) exactly as the plugin manager does before any
/// plugin code could run; nothing is loaded. Allowed outcomes: staging succeeds or throws <see cref="PackageException"/>,
/// <see cref="IOException"/> or <see cref="UnauthorizedAccessException"/> (the manager turns each into a compatibility
/// sentence), and the check returns a report that has either a descriptor or an error sentence, never throwing.
/// </summary>
internal sealed class PluginPackageTarget : IFuzzTarget, IDisposable
{
    /// <summary>The seed plugin's assembly, copied next to this program by the project reference.</summary>
    public const string SeedAssembly = "Herald.Fixture.FuzzSeed.dll";

    private readonly TempDirectory folder = new("herald-fuzz");
    private readonly Lazy<CompatibilityChecker> checker = new(() =>
        new CompatibilityChecker(ServerEnvironment.Current(typeof(Herald.PluginApi.IPlugin).Assembly.GetName().Version!)));

    public string Name => "plugin";

    public Task RunAsync(byte[] input, CancellationToken cancellationToken)
    {
        var report = StageAndCheck(input);
        if (report is not null && report.Descriptor is null && string.IsNullOrWhiteSpace(report.Error))
        {
            throw new FuzzFindingException("the compatibility check returned neither a descriptor nor an error sentence");
        }

        return Task.CompletedTask;
    }

    /// <summary>Stages and checks <paramref name="input"/>; null when staging refused it with a sentence.</summary>
    internal CompatibilityReport? StageAndCheck(byte[] input)
    {
        var isZip = input.Length >= 2 && input[0] == 'P' && input[1] == 'K';
        var kind = isZip ? PluginSourceKind.Zip : PluginSourceKind.Dll;
        var name = isZip ? "package.zip" : "package.dll";
        var plugins = folder.Combine("plugins");
        var staging = folder.Combine("staging");
        Directory.CreateDirectory(plugins);
        File.WriteAllBytes(Path.Combine(plugins, name), input);
        try
        {
            string staged;
            try
            {
                staged = new PluginStager(staging).Stage(Path.Combine(plugins, name), kind);
            }
            catch (Exception e) when (e is PackageException or IOException or UnauthorizedAccessException)
            {
                // Refused with a compatibility sentence (PluginManager.LoadEntryAsync).
                return null;
            }

            return checker.Value.Check(name, kind, staged, kind == PluginSourceKind.Dll ? name : null);
        }
        finally
        {
            // Every input starts from an empty plugins and staging folder.
            PluginStager.TryDelete(staging);
            File.Delete(Path.Combine(plugins, name));
        }
    }

    /// <summary>
    /// The seed plugin as a single .dll and as a .zip package with its manifest (stored, not deflated, so mutations reach
    /// the manifest and metadata bytes), and a package whose entry points outside the folder.
    /// </summary>
    public IEnumerable<KeyValuePair<string, byte[]>> GeneratedSeeds()
    {
        var assembly = Path.Combine(AppContext.BaseDirectory, SeedAssembly);
        var dll = File.ReadAllBytes(assembly);
        yield return new("seed-plugin.dll", dll);

        using var package = new TempDirectory("herald-fuzz");
        File.Copy(assembly, package.Combine(SeedAssembly));
        ManifestWriter.Write(package.Path, ManifestWriter.Create(package.Path, SeedAssembly));
        yield return new("seed-plugin.zip", Zip(
            (PluginManifest.FileName, File.ReadAllBytes(package.Combine(PluginManifest.FileName))),
            (SeedAssembly, dll)));
        yield return new("zip-slip.zip", Zip(("../outside.txt", "x"u8.ToArray())));
    }

    public void Dispose() => folder.Dispose();

    private static byte[] Zip(params (string Name, byte[] Content)[] entries)
    {
        using var buffer = new MemoryStream();
        using (var archive = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (entryName, content) in entries)
            {
                using var stream = archive.CreateEntry(entryName, CompressionLevel.NoCompression).Open();
                stream.Write(content);
            }
        }

        return buffer.ToArray();
    }
}
