using System.Globalization;

namespace Herald.Server.Tests.Adversarial.Corpus;

/// <summary>What the answer to a corpus request has to be.</summary>
public enum Verdict
{
    /// <summary>A 4xx in Gotify's error format, and nothing changed.</summary>
    Refused,

    /// <summary>Gotify's Go code accepts this input: the operation's success status, and everything still lists.</summary>
    Accepted,

    /// <summary>Herald may refuse (as <see cref="Refused"/>) or accept (as <see cref="Accepted"/>); never a 5xx or a half-stored row.</summary>
    Either,
}

/// <param name="RefusedWith">The 4xx statuses a refusal may have.</param>
/// <param name="Why">The rule behind the verdict, shown in the failure message.</param>
public sealed record Expectation(Verdict Verdict, IReadOnlyList<int> RefusedWith, string Why)
{
    /// <summary>
    /// The one refusal not in Gotify's format: Kestrel answers a NUL in the path with a bare 400 while it parses the
    /// request line, before any of Herald's code runs (a deliberate difference, docs/compatibility.md).
    /// </summary>
    public bool BareKestrelRefusal { get; init; }

    public static Expectation RefusedByKestrel(string why) => Refused(why) with { BareKestrelRefusal = true };

    public static Expectation Refused(string why, params int[] statuses) => new(Verdict.Refused, statuses.Length == 0 ? [400] : statuses, why);

    public static Expectation Accepted(string why) => new(Verdict.Accepted, [], why);

    public static Expectation Either(string why, params int[] statuses) => new(Verdict.Either, statuses.Length == 0 ? [400] : statuses, why);
}

/// <summary>Whose credential a corpus request carries: the one each operation needs to get past authentication.</summary>
public enum Caller
{
    None,
    OwnerClient,
    OwnerBasic,
    OwnerApp,
    Admin,
}

/// <summary>
/// A request with placeholders (<c>{app}</c>, <c>{client}</c>, <c>{victim}</c>, <c>{plugin}</c>, <c>{ptoken}</c>) that the
/// fixture fills in, so the corpus can be generated before the server runs (test discovery) and hit real rows.
/// </summary>
public sealed record CorpusRequest(string Method, string Target, Caller Caller)
{
    /// <summary>The body, built against the running fixture (the victim's name, names no earlier request used).</summary>
    public Func<CorpusTargets, byte[]>? Body { get; init; }

    public string? ContentType { get; init; }

    public bool Chunked { get; init; }

    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];
}

/// <summary>One named row of the corpus.</summary>
/// <param name="Name">Unique: <c>METHOD /path | where | what</c>.</param>
/// <param name="Operation">The spec operation's key, which decides the snapshot and the clean-up after an acceptance.</param>
public sealed record CorpusCase(string Name, string Operation, CorpusRequest Request, Expectation Expect)
{
    public override string ToString() => Name;
}

/// <summary>The rows a corpus request may point at, created by the fixture; filled into <see cref="CorpusRequest"/> placeholders.</summary>
public sealed record CorpusTargets(long AppId, long App2Id, long ClientId, long VictimId, string VictimName, string VictimPass, long PluginId, string PluginToken)
{
    public string Resolve(string target) => target
        .Replace("{app}", Id(AppId), StringComparison.Ordinal)
        .Replace("{app2}", Id(App2Id), StringComparison.Ordinal)
        .Replace("{client}", Id(ClientId), StringComparison.Ordinal)
        .Replace("{victim}", Id(VictimId), StringComparison.Ordinal)
        .Replace("{plugin}", Id(PluginId), StringComparison.Ordinal)
        .Replace("{ptoken}", PluginToken, StringComparison.Ordinal);

    private static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);
}
