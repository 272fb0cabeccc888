using System.Globalization;
using Herald.Server.Tests.Adversarial.Http;
using Herald.Server.Tests.Adversarial.Spec;

namespace Herald.Server.Tests.Adversarial.Corpus;

/// <summary>Cases from an operation's path id and query parameters.</summary>
public static class TargetCases
{
    /// <summary>Path ids that are not unsigned integers, and 0, which is one but matches nothing.</summary>
    private static readonly (string Literal, string Label, Expectation Expect)[] PathIds =
    [
        ("0", "0", Expectation.Refused("no row has id 0", 404)),
        ("-1", "-1", Expectation.Refused("invalid id: not unsigned")),
        ("abc", "abc", Expectation.Refused("invalid id: not a number")),
        ("1.5", "1.5", Expectation.Refused("invalid id: not an integer")),
        ("0x10", "0x10", Expectation.Refused("invalid id: not decimal")),
        ("1e3", "1e3", Expectation.Refused("invalid id: not decimal")),
        ("99999999999999999999", "10^20", Expectation.Refused("invalid id: overflows 64 bits")),
        ("%20", "%20", Expectation.Refused("invalid id: blank")),
        ("%00", "%00", Expectation.RefusedByKestrel("a NUL in the path")),
        ("1%00", "1%00", Expectation.RefusedByKestrel("a NUL in the path")),
    ];

    public static IEnumerable<CorpusCase> For(SpecOperation op) => Ids(op).Concat(Query(op));

    private static IEnumerable<CorpusCase> Ids(SpecOperation op)
    {
        if (op.PathId is null)
        {
            return [];
        }

        return PathIds.Select(id => new CorpusCase(
            $"{op.Key} | path id | {id.Label}",
            op.Key,
            new CorpusRequest(op.Method, CorpusRoutes.PathOf(op, id.Literal), CorpusRoutes.CallerOf(op)) { Body = ValidBody(op), ContentType = ValidContentType(op) },
            id.Expect));
    }

    private static IEnumerable<CorpusCase> Query(SpecOperation op)
    {
        foreach (var field in op.QueryFields)
        {
            var range = field.Range!;
            var values = new List<(string Label, string Text, Expectation Expect)>
            {
                ("abc", "abc", Expectation.Refused("not a number")),
                ("1.5", "1.5", Expectation.Refused("not an integer")),
                ("+5", "%2B5", Expectation.Either("Go's strconv takes a sign; Herald may refuse it")),
                ("empty", string.Empty, Expectation.Accepted("an empty parameter is absent: the default applies")),
                ("first valid of two", "5&" + field.Name + "=abc", Expectation.Accepted("Go binds the first value")),
                ("first invalid of two", "abc&" + field.Name + "=5", Expectation.Refused("Go binds the first value")),
            };
            values.AddRange(ValueMutations.IntegersFor(range, field.Required)
                .Select(v => (v.Label, v.Value.ToString(CultureInfo.InvariantCulture), ValueMutations.Classify(v.Value, range, field.Required))));
            foreach (var (label, text, expect) in values)
            {
                yield return new CorpusCase(
                    $"{op.Key} | query.{field.Name} | {label}",
                    op.Key,
                    new CorpusRequest(op.Method, CorpusRoutes.PathOf(op) + "?" + field.Name + "=" + text, CorpusRoutes.CallerOf(op)),
                    expect);
            }
        }
    }

    /// <summary>A body that would succeed, so a path id case fails only on its id.</summary>
    private static Func<CorpusTargets, byte[]>? ValidBody(SpecOperation op)
    {
        if (op.FormFields.Any(f => f.Type == GoType.File))
        {
            return _ => RawBodies.Multipart([], [("file", "icon.png", Infrastructure.TestImages.Png)]);
        }

        if (op.Consumes.Contains("application/x-yaml"))
        {
            return _ => "magic_string: corpus\n"u8.ToArray();
        }

        return op.BodyModel is null ? null : t => Seeds.JsonBody(op, t);
    }

    private static string? ValidContentType(SpecOperation op) =>
        op.FormFields.Any(f => f.Type == GoType.File) ? RawBodies.MultipartType()
        : op.Consumes.Contains("application/x-yaml") ? "application/x-yaml"
        : op.BodyModel is null ? null
        : "application/json";
}
