using System.Runtime.InteropServices;
using Herald.Bench;

// Herald benchmark driver. bench/run.sh builds everything in Release and runs this with --repo <root>.
// Exit code: 0 = ran and every target passed, 1 = ran and some target failed, 2 = the run itself failed.
Options options;
try
{
    options = Options.Parse(args);
}
catch (BenchException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}

var repo = Path.GetFullPath(options.Repo ?? FindRepoRoot(AppContext.BaseDirectory));
var tempDir = Directory.CreateTempSubdirectory("herald-bench-").FullName;
var bench = new BenchContext(options, repo, tempDir);

using var cts = new CancellationTokenSource();
// Every run is bounded in time: warm-ups, measurements, settles and start-ups, plus a generous margin.
var budget = TimeSpan.FromSeconds(300 + 2 * (options.Warmup + options.Duration * options.Attempts) + 8 * options.Settle + options.Warmup + (4 + 2 * options.Attempts) * options.QuietWait
    + 2 * (options.WarmupMessages + options.Messages) * (options.GapMs + 100) / 1000.0);
cts.CancelAfter(budget);
void OnSignal(PosixSignalContext ctx)
{
    ctx.Cancel = true;
    BenchContext.Log($"{ctx.Signal}: stopping");
    cts.Cancel();
}
using var sigInt = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
using var sigTerm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);

var started = DateTime.UtcNow;
var run = new RunInfo
{
    StartedUtc = started.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture),
    Machine = Report.Machine(),
    Git = Report.GitInfo(repo),
    Config = options,
};
var exitCode = 2;
try
{
    BenchContext.Log($"repo {repo}, temp {tempDir}, time budget {budget.TotalSeconds:0} s");
    if (options.RunCeiling)
    {
        run.Ceiling = await Phases.CeilingAsync(bench, cts.Token);
    }
    if (options.RunHerald)
    {
        run.Herald = await Phases.HeraldAsync(bench, cts.Token);
    }
    run.Machine.LoadAverageEnd = ProcStats.LoadAverage();
    run.OtherLoadBeforePct = Quiet.BusyBefore;
    run.DurationSeconds = Math.Round((DateTime.UtcNow - started).TotalSeconds, 1);
    run.Targets = Report.Targets(run);
    run.AllTargetsPass = run.Targets.Count > 0 && run.Targets.All(t => t.Pass);
    Console.WriteLine(Report.Table(run));
    if (options.Save && !options.SutIsCeiling)
    {
        var dir = options.ResultsDir ?? Path.Combine(repo, "bench", "results");
        var (file, latest) = Report.Save(run, dir, started);
        Console.WriteLine($"results: {Path.GetRelativePath(repo, file)} (and {Path.GetRelativePath(repo, latest)})");
    }
    exitCode = run.AllTargetsPass ? 0 : 1;
}
catch (OperationCanceledException) when (cts.IsCancellationRequested)
{
    Console.Error.WriteLine("benchmark stopped: interrupted or over its time budget");
}
catch (BenchException e)
{
    Console.Error.WriteLine($"benchmark failed: {e.Message}");
}
finally
{
    await ChildProcess.StopAllAsync();
    if (options.KeepTemp || exitCode == 2)
    {
        Console.Error.WriteLine($"logs and data kept in {tempDir}");
    }
    else
    {
        try
        {
            Directory.Delete(tempDir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
return exitCode;

static string FindRepoRoot(string start)
{
    for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
    {
        if (File.Exists(Path.Combine(dir.FullName, "Herald.slnx")))
        {
            return dir.FullName;
        }
    }
    throw new BenchException("cannot find the repository root (Herald.slnx); pass --repo");
}
