using System.CommandLine;
using Herald.Server.Configuration;
using Herald.Server.Hosting;
using Herald.Server.Model;

namespace Herald.Server.Cli;

/// <summary>The <c>herald</c> executable: <c>serve</c> (also the default) and <c>version</c>.</summary>
public static class HeraldCommandLine
{
    /// <summary>Parses <paramref name="args"/> and runs the chosen command; returns the process exit code.</summary>
    public static Task<int> RunAsync(string[] args)
    {
        var serve = new Command("serve", "Run the server (the default command).");
        serve.SetAction((_, cancellationToken) => ServeAsync(cancellationToken));

        var version = new Command("version", "Print version, commit and build date.");
        version.SetAction(_ =>
        {
            var build = BuildInfo.FromAssembly();
            Console.WriteLine($"Version: {build.Version}");
            Console.WriteLine($"Commit: {build.Commit}");
            Console.WriteLine($"BuildDate: {build.BuildDate}");
            return 0;
        });

        var root = new RootCommand("Herald: a self-hosted push-notification server, drop-in compatible with Gotify.");
        root.Subcommands.Add(serve);
        root.Subcommands.Add(version);
        root.SetAction((_, cancellationToken) => ServeAsync(cancellationToken));
        // The web host handles SIGINT/SIGTERM itself with a graceful drain; the parser must not cut it short.
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            // Like gotify: an unknown command or flag is a usage error with exit code 2.
            foreach (var error in parsed.Errors)
            {
                Console.Error.WriteLine($"herald: {error.Message}");
            }

            Console.Error.WriteLine("Usage: herald [serve|version]");
            return Task.FromResult(2);
        }

        return parsed.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
    }

    private static async Task<int> ServeAsync(CancellationToken cancellationToken)
    {
        HeraldSettings settings;
        try
        {
            settings = SettingsLoader.Load(ProcessEnvironment.Read(), Directory.GetCurrentDirectory());
        }
        catch (ConfigurationException e)
        {
            await Console.Error.WriteLineAsync($"herald: configuration error: {e.Message}");
            return 1;
        }

        return await HeraldServer.RunAsync(settings, cancellationToken);
    }
}
