using System.Text.Json;

namespace Herald.Server.Tests.Adversarial.Spec;

/// <summary>A field's type as Gotify's Go code decodes it (the spec says "integer" for int, uint and uint64 alike).</summary>
public enum GoType
{
    String,
    Integer,
    Bool,
    Object,
    File,
}

/// <summary>
/// Which integers a field takes: <c>Go*</c> is what Gotify's Go type decodes (outside it Gotify answers 400);
/// <c>Must*</c> is what Herald has to accept as well. Between the two Herald may refuse with a 400 (values no
/// database row or date can hold), but must never fail.
/// </summary>
public sealed record IntegerRange(Int128 GoMin, Int128 GoMax, Int128 MustMin, Int128 MustMax);

/// <summary>A body property, form field, query or path parameter of one operation.</summary>
public sealed record SpecField(string Name, string In, GoType Type, bool Required, JsonElement? Example, IntegerRange? Range);

/// <summary>One operation (path + method) of gotify-spec.json.</summary>
public sealed record SpecOperation(string Method, string Path, string OperationId, IReadOnlyList<SpecField> Fields, string? BodyModel, IReadOnlyList<string> Consumes, IReadOnlyList<int> Responses)
{
    /// <summary><c>METHOD /path/{id}</c>, as the spec writes it.</summary>
    public string Key => $"{Method} {Path}";

    /// <summary>The documented success status (200, or 204 for elevation).</summary>
    public int SuccessStatus => Responses.Where(r => r is >= 200 and < 300).DefaultIfEmpty(200).Min();

    public SpecField? PathId => Fields.FirstOrDefault(f => f.In == "path");

    public IEnumerable<SpecField> BodyFields => Fields.Where(f => f.In == "body");

    public IEnumerable<SpecField> FormFields => Fields.Where(f => f.In == "formData");

    public IEnumerable<SpecField> QueryFields => Fields.Where(f => f.In == "query");

    /// <summary>The operation takes a request body (JSON model, form fields or, for plugin config, YAML).</summary>
    public bool TakesBody => BodyModel is not null || FormFields.Any() || Consumes.Contains("application/x-yaml");
}

/// <summary>
/// Gotify's public API description (tests/Herald.Server.Tests/Adversarial/gotify-spec.json, MIT), read once. The
/// spec flattens Go's integer types to int64; <see cref="GoTypes"/> restores them from the behaviour reference.
/// OIDC operations are left out: Herald does not implement OIDC (docs/compatibility.md).
/// </summary>
public static class GotifySpec
{
    private static readonly Lazy<IReadOnlyList<SpecOperation>> All = new(Load);

    public static IReadOnlyList<SpecOperation> Operations => All.Value;

    public static SpecOperation Get(string key) => Operations.Single(o => o.Key == key);

    private static List<SpecOperation> Load()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Adversarial", "gotify-spec.json")));
        var root = doc.RootElement;
        var definitions = root.GetProperty("definitions");
        var operations = new List<SpecOperation>();
        foreach (var path in root.GetProperty("paths").EnumerateObject().Where(p => !p.Name.StartsWith("/auth/oidc", StringComparison.Ordinal)))
        {
            foreach (var op in path.Value.EnumerateObject())
            {
                var fields = new List<SpecField>();
                string? bodyModel = null;
                foreach (var parameter in op.Value.TryGetProperty("parameters", out var ps) ? ps.EnumerateArray() : Enumerable.Empty<JsonElement>())
                {
                    var name = parameter.GetProperty("name").GetString()!;
                    var location = parameter.GetProperty("in").GetString()!;
                    if (location == "body")
                    {
                        bodyModel = parameter.GetProperty("schema").GetProperty("$ref").GetString()!.Split('/')[^1];
                        fields.AddRange(BodyFields(definitions.GetProperty(bodyModel), bodyModel));
                        continue;
                    }

                    var type = parameter.GetProperty("type").GetString()!;
                    fields.Add(new SpecField(
                        name,
                        location,
                        GoTypes.Of(type),
                        parameter.TryGetProperty("required", out var r) && r.GetBoolean(),
                        null,
                        type == "integer" ? GoTypes.RangeOf(location + "." + name, Bound(parameter, "minimum"), Bound(parameter, "maximum")) : null));
                }

                var consumes = op.Value.TryGetProperty("consumes", out var c) ? c.EnumerateArray().Select(e => e.GetString()!).ToList() : [];
                var responses = op.Value.GetProperty("responses").EnumerateObject().Where(p => int.TryParse(p.Name, out _)).Select(p => int.Parse(p.Name, System.Globalization.CultureInfo.InvariantCulture)).ToList();
                operations.Add(new SpecOperation(op.Name.ToUpperInvariant(), path.Name, op.Value.GetProperty("operationId").GetString()!, fields, bodyModel, consumes, responses));
            }
        }

