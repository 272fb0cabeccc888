using Herald.PluginHosting.Compatibility;

namespace Herald.PluginTool.Servers;

/// <summary>
/// A server to check plugins against: its deps.json description plus the platform it runs on, turned into the
/// <see cref="ServerEnvironment"/> the server's own checker takes.
/// </summary>
internal sealed class ServerTarget
{
    private ServerTarget(ServerDescription description, ServerEnvironment environment, bool approximated)
    {
        Description = description;
        Environment = environment;
        FrameworkApproximated = approximated;
    }

    /// <summary>Whether the server's .NET release is not installed here, so its framework assemblies were approximated.</summary>
    public bool FrameworkApproximated { get; }

    /// <summary>What the deps.json says.</summary>
    public ServerDescription Description { get; }

    /// <summary>What the checker compares a package against.</summary>
    public ServerEnvironment Environment { get; }

    /// <summary>
    /// Describes the server of <paramref name="depsJsonPath"/> running on <paramref name="runtimeIdentifier"/>
    /// (a RID-specific server build fixes it; otherwise the caller's choice, else this machine's).
    /// </summary>
    /// <exception cref="ServerDescriptionException">The deps.json cannot be used, or its framework is not installed here.</exception>
    public static ServerTarget Load(string depsJsonPath, string? runtimeIdentifier)
    {
        var description = ServerDescription.Load(depsJsonPath);
        var rid = description.RuntimeIdentifier ?? runtimeIdentifier ?? RuntimeIdentifiers.Current();
        if (rid == RuntimeIdentifiers.Any)
        {
            rid = RuntimeIdentifiers.Current();
        }

        var (framework, runtimeVersion, approximated) = SharedFrameworks.Locate(description.Frameworks, description.TargetFramework);
        var shared = new Dictionary<string, Version>(framework, StringComparer.OrdinalIgnoreCase)
        {
            [ServerEnvironment.PluginApiAssemblyName] = description.PluginApiAssemblyVersion,
        };
        var environment = new ServerEnvironment(
            description.PluginApiAssemblyVersion,
            runtimeVersion,
            RuntimeIdentifiers.ArchitectureOf(rid),
            RuntimeIdentifiers.FallbackChain(rid),
            shared);
        return new ServerTarget(description, environment, approximated);
    }

    /// <summary>The deps.json this tool ships (the server of the same version), beside the tool's own assembly.</summary>
    public static string BundledDepsJson() => Path.Combine(AppContext.BaseDirectory, "server", "herald.deps.json");

    /// <summary>"herald 0.1.0 (plugin API 1.0, .NET 10.0.12, linux-x64)", for messages.</summary>
    public override string ToString() =>
        $"{Description.DisplayName} (plugin API {Environment.PluginApiVersion.Major}.{Environment.PluginApiVersion.Minor}, .NET {Environment.RuntimeVersion}{(FrameworkApproximated ? " approximated: not installed here" : string.Empty)}, {Environment.RuntimeIdentifier})";
}
