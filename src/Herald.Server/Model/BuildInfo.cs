using System.Reflection;

namespace Herald.Server.Model;

/// <summary>Version, commit and build date stamped into the assembly at build time.</summary>
public sealed record BuildInfo(string Version, string Commit, string BuildDate)
{
    public static BuildInfo FromAssembly()
    {
        var assembly = typeof(BuildInfo).Assembly;
        var version = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
        var plus = version.IndexOf('+', StringComparison.Ordinal);
        string Metadata(string key) =>
            assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == key)?.Value ?? "unknown";
        return new BuildInfo(plus > 0 ? version[..plus] : version, Metadata("HeraldCommit"), Metadata("HeraldBuildDate"));
    }
}