        return operations;
    }

    private static IEnumerable<SpecField> BodyFields(JsonElement model, string modelName)
    {
        var required = model.TryGetProperty("required", out var r) ? r.EnumerateArray().Select(e => e.GetString()!).ToHashSet() : [];
        foreach (var property in model.GetProperty("properties").EnumerateObject())
        {
            var type = GoTypes.Of(property.Value.GetProperty("type").GetString()!);

            // Go cannot tell a required bool from false (its zero value): Gotify enforces no bool as required.
            var isRequired = required.Contains(property.Name) && type != GoType.Bool;
            yield return new SpecField(
                property.Name,
                "body",
                type,
                isRequired,
                property.Value.TryGetProperty("example", out var example) ? example.Clone() : null,
                type == GoType.Integer ? GoTypes.RangeOf(modelName + "." + property.Name, null, null) : null);
        }
    }

    private static long? Bound(JsonElement parameter, string name) => parameter.TryGetProperty(name, out var b) ? b.GetInt64() : null;
}

/// <summary>
/// Go's side of the spec's types, from the behaviour reference (§3.3, §3.5, §3.7): ids and durations are <c>uint</c>,
/// priorities <c>int</c> (64-bit), <c>since</c> a <c>uint64</c> the spec documents as int64.
/// </summary>
public static class GoTypes
{
    private static readonly Int128 Int64Min = long.MinValue;
    private static readonly Int128 Int64Max = long.MaxValue;
    private static readonly Int128 UInt64Max = ulong.MaxValue;
    private static readonly Int128 Int32Min = int.MinValue;
    private static readonly Int128 Int32Max = int.MaxValue;
    private static readonly Int128 UInt32Max = uint.MaxValue;

    public static GoType Of(string specType) => specType switch
    {
        "string" => GoType.String,
        "integer" => GoType.Integer,
        "boolean" => GoType.Bool,
        "object" => GoType.Object,
        "file" => GoType.File,
        _ => throw new InvalidOperationException("unknown spec type " + specType),
    };

    /// <param name="field"><c>Model.field</c> or <c>location.name</c>.</param>
    public static IntegerRange RangeOf(string field, long? minimum, long? maximum) => field switch
    {
        // since: Go's uint64, documented as int64; the int64 range has to work (defect: 2^32 refused).
        "query.since" => new(0, UInt64Max, 0, Int64Max),

        // Validated ranges (binding min/max, limit): Gotify refuses everything outside.
        _ when minimum is not null || maximum is not null => new(minimum ?? Int64Min, maximum ?? Int64Max, minimum ?? Int64Min, maximum ?? Int64Max),

        // uint ids and inactivity seconds: Herald keeps them in 32 bits' worth (no row id or duration needs more).
        "CreateMessage.appid" or "ClientParams.expiresAfterInactivitySeconds" => new(0, UInt64Max, 0, UInt32Max),

        // int seconds added to now: beyond 32 bits Go's time arithmetic overflows, Herald may refuse.
        "ElevateRequest.durationSeconds" => new(Int64Min, Int64Max, Int32Min, Int32Max),

        // int priorities: the whole int64 range, no validation (behaviour reference §3.5).
        _ => new(Int64Min, Int64Max, Int64Min, Int64Max),
    };
}
