using System.Globalization;

namespace Herald.Bench;

internal sealed class BenchException(string message) : Exception(message);

/// <summary>Command-line options of the driver (bench/run.sh passes its own arguments through).</summary>
internal sealed class Options
{
    // Machine paths stay out of the results JSON.
    [System.Text.Json.Serialization.JsonIgnore]
    public string? Repo { get; private set; }
    public int Duration { get; private set; } = 15;
    public int Warmup { get; private set; } = 3;
    public int Connections { get; private set; } = 50;
    public int Threads { get; private set; } = 2;
    public int Streams { get; private set; } = 1000;
    public int WarmupStreams { get; private set; } = 20;
    public int Messages { get; private set; } = 200;
    public int WarmupMessages { get; private set; } = 10;
    public int GapMs { get; private set; } = 20;
    public int Settle { get; private set; } = 5;
    public int Bodies { get; private set; } = 5;
    public long BodyBytes { get; private set; } = 10_000_000;
    public int ConnectParallel { get; private set; } = 50;
    public int QuietWait { get; private set; } = 60;
    public int Attempts { get; private set; } = 3;
    public bool RunCeiling { get; private set; } = true;
    public bool RunHerald { get; private set; } = true;
    public bool RunIngest { get; private set; } = true;
    public bool RunFanOut { get; private set; } = true;
    public bool Save { get; private set; } = true;
    public bool KeepTemp { get; private set; }
    [System.Text.Json.Serialization.JsonIgnore]
    public string? ResultsDir { get; private set; }

    /// <summary>Debug aid: run the Herald phase against the ceiling app (no setup calls, fake tokens, no durability).</summary>
    public bool SutIsCeiling { get; private set; }

    public const string Usage = """
        usage: bash bench/run.sh [options]
          --duration S          ingest measurement per server, seconds (15)
          --warmup S            ingest warm-up per server, seconds (3)
          --connections N       wrk connections (50)
          --threads N           wrk threads (2)
          --streams N           websocket streams for fan-out and memory (1000)
          --warmup-streams N    streams opened and closed before the memory baseline (20)
          --messages N          measured fan-out messages (200)
          --warmup-messages N   fan-out warm-up messages, not in the latency figures (10)
          --gap-ms MS           pause between fan-out messages after full delivery (20)
          --settle S            idle time before an RSS reading (5)
          --bodies N            large message bodies posted before the idle-after-bodies reading (5; 0 = skip)
          --body-bytes N        size of each of those bodies, under the server's maxbodybytes (10000000)
          --quiet-wait S        before each measurement, wait up to S s for other load to stop (60)
          --attempts N          repeat an ingest run disturbed by other processes, up to N runs (3)
          --connect-parallel N  websocket handshakes in flight while opening the streams (50)
          --only ceiling|herald run one server only
          --skip ingest|fanout  leave out a part of the Herald phase
          --no-save             do not write bench/results/*.json
          --results DIR         where to write results (bench/results)
          --keep-tmp            keep the temp folder (logs, databases)
          --sut-ceiling         debug: use the ceiling app as the server under test
        """;

    public static Options Parse(string[] args)
    {
        var o = new Options();
        for (var i = 0; i < args.Length; i++)
        {
            var a = args[i];
            string Next() => i + 1 < args.Length ? args[++i] : throw new BenchException($"{a} needs a value\n{Usage}");
            int NextInt()
            {
                var v = Next();
                return int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= 0
                    ? n
                    : throw new BenchException($"{a}: '{v}' is not a non-negative integer");
            }
            switch (a)
            {
                case "--repo": o.Repo = Next(); break;
                case "--duration": o.Duration = NextInt(); break;
                case "--warmup": o.Warmup = NextInt(); break;
                case "--connections": o.Connections = NextInt(); break;
                case "--threads": o.Threads = NextInt(); break;
                case "--streams": o.Streams = NextInt(); break;
                case "--warmup-streams": o.WarmupStreams = Math.Max(0, NextInt()); break;
                case "--messages": o.Messages = NextInt(); break;
                case "--warmup-messages": o.WarmupMessages = NextInt(); break;
                case "--gap-ms": o.GapMs = NextInt(); break;
                case "--settle": o.Settle = NextInt(); break;
                case "--bodies": o.Bodies = NextInt(); break;
                case "--body-bytes": o.BodyBytes = Math.Max(64, NextInt()); break;
                case "--connect-parallel": o.ConnectParallel = Math.Max(1, NextInt()); break;
                case "--quiet-wait": o.QuietWait = NextInt(); break;
                case "--attempts": o.Attempts = Math.Max(1, NextInt()); break;
                case "--no-save": o.Save = false; break;
                case "--keep-tmp": o.KeepTemp = true; break;
                case "--results": o.ResultsDir = Next(); break;
                case "--sut-ceiling": o.SutIsCeiling = true; break;
                case "--only":
                    var only = Next();
                    o.RunCeiling = only == "ceiling";
                    o.RunHerald = only == "herald";
                    if (!o.RunCeiling && !o.RunHerald)
                    {
                        throw new BenchException($"--only {only}: expected ceiling or herald");
                    }
                    break;
                case "--skip":
                    var skip = Next();
                    if (skip == "ingest")
                    {
                        o.RunIngest = false;
                    }
                    else if (skip == "fanout")
                    {
                        o.RunFanOut = false;
                    }
                    else
                    {
                        throw new BenchException($"--skip {skip}: expected ingest or fanout");
                    }
                    break;
                case "-h" or "--help":
                    Console.WriteLine(Usage);
                    Environment.Exit(0);
                    break;
                default:
                    throw new BenchException($"unknown option {a}\n{Usage}");
            }
        }
        if (o.Threads < 1 || o.Connections < o.Threads || o.Duration < 1)
        {
            throw new BenchException("need --threads >= 1, --connections >= --threads, --duration >= 1");
        }
        return o;
    }
}

/// <summary>Paths and options shared by the phases.</summary>
internal sealed class BenchContext(Options options, string repoRoot, string tempDir)
{
    public Options Options { get; } = options;
    public string RepoRoot { get; } = repoRoot;
    public string BenchDir { get; } = Path.Combine(repoRoot, "bench");
    public string TempDir { get; } = tempDir;

    public string HeraldDll => Path.Combine(RepoRoot, "src", "Herald.Server", "bin", "Release", "net10.0", "herald.dll");
    public string CeilingDll => Path.Combine(BenchDir, "Ceiling", "bin", "Release", "net10.0", "herald-ceiling.dll");

    public static void Log(string line) => Console.Error.WriteLine($"[{DateTime.UtcNow:HH:mm:ss}] {line}");
}
