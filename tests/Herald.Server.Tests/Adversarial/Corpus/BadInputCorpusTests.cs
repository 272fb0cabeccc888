using System.Text.Json;
using Herald.Server.Tests.Adversarial.Spec;
using Herald.Server.Tests.Infrastructure;

namespace Herald.Server.Tests.Adversarial.Corpus;

/// <summary>
/// The bad-input corpus generated from gotify-spec.json (<see cref="BadInputCorpus"/>), one row per case, against one
/// shared server. Rows of one class run one after another, so each compares the state before and after its request.
/// </summary>
public sealed class BadInputCorpusTests(CorpusServer fx) : IClassFixture<CorpusServer>
{
    public static TheoryData<string> RefusedCases => BadInputCorpus.Names(Verdict.Refused);

    public static TheoryData<string> AcceptedCases => BadInputCorpus.Names(Verdict.Accepted);

    public static TheoryData<string> EitherCases => BadInputCorpus.Names(Verdict.Either);

    [Theory]
    [MemberData(nameof(RefusedCases))]
    public async Task SpecOperation_BadInput_Refused4xxInGotifyFormatAndStateUnchanged(string name)
    {
        // Bad input gets a 4xx in Gotify's error format with errorCode = status, and nothing is stored half-way.
        await RunAsync(BadInputCorpus.Cases[name], expectRefusal: true);
    }

    [Theory]
    [MemberData(nameof(AcceptedCases))]
    public async Task SpecOperation_InputGoAccepts_AnsweredLikeGotifyAndEveryListStillReads(string name)
    {
        // What Gotify's Go code accepts, Herald accepts too, and whatever it stored lists without error afterwards.
        await RunAsync(BadInputCorpus.Cases[name], expectRefusal: false);
    }

    [Theory]
    [MemberData(nameof(EitherCases))]
    public async Task SpecOperation_InputHeraldMayRefuse_RefusedCleanlyOrStoredAndReadable(string name)
    {
        // Where Herald may choose (surrogates, widths beyond any row, odd bytes), either choice is clean: never a 5xx.
        await RunAsync(BadInputCorpus.Cases[name], expectRefusal: null);
    }

    [Fact]
    public void Corpus_EveryOperationWithInput_HasCases()
    {
        // The corpus covers every spec operation that takes a path id, query parameter or body.
        var covered = BadInputCorpus.Cases.Values.Select(c => c.Operation).ToHashSet();
        var missing = GotifySpec.Operations.Where(op => (op.Fields.Count > 0 || op.TakesBody) && !covered.Contains(op.Key)).Select(op => op.Key).ToList();
        Assert.True(missing.Count == 0, "operations without corpus cases: " + string.Join(", ", missing));
    }

    /// <param name="expectRefusal">True: must be refused; false: must be accepted; null: either.</param>
    private async Task RunAsync(CorpusCase c, bool? expectRefusal)
    {
        var writes = c.Request.Method != "GET";
        var before = writes ? fx.LastSnapshot ?? await StateSnapshot.CaptureAsync(fx) : null;
        fx.LastSnapshot = null;
        var response = await fx.SendAsync(c);
        try
        {
            var refused = response.StatusCode is >= 400 and < 500;
            Assert.True(
                expectRefusal is null ? refused || response.StatusCode is >= 200 and < 300 : refused == expectRefusal,
                $"{c.Name}: {Describe(expectRefusal)} ({c.Expect.Why}), got {response}");
            if (refused)
            {
                Assert.True(c.Expect.RefusedWith.Contains(response.StatusCode), $"{c.Name}: a refusal must be {string.Join(" or ", c.Expect.RefusedWith)} ({c.Expect.Why}), got {response}");
                if (!(c.Expect.BareKestrelRefusal && response.StatusCode == 400 && response.Body.Length == 0))
                {
                    ApiAssert.Error(response, response.StatusCode);
                }
            }
            else
            {
                AssertAccepted(c, response);
            }

            if (before is not null)
            {
                var after = await StateSnapshot.CaptureAsync(fx);
                if (refused)
                {
                    StateSnapshot.Unchanged(c.Name, before, after);
                    fx.LastSnapshot = after;
                }
            }
        }
        finally
        {
            await fx.CleanUpAsync(c, response);
        }
    }

    private static void AssertAccepted(CorpusCase c, ApiResponse response)
    {
        var success = GotifySpec.Operations.FirstOrDefault(o => o.Key == c.Operation)?.SuccessStatus ?? 200;
        ApiAssert.Status(response, success);
        if (response.MediaType == "application/json" && response.Body.Length > 0)
        {
            // Whatever was stored comes back as valid JSON: no lone surrogate or broken byte leaks into an answer.
            using var _ = JsonDocument.Parse(response.Body);
        }
    }

    private static string Describe(bool? expectRefusal) => expectRefusal switch
    {
        true => "expected a 4xx refusal",
        false => "expected Gotify's acceptance",
        null => "expected a clean 4xx or an acceptance",
    };
}
