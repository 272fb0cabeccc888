using System.CommandLine;
using Herald.PluginTool.Capping;
using Herald.PluginTool.Servers;

namespace Herald.PluginTool.Commands;

/// <summary><c>herald-plugin cap --from &lt;server&gt;.deps.json --to &lt;plugin&gt;.csproj [--check]</c>: gomod-cap for .NET.</summary>
internal static class CapCommand
{
    public static Command Create()
    {
        var from = new Option<string>("--from") { Description = "The server's herald.deps.json (the counterpart of the server's go.mod).", Required = true };
        var to = new Option<string>("--to") { Description = "The plugin's project file.", Required = true };
        var check = new Option<bool>("--check") { Description = "Change nothing: print each incompatible reference and exit 1 if there is any." };
        var command = new Command("cap", "Set every package the plugin shares with the server to a version the server accepts (its own when the plugin's is newer), in the project or Directory.Packages.props; transitive references included.")
        {
            from, to, check,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            var server = ServerTarget.Load(result.GetValue(from)!, null);
            return await new Capper(server, result.GetValue(to)!, Console.Out).RunAsync(result.GetValue(check), cancellationToken);
        });
        return command;
    }
}
