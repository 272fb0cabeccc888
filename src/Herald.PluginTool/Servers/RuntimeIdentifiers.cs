using System.Runtime.InteropServices;

namespace Herald.PluginTool.Servers;

/// <summary>
/// Portable runtime identifiers (the only kind .NET 8+ resolves assets for) and what they mean for a plugin: the
/// process architecture a server on that RID runs as, and the RID fallback chain the host walks for native assets.
/// </summary>
internal static class RuntimeIdentifiers
{
    /// <summary>The identifier of a portable (architecture-neutral) plugin build.</summary>
    public const string Any = "any";

    /// <summary>The identifiers <c>herald-plugin build</c> offers, in the order the issue and docs list them.</summary>
    public static readonly IReadOnlyList<string> Supported = [Any, "linux-x64", "linux-arm", "linux-arm64", "linux-musl-x64", "linux-musl-arm64", "win-x64", "win-arm64", "osx-x64", "osx-arm64"];

    /// <summary>This machine's portable RID, e.g. <c>linux-x64</c> (never a distribution-specific one).</summary>
    public static string Current()
    {
        var arch = RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant();
        if (OperatingSystem.IsWindows())
        {
            return $"win-{arch}";
        }

        if (OperatingSystem.IsMacOS())
        {
            return $"osx-{arch}";
        }

        return RuntimeInformation.RuntimeIdentifier.StartsWith("linux-musl", StringComparison.Ordinal) ? $"linux-musl-{arch}" : $"linux-{arch}";
    }

    /// <summary>Why a RID cannot be built for, or null when it can. Refuses Gotify's 386 target with the reason.</summary>
    public static string? Refusal(string rid)
    {
        if (rid is "linux-386" or "linux-x86" or "linux-i386" or "386")
        {
            return $"{rid} has no .NET runtime: .NET supports Linux only on x64, Arm32 and Arm64, so no Herald server runs on 32-bit x86 Linux (Gotify's linux-386 build has no counterpart); build for 'any' (it runs wherever Herald runs) or for linux-x64, linux-arm or linux-arm64";
        }

        if (!Supported.Contains(rid, StringComparer.Ordinal))
        {
            return $"'{rid}' is not a runtime identifier Herald runs on; use one of {string.Join(", ", Supported)}";
        }

        return null;
    }

    /// <summary>The process architecture of a server on <paramref name="rid"/>, as <see cref="Architecture"/> names it.</summary>
    public static string ArchitectureOf(string rid) => rid[(rid.LastIndexOf('-') + 1)..] switch
    {
        "x64" => nameof(Architecture.X64),
        "x86" => nameof(Architecture.X86),
        "arm" => nameof(Architecture.Arm),
        "arm64" => nameof(Architecture.Arm64),
        "s390x" => nameof(Architecture.S390x),
        "ppc64le" => nameof(Architecture.Ppc64le),
        "riscv64" => nameof(Architecture.RiscV64),
        "loongarch64" => nameof(Architecture.LoongArch64),
        var other => throw new ArgumentException($"'{rid}' names no known architecture ({other})", nameof(rid)),
    };

    /// <summary>
    /// The chain the .NET 8+ host walks for RID-specific assets on <paramref name="rid"/>, most specific first:
    /// os-arch, os, unix-arch, unix, any (and linux-musl-arch, linux-musl, linux-arch, linux on musl). Mirrors
    /// <c>ServerEnvironment.PortableRuntimeIdentifiers()</c>, which answers the same for the running process.
    /// </summary>
    public static IReadOnlyList<string> FallbackChain(string rid)
    {
        var dash = rid.LastIndexOf('-');
        var os = rid[..dash];
        var arch = rid[(dash + 1)..];
        var list = new List<string> { rid };
        if (os == "linux-musl")
        {
            list.Add("linux-musl");
            list.Add($"linux-{arch}");
        }

        list.Add(os == "linux-musl" ? "linux" : os);
        if (os != "win")
        {
            list.Add($"unix-{arch}");
            list.Add("unix");
        }

        list.Add(Any);
        return list;
    }
}
