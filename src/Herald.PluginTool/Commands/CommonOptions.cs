using System.CommandLine;

namespace Herald.PluginTool.Commands;

/// <summary>Options several commands share, so they read the same everywhere.</summary>
internal static class CommonOptions
{
    /// <summary><c>--server</c>: the server's herald.deps.json (default: the server this tool version ships with).</summary>
    public static Option<string?> Server() => new("--server")
    {
        Description = "The server's herald.deps.json, shipped next to the herald executable (default: the Herald version this tool belongs to).",
    };
}
