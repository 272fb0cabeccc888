using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Herald.Server.Tests.Architecture;

/// <summary>
/// <c>src/Herald.Server</c>'s sources compiled as the build compiles them: every <c>.cs</c> file outside <c>bin/</c>
/// and <c>obj/</c>, the SDK's implicit global usings as the build wrote them, and the assemblies this test process
/// runs with (it references the server, so they are the server's framework and packages) except the server itself.
/// </summary>
internal static class ServerSources
{
    private static readonly Lazy<Compilation> Lazy = new(Create);

    public static Compilation Compilation => Lazy.Value;

    public static string Folder { get; } = Path.Combine(Repository.Root, "src", "Herald.Server");

    private static CSharpCompilation Create()
    {
        var sources = Directory.EnumerateFiles(Folder, "*.cs", SearchOption.AllDirectories)
            .Where(path => !IsBuildOutput(Path.GetRelativePath(Folder, path)))
            .Select(path => (Path.GetRelativePath(Folder, path).Replace('\\', '/'), File.ReadAllText(path)))
            .ToList();
        var framework = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Name;
        var globalUsings = Path.Combine(Folder, "obj", Repository.Configuration, framework, "Herald.Server.GlobalUsings.g.cs");
        sources.Add(("obj/Herald.Server.GlobalUsings.g.cs", File.ReadAllText(globalUsings)));

        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
            .Split(Path.PathSeparator)
            .Where(path => !string.Equals(Path.GetFileName(path), "herald.dll", StringComparison.OrdinalIgnoreCase))
            .Select(path => MetadataReference.CreateFromFile(path));
        return NamespaceUses.Compile(sources, references);
    }

    private static bool IsBuildOutput(string relative) =>
        relative.StartsWith("bin" + Path.DirectorySeparatorChar, StringComparison.Ordinal)
        || relative.StartsWith("obj" + Path.DirectorySeparatorChar, StringComparison.Ordinal);
}
