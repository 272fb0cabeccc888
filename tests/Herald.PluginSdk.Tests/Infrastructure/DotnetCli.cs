using System.Diagnostics;
using System.Text;

namespace Herald.PluginSdk.Tests.Infrastructure;

/// <summary>The output and exit code of one command.</summary>
public sealed record CliResult(int ExitCode, string Output)
{
    /// <summary>Fails the test with the command's output unless it exited with 0.</summary>
    public CliResult EnsureSuccess(string what)
    {
        Assert.True(ExitCode == 0, $"{what} failed with {ExitCode}:\n{Output}");
        return this;
    }
}

/// <summary>
/// Runs <c>dotnet</c> as a plugin author would in a shell: a fresh process with the outer test run's MSBuild and test
/// host variables removed, no build servers left behind, output captured.
/// </summary>
public static class DotnetCli
{
    public static async Task<CliResult> RunAsync(string workingDirectory, params string[] arguments) =>
        await RunAsync(workingDirectory, TimeSpan.FromMinutes(8), arguments);

    public static async Task<CliResult> RunAsync(string workingDirectory, TimeSpan timeout, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet", arguments)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase) || k.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase) || k.StartsWith("DOTNET_HOST_PATH", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(key);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";

        // MSBuild reads environment variables as properties: no compiler server outlives the build.
        start.Environment["UseSharedCompilation"] = "false";
        start.Environment["NuGetAudit"] = "false";

        var output = new StringBuilder();
        var gate = new Lock();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"dotnet {string.Join(' ', arguments)} took more than {timeout.TotalMinutes} min:\n{output}");
        }

        process.WaitForExit();
        lock (gate)
        {
            return new CliResult(process.ExitCode, output.ToString());
        }

        void Append(string? line)
        {
            if (line is not null)
            {
                lock (gate)
                {
                    output.AppendLine(line);
                }
            }
        }
    }
}
