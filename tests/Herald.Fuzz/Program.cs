using Herald.Fuzz.Targets;

namespace Herald.Fuzz;

/// <summary>
/// <c>Herald.Fuzz &lt;target&gt;</c>: one input from standard input per run, under afl-fuzz through SharpFuzz's
/// out-of-process fork server (a crash or stack overflow kills only the child, which is restarted); run once outside it.
/// <c>Herald.Fuzz seeds &lt;target&gt; &lt;folder&gt;</c>: writes the target's generated seeds.
/// <c>Herald.Fuzz replay &lt;target&gt; &lt;file&gt;…</c>: runs files and prints each outcome; exit code 1 when any is a finding.
/// </summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        switch (args)
        {
            case ["seeds", var name, var folder]:
                return WriteSeeds(name, folder);
            case ["replay", var name, .. var files] when files.Length > 0:
                return await ReplayAsync(name, files);
            case [var name] when FuzzTargets.Names.Contains(name):
                Fuzz(name);
                return 0;
            default:
                await Console.Error.WriteLineAsync($"usage: Herald.Fuzz <target> | seeds <target> <folder> | replay <target> <file>...   (targets: {string.Join(", ", FuzzTargets.Names)})");
                return 2;
        }
    }

    private static void Fuzz(string name)
    {
        var target = FuzzTargets.Create(name);
        try
        {
            SharpFuzz.Fuzzer.OutOfProcess.Run(stream =>
            {
                using var buffer = new MemoryStream();
                stream.CopyTo(buffer);
#pragma warning disable RS0030 // SharpFuzz runs one input per synchronous callback; the target must finish before it returns.
                target.RunAsync(buffer.ToArray(), CancellationToken.None).GetAwaiter().GetResult();
#pragma warning restore RS0030
            });
        }
        finally
        {
            (target as IDisposable)?.Dispose();
        }
    }

    private static int WriteSeeds(string name, string folder)
    {
        var target = FuzzTargets.Create(name);
        try
        {
            Directory.CreateDirectory(folder);
            foreach (var (file, content) in target.GeneratedSeeds())
            {
                File.WriteAllBytes(Path.Combine(folder, file), content);
            }

            return 0;
        }
        finally
        {
            (target as IDisposable)?.Dispose();
        }
    }

    private static async Task<int> ReplayAsync(string name, string[] files)
    {
        var target = FuzzTargets.Create(name);
        var findings = 0;
        try
        {
            foreach (var file in files)
            {
                try
                {
                    await target.RunAsync(await File.ReadAllBytesAsync(file), CancellationToken.None);
                    Console.WriteLine($"{file}: ok");
                }
                catch (Exception e)
                {
                    findings++;
                    var frame = e.StackTrace?.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0) ?? "";
                    Console.WriteLine($"{file}: {e.GetType().FullName}: {e.Message.ReplaceLineEndings(" ")} [{frame}]");
                }
            }
        }
        finally
        {
            (target as IDisposable)?.Dispose();
        }

        return findings == 0 ? 0 : 1;
    }
}
