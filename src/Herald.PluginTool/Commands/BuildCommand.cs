using System.CommandLine;
using Herald.PluginTool.Building;
using Herald.PluginTool.Servers;

namespace Herald.PluginTool.Commands;

/// <summary><c>herald-plugin build [project] [--rid rid]... [-o dist]</c>: one zip per runtime identifier.</summary>
internal static class BuildCommand
{
    public static Command Create()
    {
        var project = new Argument<string?>("project") { Description = "The plugin's project file or folder (default: the current folder).", Arity = ArgumentArity.ZeroOrOne };
        var rids = new Option<string[]>("--rid", "-r")
        {
            Description = $"Runtime identifiers to build for: {string.Join(", ", RuntimeIdentifiers.Supported)} (default: any, which runs wherever Herald runs).",
            AllowMultipleArgumentsPerToken = true,
        };
        var output = new Option<string>("--output", "-o") { Description = "Where the zips go.", DefaultValueFactory = _ => "dist" };
        var configuration = new Option<string>("--configuration", "-c") { Description = "The build configuration.", DefaultValueFactory = _ => "Release" };
        var server = CommonOptions.Server();
        var command = new Command("build", "Build the plugin once per runtime identifier; each build packs <name>-<version>-<rid>.zip after the server's compatibility check passed.")
        {
            project, rids, output, configuration, server,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            var chosen = result.GetValue(rids) is { Length: > 0 } given ? given : [RuntimeIdentifiers.Any];
            var builder = new PluginBuilder(Console.Out);
            await builder.BuildAsync(PluginBuilder.ResolveProject(result.GetValue(project)), chosen, result.GetValue(configuration)!, result.GetValue(output)!, result.GetValue(server), cancellationToken);
            return 0;
        });
        return command;
    }
}
