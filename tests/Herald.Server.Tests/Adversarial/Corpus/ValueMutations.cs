using System.Globalization;
using System.Text;
using Herald.Server.Tests.Adversarial.Spec;

namespace Herald.Server.Tests.Adversarial.Corpus;

/// <summary>One bad (or merely unusual) value for one field, as raw JSON bytes.</summary>
public sealed record ValueMutation(string Label, Func<CorpusTargets, byte[]> Json, Expectation Expect);

/// <summary>
/// The values tried in each field, chosen by the field's Go type: wrong JSON types, null, integer overflow around
/// every width Go and SQLite use, lone surrogate escapes, bytes that are not UTF-8, NUL, and deep nesting.
/// </summary>
public static class ValueMutations
{
    private const string Surrogate = "lone surrogate escape: refused with 400 or stored as U+FFFD, never a 500";
    private const string NotUtf8 = "not UTF-8: Herald refuses bodies that are not UTF-8";

    /// <summary>The integers tried in every integer field: each width's edge, just past it, and far past all of them.</summary>
    public static IReadOnlyList<(string Label, Int128 Value)> Integers { get; } =
    [
        ("-1", -1),
        ("2^31", (Int128)int.MaxValue + 1),
        ("-2^31-1", (Int128)int.MinValue - 1),
        ("2^32", (Int128)uint.MaxValue + 1),
        ("2^63-1", long.MaxValue),
        ("2^63", (Int128)long.MaxValue + 1),
        ("-2^63-1", (Int128)long.MinValue - 1),
        ("2^64", (Int128)ulong.MaxValue + 1),
        ("10^20", Int128.Parse("100000000000000000000", CultureInfo.InvariantCulture)),
    ];

    public static IEnumerable<ValueMutation> For(SpecField field) => field.Type switch
    {
        GoType.String => ForString(field),
        GoType.Integer => ForInteger(field),
        GoType.Bool => ForBool(field),
        GoType.Object => ForObject(field),
        _ => [],
    };

    /// <summary>The verdict for integer <paramref name="value"/> in a field of <paramref name="range"/>.</summary>
    public static Expectation Classify(Int128 value, IntegerRange range, bool required)
    {
        if (value == 0 && required)
        {
            return Expectation.Refused("Go's 'required' refuses the zero value");
        }

        if (value >= range.MustMin && value <= range.MustMax)
        {
            return Expectation.Accepted("inside Go's integer type: Gotify stores it");
        }

        return value >= range.GoMin && value <= range.GoMax
            ? Expectation.Either("Go's type holds it; Herald may refuse what no row or date can hold")
            : Expectation.Refused("outside the field's Go type or validated range");
    }

    /// <summary>The integers for a field of <paramref name="range"/>: <see cref="Integers"/> plus the edges of a validated range.</summary>
    public static IEnumerable<(string Label, Int128 Value)> IntegersFor(IntegerRange range, bool required)
    {
        var values = Integers.ToList();
        if (range.GoMax < int.MaxValue)
        {
            values.Add(($"max+1 ({range.GoMax + 1})", range.GoMax + 1));
        }

        if (range.GoMin > int.MinValue && range.GoMin != 0)
        {
            values.Add(($"min-1 ({range.GoMin - 1})", range.GoMin - 1));
        }

        if (required || range.GoMin > 0)
        {
            values.Add(("0", 0));
        }

        return values.DistinctBy(v => v.Value);
    }

    /// <summary><paramref name="depth"/> nested objects around <paramref name="leaf"/>.</summary>
    public static string NestedObjects(int depth, string leaf = "1") =>
        new StringBuilder(depth * 6 + leaf.Length).Insert(0, "{\"a\":", depth).Append(leaf).Append('}', depth).ToString();

    /// <summary><paramref name="depth"/> nested arrays.</summary>
    public static string NestedArrays(int depth) => new string('[', depth) + new string(']', depth);

    private static IEnumerable<ValueMutation> WrongTypes(string goType, params string[] literals) =>
        literals.Select(l => M($"wrong type {l}", l, Expectation.Refused($"a {goType} field given another JSON type")));

    private static ValueMutation Null(SpecField field) => M("null", "null", field.Required
        ? Expectation.Refused("null leaves a required field empty")
        : Expectation.Accepted("null leaves an optional Go field at its zero value"));

