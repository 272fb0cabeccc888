using System.CommandLine;
using Herald.PluginTool.Building;
using Herald.PluginTool.Capping;
using Herald.PluginTool.Commands;
using Herald.PluginTool.Packaging;
using Herald.PluginTool.Servers;

var root = new RootCommand("herald-plugin: build, cap and check Herald plugins (Gotify's plugin Makefile, gomod-cap and load check as one .NET tool).")
{
    BuildCommand.Create(),
    CapCommand.Create(),
    CheckCommand.Create(),
    PackageCommand.Create(),
};

try
{
    // Input problems are caught below as one sentence; System.CommandLine's handler would print a stack trace.
    return await root.Parse(args).InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
}
catch (Exception e) when (e is ServerDescriptionException or CapException or BuildException or PackagingException)
{
    // Problems with the inputs are one sentence, not a stack trace.
    await Console.Error.WriteLineAsync($"herald-plugin: error: {e.Message}");
    return 2;
}
