namespace Herald.Fuzz.Targets;

/// <summary>The targets by name.</summary>
internal static class FuzzTargets
{
    public static IReadOnlyList<string> Names { get; } = ["body", "config", "plugin"];

    /// <exception cref="ArgumentException">No target has that name.</exception>
    public static IFuzzTarget Create(string name) => name switch
    {
        "body" => new RequestBodyTarget(),
        "config" => new ConfigTarget(),
        "plugin" => new PluginPackageTarget(),
        _ => throw new ArgumentException($"unknown target '{name}' (use one of {string.Join(", ", Names)})", nameof(name)),
    };
}
