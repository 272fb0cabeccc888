using Herald.Server.Tests.Adversarial.Spec;

namespace Herald.Server.Tests.Adversarial.Corpus;

/// <summary>
/// The bad-input corpus: for every operation of gotify-spec.json, the cases its parameters and body model call for
/// (<see cref="BodyCases"/>, <see cref="TargetCases"/>), plus the inputs outside the JSON models
/// (<see cref="SurfaceCases"/>). Generated once, looked up by name: each case is one named test row.
/// </summary>
public static class BadInputCorpus
{
    private static readonly Lazy<IReadOnlyDictionary<string, CorpusCase>> All = new(Build);

    public static IReadOnlyDictionary<string, CorpusCase> Cases => All.Value;

    /// <summary>The names of the cases with <paramref name="verdict"/>, as theory rows.</summary>
    public static TheoryData<string> Names(Verdict verdict)
    {
        var data = new TheoryData<string>();
        foreach (var name in Cases.Values.Where(c => c.Expect.Verdict == verdict).Select(c => c.Name))
        {
            data.Add(name);
        }

        return data;
    }

    private static Dictionary<string, CorpusCase> Build()
    {
        var cases = GotifySpec.Operations
            .SelectMany(op => BodyCases.For(op).Concat(TargetCases.For(op)))
            .Concat(SurfaceCases.All())
            .ToList();
        var duplicate = cases.GroupBy(c => c.Name).FirstOrDefault(g => g.Count() > 1);
        return duplicate is null
            ? cases.ToDictionary(c => c.Name)
            : throw new InvalidOperationException("two corpus cases are named " + duplicate.Key);
    }
}