    private static IEnumerable<ValueMutation> ForString(SpecField field)
    {
        foreach (var m in WrongTypes("string", "123", "true", "{}", "[\"x\"]"))
        {
            yield return m;
        }

        yield return Null(field);
        yield return M("empty string", "\"\"", field.Required
            ? Expectation.Refused("Go's 'required' refuses the empty string")
            : Expectation.Accepted("an optional empty string"));
        yield return M("lone high surrogate \\ud800", "\"\\ud800\"", Expectation.Either(Surrogate));
        yield return M("lone low surrogate \\udc00", "\"\\udc00\"", Expectation.Either(Surrogate));
        yield return M("reversed surrogate pair", "\"x\\udc00\\ud800y\"", Expectation.Either(Surrogate));
        yield return M("high surrogate at the end", "\"abc\\ud83d\"", Expectation.Either(Surrogate));
        yield return M("valid escaped surrogate pair", "\"smile \\ud83d\\ude00\"", Expectation.Accepted("an escaped pair is an ordinary character"));
        yield return M("NUL escape", "\"a\\u0000b\"", TestEngine.Current == "postgres" && field.Name is not ("pass" or "sortKey")
            ? Expectation.Refused("PostgreSQL's text holds no NUL (a password is stored hashed, a sort key as bytes): refused with 400 rather than Gotify's 500, nothing stored")
            : Expectation.Accepted("Go keeps NUL inside strings"));
        yield return B("invalid UTF-8 C3 28", [0x22, 0x61, 0xC3, 0x28, 0x22], Expectation.Refused(NotUtf8));
        yield return B("invalid UTF-8 FF FE", [0x22, 0xFF, 0xFE, 0x22], Expectation.Refused(NotUtf8));
        yield return B("UTF-8 encoded surrogate ED A0 80", [0x22, 0xED, 0xA0, 0x80, 0x22], Expectation.Refused(NotUtf8));
        yield return B("overlong NUL C0 80", [0x22, 0xC0, 0x80, 0x22], Expectation.Refused(NotUtf8));
        yield return B("raw control byte 01", [0x22, 0x61, 0x01, 0x62, 0x22], Expectation.Refused("an unescaped control character is not JSON"));
        yield return B("raw NUL byte", [0x22, 0x61, 0x00, 0x62, 0x22], Expectation.Refused("an unescaped control character is not JSON"));
    }

    private static IEnumerable<ValueMutation> ForInteger(SpecField field)
    {
        var range = field.Range!;
        foreach (var m in WrongTypes("integer", "\"5\"", "true", "{}", "[1]", "1.5", "1e2", "-0.0"))
        {
            yield return m;
        }

        yield return Null(field);
        foreach (var (label, value) in IntegersFor(range, field.Required))
        {
            yield return M(label, value.ToString(CultureInfo.InvariantCulture), Classify(value, range, field.Required));
        }
    }

    private static IEnumerable<ValueMutation> ForBool(SpecField field)
    {
        foreach (var m in WrongTypes("bool", "\"true\"", "1", "{}", "[]"))
        {
            yield return m;
        }

        yield return Null(field);
    }

    private static IEnumerable<ValueMutation> ForObject(SpecField field)
    {
        foreach (var m in WrongTypes("object", "\"text\"", "1", "[]", "true"))
        {
            yield return m;
        }

        yield return Null(field);

        // Gotify decodes up to Go's 10 000 levels and lists what it stored; Herald accepted 62-63 levels and then could
        // not list them (its writer stopped at 64).
        foreach (var depth in new[] { 62, 63 })
        {
            yield return M($"nested {depth} deep", NestedObjects(depth), Expectation.Accepted("Gotify stores and lists nesting this deep"));
        }

        foreach (var depth in new[] { 64, 65, 1000 })
        {
            yield return M($"nested {depth} deep", NestedObjects(depth), Expectation.Either("Gotify takes it; Herald may refuse nesting this deep, but what it stores must list"));
        }

        yield return M("arrays nested 62 deep", "{\"a\":" + NestedArrays(61) + "}", Expectation.Accepted("Gotify stores and lists nesting this deep"));
        yield return M("nested 10001 deep", NestedObjects(10_001), Expectation.Refused("deeper than Go's decoder goes"));
        yield return M("lone surrogate in a key", "{\"\\ud800\":1}", Expectation.Either(Surrogate));
        yield return M("lone surrogate in a nested value", "{\"k\":{\"v\":\"\\udc00\"}}", Expectation.Either(Surrogate));
        yield return M("NUL in a key", "{\"a\\u0000b\":1}", Expectation.Accepted("Go keeps NUL inside strings"));
        yield return B("invalid UTF-8 in a value", [.. "{\"k\":\""u8, 0xFF, .. "\"}"u8], Expectation.Refused(NotUtf8));
    }

    private static ValueMutation M(string label, string json, Expectation expect)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        return new ValueMutation(label, _ => bytes, expect);
    }

    private static ValueMutation B(string label, byte[] json, Expectation expect) => new(label, _ => json, expect);
}
