using System.Runtime.InteropServices;

namespace Herald.PluginHosting.Compatibility;

/// <summary>
/// What a Herald server provides to plugins. The checker compares a package against it; <see cref="Current"/> describes
/// this process, and an offline tool can deserialize one that a server build wrote out.
/// </summary>
/// <param name="PluginApiVersion">Assembly version of the server's Herald.PluginApi (MAJOR.MINOR.0.0).</param>
/// <param name="RuntimeVersion">The .NET runtime version, e.g. 10.0.12.</param>
/// <param name="ProcessArchitecture">The process architecture, as <see cref="Architecture"/> names it (X64, Arm64, …).</param>
/// <param name="RuntimeIdentifiers">This platform's portable runtime identifiers, most specific first (linux-x64, linux, unix-x64, unix, any).</param>
/// <param name="SharedAssemblies">Simple name → version of every assembly the server shares with plugins: the plugin API and the framework.</param>
internal sealed record ServerEnvironment(
    Version PluginApiVersion,
    Version RuntimeVersion,
    string ProcessArchitecture,
    IReadOnlyList<string> RuntimeIdentifiers,
    IReadOnlyDictionary<string, Version> SharedAssemblies)
{
    /// <summary>The simple name of the plugin contract assembly.</summary>
    public const string PluginApiAssemblyName = "Herald.PluginApi";

    /// <summary>The most specific runtime identifier, e.g. <c>linux-x64</c>.</summary>
    public string RuntimeIdentifier => RuntimeIdentifiers[0];

    /// <summary>Describes this process: the API assembly passed in, the running runtime, and the framework assemblies it trusts.</summary>
    /// <param name="pluginApiVersion">The version of the Herald.PluginApi assembly the server loaded.</param>
    public static ServerEnvironment Current(Version pluginApiVersion)
    {
        var shared = new Dictionary<string, Version>(StringComparer.OrdinalIgnoreCase)
        {
            [PluginApiAssemblyName] = pluginApiVersion,
        };

        // The framework is exactly what the host trusts from outside the application's own folder (a framework-dependent
        // deployment); the server's private dependencies (YamlDotNet, Dapper, …) live in the application folder and are
        // deliberately not shared, so plugins may use any version of them.
        var appDirectory = Path.GetFullPath(AppContext.BaseDirectory);
        var selfContained = File.Exists(Path.Combine(appDirectory, "System.Private.CoreLib.dll"));
        var tpa = (AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") as string ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        foreach (var path in tpa)
        {
            var name = Path.GetFileNameWithoutExtension(path);
            var inAppFolder = Path.GetFullPath(path).StartsWith(appDirectory, StringComparison.Ordinal);
            if ((selfContained ? !LooksLikeFramework(name) : inAppFolder) || shared.ContainsKey(name))
            {
                continue;
            }

            var version = AssemblyInspector.TryReadAssemblyVersion(path);
            if (version is not null)
            {
                shared[name] = version;
            }
        }

        return new ServerEnvironment(
            pluginApiVersion,
            Environment.Version,
            RuntimeInformation.ProcessArchitecture.ToString(),
            PortableRuntimeIdentifiers(),
            shared);
    }

    /// <summary>
    /// The portable runtime identifiers the .NET 8+ host walks for RID-specific assets (no RID graph any more):
    /// os-arch, os, unix-arch, unix, any.
    /// </summary>
    public static IReadOnlyList<string> PortableRuntimeIdentifiers()
    {
        var arch = RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant();
        string os;
        bool unix = true;
        if (OperatingSystem.IsWindows())
        {
            os = "win";
            unix = false;
        }
        else if (OperatingSystem.IsMacOS())
        {
            os = "osx";
        }
        else if (OperatingSystem.IsFreeBSD())
        {
            os = "freebsd";
        }
        else
        {
            os = RuntimeInformation.RuntimeIdentifier.StartsWith("linux-musl", StringComparison.Ordinal) ? "linux-musl" : "linux";
        }

        var list = new List<string> { $"{os}-{arch}" };
        if (os == "linux-musl")
        {
            list.Add("linux-musl");
            list.Add($"linux-{arch}");
        }

        list.Add(os == "linux-musl" ? "linux" : os);
        if (unix)
        {
            list.Add($"unix-{arch}");
            list.Add("unix");
        }

        list.Add("any");
        return list;
    }

    private static bool LooksLikeFramework(string name) =>
        name.StartsWith("System.", StringComparison.Ordinal) || name.StartsWith("Microsoft.AspNetCore.", StringComparison.Ordinal) ||
        name.StartsWith("Microsoft.Extensions.", StringComparison.Ordinal) || name.StartsWith("Microsoft.Net.", StringComparison.Ordinal) ||
        name.StartsWith("Microsoft.Win32.", StringComparison.Ordinal) || name is "System" or "mscorlib" or "netstandard" or "Microsoft.CSharp" or "Microsoft.VisualBasic" or "WindowsBase" or "Microsoft.JSInterop";
}
