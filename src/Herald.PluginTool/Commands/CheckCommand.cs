using System.CommandLine;
using Herald.PluginHosting.Compatibility;
using Herald.PluginTool.Checking;
using Herald.PluginTool.Servers;

namespace Herald.PluginTool.Commands;

/// <summary><c>herald-plugin check &lt;zip|folder|dll&gt;... [--server deps.json] [--rid rid]</c>: the server's pre-load check, offline.</summary>
internal static class CheckCommand
{
    public static Command Create()
    {
        var packages = new Argument<string[]>("package") { Description = "Plugin packages to check: .zip files, unpacked folders or single .dll files, as they would lie in the plugins folder.", Arity = ArgumentArity.OneOrMore };
        var server = CommonOptions.Server();
        var rid = new Option<string?>("--rid") { Description = "The server's runtime identifier (default: the deps.json's, else the package's, else this machine's)." };
        var together = new Option<bool>("--together") { Description = "Check the packages as one plugins folder: a module path present twice is refused, as the server refuses it." };
        var command = new Command("check", "Run the server's compatibility check on plugin packages without a server; prints exactly what the server would log and exits 1 if it would refuse any.")
        {
            packages, server, rid, together,
        };
        command.SetAction((result, cancellationToken) =>
        {
            var checker = new PackageChecker(result.GetValue(server) ?? ServerTarget.BundledDepsJson(), result.GetValue(rid));
            return Task.FromResult(Run(checker, result.GetValue(packages)!, result.GetValue(together), Console.Out, cancellationToken));
        });
        return command;
    }

    /// <summary>Checks each package; with <paramref name="together"/> also module-path duplicates, as one plugins folder holding all of them would.</summary>
    public static int Run(PackageChecker checker, IReadOnlyList<string> packages, bool together, TextWriter output, CancellationToken cancellationToken)
    {
        var failed = 0;
        var loaded = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var package in packages)
        {
            var verdict = checker.Check(package, cancellationToken);
            foreach (var warning in verdict.Warnings)
            {
                output.WriteLine(warning);
            }

            var error = verdict.Error;
            if (error is null && together && loaded.TryGetValue(verdict.Descriptor!.ModulePath, out var other))
            {
                error = CompatibilityMessages.Duplicate(verdict.SourceName, verdict.Descriptor.ModulePath, other);
            }

            if (error is not null)
            {
                output.WriteLine(error);
                failed++;
                continue;
            }

            var plugin = verdict.Descriptor!;
            loaded[plugin.ModulePath] = verdict.SourceName;
            output.WriteLine($"Plugin '{verdict.SourceName}' is compatible with {verdict.Server}: {plugin.ModulePath} {plugin.Version} (plugin API {plugin.ApiVersion.Major}.{plugin.ApiVersion.Minor}).");
        }

        return failed == 0 ? 0 : 1;
    }
}
