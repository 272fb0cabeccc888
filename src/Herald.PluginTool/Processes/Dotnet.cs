using System.Diagnostics;

namespace Herald.PluginTool.Processes;

/// <summary>Runs the <c>dotnet</c> CLI that runs this tool, streaming its output to ours.</summary>
internal static class Dotnet
{
    /// <summary>The dotnet executable: the host running this tool, else <c>dotnet</c> on PATH.</summary>
    public static string Executable()
    {
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host))
        {
            return host;
        }

        var current = Environment.ProcessPath;
        return current is not null && Path.GetFileNameWithoutExtension(current) == "dotnet" ? current : "dotnet";
    }

    /// <summary>Runs <c>dotnet <paramref name="arguments"/></c>; returns its exit code. Output goes to <paramref name="output"/> line by line.</summary>
    public static async Task<int> RunAsync(IReadOnlyList<string> arguments, string workingDirectory, TextWriter output, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(Executable(), arguments)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };

        // A build started from inside another build (the SDK's targets, a test run) must not join that build's nodes.
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(key);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet could not be started");
        var gate = new Lock();
        process.OutputDataReceived += (_, e) => Write(e.Data);
        process.ErrorDataReceived += (_, e) => Write(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return process.ExitCode;

        void Write(string? line)
        {
            if (line is not null)
            {
                lock (gate)
                {
                    output.WriteLine(line);
                }
            }
        }
    }
}
