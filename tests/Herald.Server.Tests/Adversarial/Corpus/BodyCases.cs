using System.Text;
using Herald.Server.Tests.Adversarial.Http;
using Herald.Server.Tests.Adversarial.Spec;

namespace Herald.Server.Tests.Adversarial.Corpus;

/// <summary>
/// Cases from an operation's body: every field of its JSON model (or form) with every <see cref="ValueMutations"/>
/// value, then the body as a whole broken as JSON and as multipart, since Gotify binds either by Content-Type.
/// </summary>
public static class BodyCases
{
    private const string Json = "application/json";

    /// <summary>A body over the corpus server's <c>maxbodybytes</c>.</summary>
    public static int HugeSize => CorpusServer.MaxBodyBytes + (32 * 1024);

    public static IEnumerable<CorpusCase> For(SpecOperation op)
    {
        if (!Seeds.JsonFields(op).Any())
        {
            return [];
        }

        return Fields(op).Concat(WholeJson(op)).Concat(Multipart(op));
    }

    private static IEnumerable<CorpusCase> Fields(SpecOperation op)
    {
        foreach (var field in Seeds.JsonFields(op))
        {
            foreach (var mutation in ValueMutations.For(field))
            {
                yield return Case(op, $"body.{field.Name}", mutation.Label, mutation.Expect, Json, t => Seeds.JsonBody(op, t, field.Name, mutation.Json(t)));
            }
        }
    }

    private static IEnumerable<CorpusCase> WholeJson(SpecOperation op)
    {
        var refused = Expectation.Refused("not a JSON object of the operation's model");
        yield return Raw(op, "empty body", refused, string.Empty);
        yield return Case(op, "json", "truncated", refused, Json, t => Seeds.JsonBody(op, t)[..^2]);
        yield return Case(op, "json", "trailing garbage", refused, Json, t => [.. Seeds.JsonBody(op, t), .. " x"u8]);
        yield return Case(op, "json", "trailing comma", refused, Json, t => [.. Seeds.JsonBody(op, t)[..^1], .. ",}"u8]);
        yield return Raw(op, "top-level array", refused, "[]");
        yield return Raw(op, "top-level string", refused, "\"text\"");
        yield return Raw(op, "top-level number", refused, "42");
        yield return Raw(op, "top-level true", refused, "true");
        yield return Raw(op, "top-level null", Seeds.JsonFields(op).Any(f => f.Required)
            ? Expectation.Refused("null leaves the required fields empty")
            : Expectation.Accepted("null decodes into an empty model"), "null");
        yield return Raw(op, "comment", refused, "{/* c */}");
        yield return Raw(op, "single quotes", refused, "{'name':'x'}");
        yield return Raw(op, "NaN", refused, "{\"x\":NaN}");
        yield return Raw(op, "arrays nested 70 deep", refused, ValueMutations.NestedArrays(70));
        yield return Case(op, "json", "unknown field nested 10001 deep", Expectation.Refused("deeper than Go's decoder goes"), Json,
            t => [.. Seeds.JsonBody(op, t)[..^1], .. Encoding.ASCII.GetBytes(",\"zz\":" + ValueMutations.NestedObjects(10_001) + "}")]);
        yield return Case(op, "json", "byte FF outside strings", refused, Json, _ => [(byte)'{', 0xFF, (byte)'}']);
        yield return Raw(op, "form body labelled JSON", refused, "name=x&message=y");
        var tooLarge = Expectation.Refused("over maxbodybytes", 413);
        yield return Case(op, "json", "over maxbodybytes", tooLarge, Json, t => Padded(Seeds.JsonBody(op, t)));
        yield return Chunked(Case(op, "json", "over maxbodybytes, chunked", tooLarge, Json, t => Padded(Seeds.JsonBody(op, t))));
    }

