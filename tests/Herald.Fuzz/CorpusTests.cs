using Herald.Fuzz.Targets;

namespace Herald.Fuzz;

/// <summary>
/// Every fuzz target over its seed corpus (committed in <c>corpus/&lt;target&gt;/</c>, plus the seeds made at run time) as
/// ordinary tests: the cheap regression half of the fuzzing. An input the fuzzer found is added to the corpus and
/// replayed here on every run from then on.
/// </summary>
public sealed class CorpusTests
{
    /// <summary>An input must be answered well within this even on a loaded machine; the slowest seed takes about 50 ms.</summary>
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(30);

    public static TheoryData<string> BodySeeds => Committed("body");

    public static TheoryData<string> ConfigSeeds => Committed("config");

    public static TheoryData<string> PluginSeeds => Committed("plugin");

    [Theory]
    [MemberData(nameof(BodySeeds))]
    public Task RequestBody_SeedInput_BindsOrRefusesWith4xx(string seed) => RunAsync("body", seed);

    [Theory]
    [MemberData(nameof(ConfigSeeds))]
    public Task SettingsLoader_SeedInput_LoadsOrThrowsConfigurationError(string seed) => RunAsync("config", seed);

    [Theory]
    [MemberData(nameof(PluginSeeds))]
    public Task PluginPackage_SeedInput_StagesAndChecksOrRefusesWithSentence(string seed) => RunAsync("plugin", seed);

    [Fact]
    public async Task PluginPackage_GeneratedSeeds_StageAndCheckOrRefuseWithSentence()
    {
        // The seeds that need a build (the real seed plugin as .dll and .zip) and the zip-slip package.
        var target = FuzzTargets.Create("plugin");
        try
        {
            var seeds = target.GeneratedSeeds().ToList();
            Assert.Equal(["seed-plugin.dll", "seed-plugin.zip", "zip-slip.zip"], seeds.Select(s => s.Key));
            foreach (var (_, content) in seeds)
            {
                await target.RunAsync(content, CancellationToken.None).WaitAsync(Budget);
            }
        }
        finally
        {
            (target as IDisposable)?.Dispose();
        }
    }

    [Fact]
    public void PluginPackage_SeedPlugin_PassesTheCompatibilityCheck()
    {
        // The seed is a plugin the server would load; were it refused, the fuzzer would only ever mutate a refusal.
        var target = new PluginPackageTarget();
        try
        {
            var reports = target.GeneratedSeeds().Where(s => s.Key.StartsWith("seed-plugin", StringComparison.Ordinal)).Select(s => target.StageAndCheck(s.Value)).ToList();
            Assert.Equal(2, reports.Count);
            Assert.All(reports, report => Assert.True(report?.Descriptor is not null, report?.Error ?? "refused at staging"));
        }
        finally
        {
            target.Dispose();
        }
    }

    private static async Task RunAsync(string targetName, string seed)
    {
        var target = FuzzTargets.Create(targetName);
        try
        {
            await target.RunAsync(await File.ReadAllBytesAsync(Path.Combine(CorpusFolder(targetName), seed)), CancellationToken.None).WaitAsync(Budget);
        }
        finally
        {
            (target as IDisposable)?.Dispose();
        }
    }

    private static string CorpusFolder(string target) => Path.Combine(Repository.Root, "tests", "Herald.Fuzz", "corpus", target);

    private static TheoryData<string> Committed(string target)
    {
        var files = Directory.EnumerateFiles(CorpusFolder(target)).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        Assert.NotEmpty(files);
        return new TheoryData<string>(files!);
    }
}
