namespace Herald.Testing;

/// <summary>Exit code and output of a process that ran to completion (see <see cref="HeraldProcess.RunToExitAsync"/>).</summary>
/// <param name="ExitCode">The process's exit code.</param>
/// <param name="StdOut">Everything written to stdout, lines joined by <c>\n</c>.</param>
/// <param name="StdErr">Everything written to stderr, lines joined by <c>\n</c>.</param>
public sealed record ProcessResult(int ExitCode, string StdOut, string StdErr)
{
    /// <summary>Stdout then stderr, for assertions that do not care which stream a message went to.</summary>
    public string AllOutput => StdOut + "\n" + StdErr;

    /// <summary>Exit code and both streams, for failure messages.</summary>
    public override string ToString() => $"exit {ExitCode}\n--- stdout ---\n{StdOut}\n--- stderr ---\n{StdErr}";
}