    private static IEnumerable<CorpusCase> Multipart(SpecOperation op)
    {
        var refused = Expectation.Refused("a broken multipart body is a bad request");
        var type = RawBodies.MultipartType();
        yield return Case(op, "multipart", "truncated", refused, type, t => RawBodies.Multipart(Seeds.FormFields(op, t), close: false)[..^4]);
        yield return Case(op, "multipart", "wrong boundary", refused, type, t => RawBodies.Multipart(Seeds.FormFields(op, t), boundary: "SomeOtherBoundary"));
        yield return Case(op, "multipart", "no boundary parameter", refused, "multipart/form-data", t => RawBodies.Multipart(Seeds.FormFields(op, t)));
        yield return Case(op, "multipart", "only the closing delimiter", Missing(op), type, _ => Encoding.ASCII.GetBytes($"--{RawBodies.Boundary}--\r\n"));
        yield return Case(op, "multipart", "required parts missing", Missing(op), type, _ => RawBodies.Multipart([("zz", "x")]));
        yield return Case(op, "multipart", "part without Content-Disposition", refused, type,
            t => [.. Encoding.ASCII.GetBytes($"--{RawBodies.Boundary}\r\nContent-Type: text/plain\r\n\r\nx\r\n"), .. RawBodies.Multipart(Seeds.FormFields(op, t))]);
        yield return Case(op, "multipart", "over maxbodybytes", Expectation.Refused("over maxbodybytes", 413), type,
            t => RawBodies.Multipart([.. Seeds.FormFields(op, t), ("zz", new string('x', HugeSize))]));
        if (Seeds.JsonFields(op).FirstOrDefault(f => f.Type == GoType.String) is { } text)
        {
            var lenient = Expectation.Either("Go refuses a broken escape or keeps NUL; Herald may refuse or keep the text");
            yield return Case(op, "urlencoded", $"broken escape in {text.Name}", lenient, "application/x-www-form-urlencoded", t => Urlencoded(op, t, text.Name, "a%zzb"));
            yield return Case(op, "urlencoded", $"%00 in {text.Name}", lenient, "application/x-www-form-urlencoded", t => Urlencoded(op, t, text.Name, "a%00b"));
            yield return Case(op, "urlencoded", $"%FF in {text.Name}", lenient, "application/x-www-form-urlencoded", t => Urlencoded(op, t, text.Name, "a%FFb"));
        }
    }

    private static Expectation Missing(SpecOperation op) => Seeds.JsonFields(op).Any(f => f.Required)
        ? Expectation.Refused("the required fields are missing")
        : Expectation.Accepted("no field is required");

    private static byte[] Urlencoded(SpecOperation op, CorpusTargets targets, string field, string rawValue) =>
        Encoding.ASCII.GetBytes(string.Join('&', Seeds.FormFields(op, targets).Select(f => f.Name + "=" + (f.Name == field ? rawValue : Uri.EscapeDataString(f.Value)))));

    /// <summary>The seed with an unknown field that takes it over the corpus server's body limit.</summary>
    private static byte[] Padded(byte[] json) => [.. json[..^1], .. Encoding.ASCII.GetBytes(",\"zz\":\"" + new string('x', HugeSize) + "\"}")];

    private static CorpusCase Raw(SpecOperation op, string label, Expectation expect, string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        return Case(op, "json", label, expect, Json, _ => bytes);
    }

    /// <summary>The same case with its body sent chunked (no Content-Length for the server to refuse up front).</summary>
    public static CorpusCase Chunked(CorpusCase c) => c with { Request = c.Request with { Chunked = true } };

    public static CorpusCase Case(SpecOperation op, string where, string label, Expectation expect, string? contentType, Func<CorpusTargets, byte[]> body) =>
        new($"{op.Key} | {where} | {label}", op.Key, new CorpusRequest(op.Method, CorpusRoutes.PathOf(op), CorpusRoutes.CallerOf(op)) { Body = body, ContentType = contentType }, expect);
}
