using System.Globalization;

namespace Herald.PluginHosting.Compatibility;

/// <summary>
/// Decides whether a package can be loaded into this server, from its files alone: no plugin code runs. The first
/// failing check produces the one sentence the user sees; checks that only warn never stop the load.
/// </summary>
internal sealed class CompatibilityChecker(ServerEnvironment server)
{
    /// <summary>The environment packages are checked against.</summary>
    public ServerEnvironment Server { get; } = server;

    /// <summary>Checks the package whose files are in <paramref name="packageDirectory"/>.</summary>
    /// <param name="sourceName">The entry's name in the plugins folder (used in every message).</param>
    /// <param name="kind">Zip and Folder need a manifest; Dll is a single assembly.</param>
    /// <param name="packageDirectory">The package root; for <see cref="PluginSourceKind.Dll"/> the folder holding the dll.</param>
    /// <param name="dllFileName">For <see cref="PluginSourceKind.Dll"/>, the assembly's file name.</param>
    public CompatibilityReport Check(string sourceName, PluginSourceKind kind, string packageDirectory, string? dllFileName = null)
    {
        var warnings = new List<string>();
        string? modulePath = null;
        try
        {
            PluginManifest? manifest = null;
            string entryRelative;
            if (kind == PluginSourceKind.Dll)
            {
                entryRelative = dllFileName ?? throw new ArgumentNullException(nameof(dllFileName));
            }
            else
            {
                if (!File.Exists(Path.Combine(packageDirectory, PluginManifest.FileName)))
                {
                    return Fail(CompatibilityMessages.MissingManifest(sourceName));
                }

                try
                {
                    manifest = ManifestReader.Read(packageDirectory);
                }
                catch (ManifestException e)
                {
                    return Fail(CompatibilityMessages.InvalidManifest(sourceName, e.Message));
                }

                modulePath = manifest.ModulePath;
                entryRelative = manifest.EntryAssembly;
                if (CheckFiles(sourceName, packageDirectory, manifest) is { } fileError)
                {
                    return Fail(fileError);
                }
            }

            var entryPath = Path.Combine(packageDirectory, entryRelative);
            if (!File.Exists(entryPath))
            {
                return Fail(CompatibilityMessages.MissingEntryAssembly(sourceName, entryRelative));
            }

            AssemblyFacts entry;
            try
            {
                entry = AssemblyInspector.Read(entryPath);
            }
            catch (BadImageFormatException e)
            {
                return Fail(kind == PluginSourceKind.Dll && !entryRelative.EndsWith(".dll", StringComparison.OrdinalIgnoreCase)
                    ? CompatibilityMessages.NotAPlugin(sourceName)
                    : CompatibilityMessages.NotAnAssembly(sourceName, entryRelative, e.Message.TrimEnd('.')));
            }

            // Private assemblies next to the entry assembly: their architecture matters as much as the entry's.
            var privateAssemblies = new List<(string File, AssemblyFacts Facts)> { (entryRelative, entry) };
            foreach (var dll in Directory.EnumerateFiles(packageDirectory, "*.dll", SearchOption.TopDirectoryOnly))
            {
                var relative = Path.GetFileName(dll);
                if (string.Equals(relative, Path.GetFileName(entryRelative), StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                try
                {
                    privateAssemblies.Add((relative, AssemblyInspector.Read(dll)));
                }
                catch (BadImageFormatException)
                {
                    // A native library placed next to the assembly; the runtime resolves those itself.
                }
            }

            if (CheckArchitecture(sourceName, manifest, privateAssemblies) is { } archError)
            {
                return Fail(archError);
            }

            if (CheckFramework(sourceName, entry) is { } frameworkError)
            {
                return Fail(frameworkError);
            }

            if (!entry.References.TryGetValue(ServerEnvironment.PluginApiAssemblyName, out var apiVersion))
            {
                return Fail(CompatibilityMessages.NoApiReference(sourceName, entryRelative, Server.PluginApiVersion));
            }

            if (apiVersion.Major != Server.PluginApiVersion.Major)
            {
                return Fail(CompatibilityMessages.ApiMajorMismatch(sourceName, apiVersion, Server.PluginApiVersion));
            }

            if (apiVersion.Minor > Server.PluginApiVersion.Minor)
            {
                return Fail(CompatibilityMessages.ApiMinorTooNew(sourceName, apiVersion, Server.PluginApiVersion));
            }

            foreach (var (file, facts) in privateAssemblies)
            {
                foreach (var (name, version) in facts.References)
                {
                    if (name != ServerEnvironment.PluginApiAssemblyName && Server.SharedAssemblies.TryGetValue(name, out var provided) && version > provided)
                    {
                        return Fail(CompatibilityMessages.SharedAssemblyTooNew(sourceName, file, name, version, provided));
                    }
                }

                if (file != entryRelative && Server.SharedAssemblies.TryGetValue(facts.Name, out var serverCopy))
                {
                    warnings.Add(CompatibilityMessages.SharedCopyIgnored(sourceName, facts.Name, facts.Version, serverCopy));
                }
            }

            if (CheckEntryReferences(sourceName, packageDirectory, entry) is { } referenceError)
            {
                return Fail(referenceError);
            }

            if (CheckNativeLibraries(sourceName, packageDirectory) is { } nativeError)
            {
                return Fail(nativeError);
            }

            if (entry.PluginTypes.Count == 0)
            {
                return Fail(CompatibilityMessages.NoPluginType(sourceName, entryRelative));
            }

            if (entry.PluginTypes.Count > 1)
            {
                return Fail(CompatibilityMessages.SeveralPluginTypes(sourceName, entryRelative, entry.PluginTypes.Select(t => t.FullName).Order(StringComparer.Ordinal)));
            }

            var type = entry.PluginTypes[0];
            if (type.Info?.GetValueOrDefault("ModulePath") is not { Length: > 0 } codeModulePath || string.IsNullOrWhiteSpace(codeModulePath))
            {
                return Fail(CompatibilityMessages.UnknownInfo(sourceName, type.FullName));
            }

            if (manifest is not null && manifest.ModulePath != codeModulePath)
            {
                return Fail(CompatibilityMessages.ManifestModulePathMismatch(sourceName, manifest.ModulePath, codeModulePath));
            }

            modulePath = codeModulePath;
            var info = type.Info!;
            var descriptor = new PluginDescriptor(
                sourceName,
                kind,
                packageDirectory,
                entryPath,
                type.FullName,
                codeModulePath,
                NonEmpty(info.GetValueOrDefault("Name")) ?? NonEmpty(manifest?.Name) ?? codeModulePath,
                NonEmpty(info.GetValueOrDefault("Version")) ?? NonEmpty(manifest?.Version) ?? StripBuildMetadata(entry.InformationalVersion) ?? entry.Version.ToString(),
                NonEmpty(info.GetValueOrDefault("Author")) ?? manifest?.Author ?? string.Empty,
                NonEmpty(info.GetValueOrDefault("Website")) ?? manifest?.Website ?? string.Empty,
                NonEmpty(info.GetValueOrDefault("Description")) ?? manifest?.Description ?? string.Empty,
                NonEmpty(info.GetValueOrDefault("License")) ?? manifest?.License ?? string.Empty,
                apiVersion);
            return new CompatibilityReport(descriptor, null, modulePath, warnings);
        }
        catch (IOException e)
        {
            return Fail(CompatibilityMessages.Package(sourceName, $"cannot be read ({e.Message.TrimEnd('.')})", "check the file's permissions and copy it again"));
        }
        catch (UnauthorizedAccessException e)
        {
            return Fail(CompatibilityMessages.Package(sourceName, $"cannot be read ({e.Message.TrimEnd('.')})", "check the file's permissions and copy it again"));
        }

        CompatibilityReport Fail(string error) => new(null, error, modulePath, warnings);
    }

    /// <summary><c>.NETCoreApp,Version=v10.0</c> → <c>net10.0</c>; other frameworks keep their long name.</summary>
    public static string ShortFrameworkName(string targetFramework)
    {
        if (TryParseNetCore(targetFramework, out var version))
        {
            return $"net{version.Major}.{version.Minor}";
        }

        return targetFramework;
    }

    private static bool TryParseNetCore(string targetFramework, out Version version)
    {
        version = new Version(0, 0);
        const string prefix = ".NETCoreApp,Version=v";
        return targetFramework.StartsWith(prefix, StringComparison.Ordinal) && Version.TryParse(targetFramework[prefix.Length..], out version!);
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    private static string? StripBuildMetadata(string? version) => version is null ? null : version.Split('+')[0];

    private static string? CheckFiles(string sourceName, string directory, PluginManifest manifest)
    {
        foreach (var (relative, hash) in manifest.Files.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            var path = Path.GetFullPath(Path.Combine(directory, relative));
            if (!path.StartsWith(Path.GetFullPath(directory), StringComparison.Ordinal) || !File.Exists(path))
            {
                return CompatibilityMessages.MissingFile(sourceName, relative);
            }

            if (!string.Equals(ManifestWriter.Hash(path), hash, StringComparison.OrdinalIgnoreCase))
            {
                return CompatibilityMessages.HashMismatch(sourceName, relative);
            }
        }

        return null;
    }

    private string? CheckArchitecture(string sourceName, PluginManifest? manifest, List<(string File, AssemblyFacts Facts)> assemblies)
    {
        foreach (var (file, facts) in assemblies)
        {
            if (facts.Architecture != "AnyCPU" && !string.Equals(facts.Architecture, Server.ProcessArchitecture, StringComparison.OrdinalIgnoreCase))
            {
                var rid = manifest?.RuntimeIdentifier is { Length: > 0 } r && r != "any" ? r : string.Empty;
                return CompatibilityMessages.WrongArchitecture(sourceName, file, facts.Architecture, rid, Server.ProcessArchitecture, Server.RuntimeIdentifier);
            }
        }

        return null;
    }

    private string? CheckFramework(string sourceName, AssemblyFacts entry)
    {
        if (entry.TargetFramework.Length == 0 || entry.TargetFramework.StartsWith(".NETStandard", StringComparison.Ordinal))
        {
            return null;
        }

        if (!TryParseNetCore(entry.TargetFramework, out var version))
        {
            return CompatibilityMessages.WrongFramework(sourceName, entry.TargetFramework, Server.RuntimeVersion);
        }

        return version.Major > Server.RuntimeVersion.Major || (version.Major == Server.RuntimeVersion.Major && version.Minor > Server.RuntimeVersion.Minor)
            ? CompatibilityMessages.FrameworkTooNew(sourceName, $"net{version.Major}.{version.Minor}", Server.RuntimeVersion)
            : null;
    }

    private string? CheckEntryReferences(string sourceName, string directory, AssemblyFacts entry)
    {
        var available = new HashSet<string>(
            Directory.EnumerateFiles(directory, "*.dll", SearchOption.AllDirectories).Select(Path.GetFileNameWithoutExtension)!,
            StringComparer.OrdinalIgnoreCase);
        foreach (var (name, version) in entry.References.OrderBy(r => r.Key, StringComparer.Ordinal))
        {
            if (!Server.SharedAssemblies.ContainsKey(name) && !available.Contains(name))
            {
                return CompatibilityMessages.UnresolvedReference(sourceName, name, version);
            }
        }

        return null;
    }

    private string? CheckNativeLibraries(string sourceName, string directory)
    {
        var runtimes = Path.Combine(directory, "runtimes");
        if (!Directory.Exists(runtimes))
        {
            return null;
        }

        // library → the runtime identifiers it is shipped for
        var libraries = new SortedDictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        foreach (var ridDirectory in Directory.EnumerateDirectories(runtimes))
        {
            var native = Path.Combine(ridDirectory, "native");
            if (!Directory.Exists(native))
            {
                continue;
            }

            foreach (var file in Directory.EnumerateFiles(native))
            {
                // Static archives and import libraries (e_sqlite3.a for iOS, foo.lib) are for linkers; the runtime never loads them.
                if (file.EndsWith(".a", StringComparison.Ordinal) || file.EndsWith(".lib", StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                var library = NativeLibraryName(Path.GetFileName(file));
                if (!libraries.TryGetValue(library, out var rids))
                {
                    libraries[library] = rids = new SortedSet<string>(StringComparer.Ordinal);
                }

                rids.Add(Path.GetFileName(ridDirectory));
            }
        }

        foreach (var (library, rids) in libraries)
        {
            if (!Server.RuntimeIdentifiers.Any(rids.Contains))
            {
                return CompatibilityMessages.MissingNativeLibrary(sourceName, library, Server.RuntimeIdentifier, rids);
            }
        }

        return null;
    }

    /// <summary>libfoo.so, libfoo.so.1, foo.dll, libfoo.dylib → foo: one library shipped in each platform's naming.</summary>
    private static string NativeLibraryName(string fileName)
    {
        var name = fileName;
        var so = name.IndexOf(".so", StringComparison.Ordinal);
        if (so > 0 && (so + 3 == name.Length || name[so + 3] == '.'))
        {
            name = name[..so];
        }
        else if (name.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".dylib", StringComparison.OrdinalIgnoreCase))
        {
            name = Path.GetFileNameWithoutExtension(name);
        }

        if (name.StartsWith("lib", StringComparison.Ordinal) && name.Length > 3)
        {
            name = name[3..];
        }

        return name.ToLower(CultureInfo.InvariantCulture);
    }
}
