using Herald.PluginApi;

namespace Herald.PluginTesting;

/// <summary>How <see cref="PluginHarness.StartAsync"/> sets up the instance under test.</summary>
public sealed class PluginHarnessOptions
{
    /// <summary>The instance's user; Gotify's first user by default.</summary>
    public UserContext User { get; init; } = new(1, "admin", true);

    /// <summary>Whether to enable the instance after wiring it, as the server does for an instance its user enabled. Default true.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>The stored YAML configuration to start from; null starts from the plugin's <c>DefaultConfig()</c>, as a new instance does.</summary>
    public string? ConfigYaml { get; init; }

    /// <summary>The storage blob to start from; empty by default, as for a new instance.</summary>
    public byte[]? Storage { get; init; }

    /// <summary>The location passed to the display by default: how a client reaches the server.</summary>
    public Uri Location { get; init; } = new("http://localhost:8080/");

    /// <summary>How long disabling waits for background work to stop before giving up on it.</summary>
    public TimeSpan BackgroundStopTimeout { get; init; } = TimeSpan.FromSeconds(5);
}
