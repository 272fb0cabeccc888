using System.CommandLine;
using Herald.PluginTool.Packaging;
using Herald.PluginTool.Servers;

namespace Herald.PluginTool.Commands;

/// <summary>
/// <c>herald-plugin package</c>: the step Herald.PluginSdk's build targets run after every build (manifest, check, zip).
/// Plugin authors do not call it; it is a command so the SDK and the tool share one implementation.
/// </summary>
internal static class PackageCommand
{
    public static Command Create()
    {
        var input = new Option<string>("--input") { Description = "The plugin's build output folder.", Required = true };
        var entry = new Option<string>("--entry") { Description = "The plugin assembly's file name.", Required = true };
        var rid = new Option<string>("--rid") { Description = "The runtime identifier it was built for, or any.", DefaultValueFactory = _ => RuntimeIdentifiers.Any };
        var name = new Option<string>("--name") { Description = "The package name.", Required = true };
        var output = new Option<string>("--output", "-o") { Description = "Where the zip goes.", Required = true };
        var server = CommonOptions.Server();
        var serverRid = new Option<string?>("--server-rid") { Description = "The server's runtime identifier (default: the package's, else this machine's)." };
        var msbuild = new Option<bool>("--msbuild") { Description = "Write errors and warnings in MSBuild's format." };
        var command = new Command("package", "Generate plugin.json for a built plugin, run the server's check on it and write <name>-<version>-<rid>.zip (run by Herald.PluginSdk after each build).")
        {
            input, entry, rid, name, output, server, serverRid, msbuild,
        };
        command.Hidden = true;
        command.SetAction((result, cancellationToken) =>
        {
            var request = new PackageRequest(
                result.GetValue(input)!,
                result.GetValue(entry)!,
                result.GetValue(rid)!,
                result.GetValue(name)!,
                result.GetValue(output)!,
                result.GetValue(server) ?? ServerTarget.BundledDepsJson(),
                result.GetValue(serverRid));
            var asMsBuild = result.GetValue(msbuild);
            var packaged = PluginPackager.Package(request, cancellationToken);
            foreach (var warning in packaged.Verdict.Warnings)
            {
                Console.Out.WriteLine(asMsBuild ? $"herald-plugin : warning HERALD002: {warning}" : warning);
            }

            if (packaged.ZipPath is null)
            {
                Console.Out.WriteLine(asMsBuild ? $"herald-plugin : error HERALD001: {packaged.Verdict.Error}" : packaged.Verdict.Error);
                return Task.FromResult(1);
            }

            Console.Out.WriteLine($"Herald plugin package: {packaged.ZipPath} (checked against {packaged.Verdict.Server})");
            return Task.FromResult(0);
        });
        return command;
    }
}
