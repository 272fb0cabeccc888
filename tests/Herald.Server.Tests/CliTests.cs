using Herald.Server.Tests.Infrastructure;
using static Herald.Server.Tests.Infrastructure.ApiAssert;

namespace Herald.Server.Tests;

/// <summary>The herald command line (behaviour reference §1).</summary>
public sealed class CliTests
{
    [Fact]
    public async Task Version_Command_PrintsVersionCommitBuildDateLikeGetVersion()
    {
        // `herald version` exits 0 and prints the same version, commit and build date that GET /version reports.
        using var dir = new TempDirectory();
        string version, commit, buildDate;
        await using (var server = await HeraldProcess.StartAsync(dir.Path))
        {
            using var api = new HeraldClient(server.BaseAddress);
            var json = Ok(await api.GetAsync("/version"));
            version = json.GetProperty("version").GetString()!;
            commit = json.GetProperty("commit").GetString()!;
            buildDate = json.GetProperty("buildDate").GetString()!;
        }

        using var cliDir = new TempDirectory();
        var result = await HeraldProcess.RunToExitAsync(cliDir.Path, ["version"]);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains(version, result.StdOut, StringComparison.Ordinal);
        Assert.Contains(commit, result.StdOut, StringComparison.Ordinal);
        Assert.Contains(buildDate, result.StdOut, StringComparison.Ordinal);
        Assert.Contains("version", result.StdOut, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("commit", result.StdOut, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("build", result.StdOut, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Version_Command_DoesNotStartServerOrTouchData()
    {
        // `herald version` only prints: it creates no database and opens no port.
        using var dir = new TempDirectory();
        var result = await HeraldProcess.RunToExitAsync(dir.Path, ["version"], timeout: TimeSpan.FromSeconds(30));
        Assert.Equal(0, result.ExitCode);
        Assert.False(File.Exists(dir.Combine("gotify.db")), "version must not create the database");
        Assert.False(Directory.Exists(dir.Combine("data")), "version must not create the data folder");
    }

    [Fact]
    public async Task Run_UnknownCommand_ExitsWith2AndNamesIt()
    {
        // An unknown command is a usage error: exit code 2 and a message naming the command.
        using var dir = new TempDirectory();
        var result = await HeraldProcess.RunToExitAsync(dir.Path, ["frobnicate"], timeout: TimeSpan.FromSeconds(30));
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("frobnicate", result.AllOutput, StringComparison.Ordinal);
        Assert.False(File.Exists(dir.Combine("gotify.db")), "an unknown command must not start the server");
    }

    [Fact]
    public async Task Run_NoCommand_Serves()
    {
        // Without a command herald serves (Docker's CMD is plain serve, old scripts run the bare binary).
        using var dir = new TempDirectory();
        await using var server = await HeraldProcess.StartAsync(new HeraldStartInfo { WorkDir = dir.Path, Args = [] });
        using var api = new HeraldClient(server.BaseAddress);
        Status(await api.GetAsync("/health"), 200);
    }
}
