using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Herald.Server.Tests.Infrastructure;

/// <summary>Assertions on responses: exact status codes, Gotify error bodies, documented JSON shapes.</summary>
public static partial class ApiAssert
{
    /// <summary>Gotify's <c>error</c> field: Go's <c>http.StatusText</c>.</summary>
    public static string StatusText(int status) => status switch
    {
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        413 => "Request Entity Too Large",
        415 => "Unsupported Media Type",
        500 => "Internal Server Error",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "no status text known"),
    };

    /// <summary>Asserts the status code, showing the whole response when it differs.</summary>
    public static ApiResponse Status(ApiResponse response, int expected)
    {
        if (response.StatusCode != expected)
        {
            throw new Xunit.Sdk.XunitException($"expected HTTP {expected} but got {response}");
        }

        return response;
    }

    /// <summary>Asserts 200 and returns the JSON body.</summary>
    public static JsonElement Ok(ApiResponse response)
    {
        Status(response, 200);
        return response.Json;
    }

    /// <summary>Asserts a Gotify error: the status, <c>application/json</c>, exactly the three error fields, and the description when given.</summary>
    public static void Error(ApiResponse response, int status, string? description = null)
    {
        Status(response, status);
        Assert.True(response.MediaType == "application/json", $"error Content-Type must be application/json: {response}");
        var json = response.Json;
        Assert.True(json.ValueKind == JsonValueKind.Object, $"error body must be an object: {response}");
        var names = json.EnumerateObject().Select(p => p.Name).OrderBy(n => n, StringComparer.Ordinal).ToArray();
        Assert.True(names.SequenceEqual(["error", "errorCode", "errorDescription"]), $"error body must have exactly error, errorCode, errorDescription: {response}");
        Assert.Equal(StatusText(status), json.GetProperty("error").GetString());
        Assert.Equal(status, json.GetProperty("errorCode").GetInt32());
        var actual = json.GetProperty("errorDescription").GetString();
        if (description is null)
        {
            Assert.False(string.IsNullOrEmpty(actual), $"errorDescription must not be empty: {response}");
        }
        else
        {
            Assert.True(description == actual, $"expected errorDescription \"{description}\" but got {response}");
        }
    }

    /// <summary>Asserts a 4xx Gotify error (never a 5xx) without fixing the exact code.</summary>
    public static void ClientError(ApiResponse response, params int[] allowed)
    {
        Assert.True(response.StatusCode is >= 400 and < 500, $"expected a 4xx error but got {response}");
        if (allowed.Length > 0)
        {
            Assert.True(allowed.Contains(response.StatusCode), $"expected one of {string.Join(",", allowed)} but got {response}");
        }

        Error(response, response.StatusCode);
    }

    /// <summary>Asserts that <paramref name="value"/> is an RFC 3339 timestamp with a zone (Go's time.Time JSON) and returns it.</summary>
    public static DateTimeOffset Timestamp(JsonElement value)
    {
        Assert.Equal(JsonValueKind.String, value.ValueKind);
        var text = value.GetString()!;
        Assert.True(Rfc3339().IsMatch(text), $"not an RFC 3339 timestamp with offset: {text}");
        return ParseTime(text);
    }

    /// <summary>Parses an RFC 3339 time with up to 9 fractional digits.</summary>
    public static DateTimeOffset ParseTime(string text)
    {
        var m = Rfc3339().Match(text);
        Assert.True(m.Success, $"not an RFC 3339 timestamp: {text}");
        var fraction = m.Groups["frac"].Value;
        var trimmed = fraction.Length > 7 ? fraction[..7] : fraction;
        var normalized = m.Groups["main"].Value + (trimmed.Length > 0 ? "." + trimmed : string.Empty) + (m.Groups["zone"].Value == "Z" ? "+00:00" : m.Groups["zone"].Value);
        return DateTimeOffset.Parse(normalized, CultureInfo.InvariantCulture, DateTimeStyles.None);
    }

    [GeneratedRegex(@"^(?<main>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(\.(?<frac>\d{1,9}))?(?<zone>Z|[+-]\d{2}:\d{2})$")]
    private static partial Regex Rfc3339();

    /// <summary>Asserts that <paramref name="time"/> lies within <paramref name="tolerance"/> of <paramref name="expected"/>.</summary>
    public static void Near(DateTimeOffset expected, DateTimeOffset time, TimeSpan tolerance)
    {
        Assert.True((time - expected).Duration() <= tolerance, $"expected a time near {expected:O} (±{tolerance}) but got {time:O}");
    }

    /// <summary>Asserts a JSON object has every required field, only documented fields, each of the documented type.</summary>
    public static void HasShape(JsonElement obj, Shape shape)
    {
        Assert.True(obj.ValueKind == JsonValueKind.Object, $"{shape.Name} must be a JSON object: {obj}");
        foreach (var field in shape.Fields.Where(f => f.Required))
        {
            Assert.True(obj.TryGetProperty(field.Name, out _), $"{shape.Name} lacks required field '{field.Name}': {obj}");
        }

        foreach (var prop in obj.EnumerateObject())
        {
            var field = shape.Fields.FirstOrDefault(f => f.Name == prop.Name);
            Assert.True(field is not null, $"{shape.Name} has undocumented field '{prop.Name}': {obj}");
            CheckType(shape.Name, field!, prop.Value);
        }
    }

    private static void CheckType(string shapeName, Field field, JsonElement value)
    {
        var where = $"{shapeName}.{field.Name} = {value.GetRawText()}";
        if (value.ValueKind == JsonValueKind.Null)
        {
            Assert.True(field.Nullable, $"{where} must not be null");
            return;
        }

        switch (field.Type)
        {
            case FieldType.Integer:
                Assert.True(value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out _), $"{where} must be an integer");
                break;
            case FieldType.String:
                Assert.True(value.ValueKind == JsonValueKind.String, $"{where} must be a string");
                break;
            case FieldType.Boolean:
                Assert.True(value.ValueKind is JsonValueKind.True or JsonValueKind.False, $"{where} must be a boolean");
                break;
            case FieldType.Time:
                Timestamp(value);
                break;
            case FieldType.Object:
                Assert.True(value.ValueKind == JsonValueKind.Object, $"{where} must be an object");
                break;
            case FieldType.Array:
                Assert.True(value.ValueKind == JsonValueKind.Array, $"{where} must be an array");
                break;
            default:
                throw new InvalidOperationException(field.Type.ToString());
        }
    }

    /// <summary>Asserts the status is one of <paramref name="documented"/> (the spec's list for the operation).</summary>
    public static void Documented(ApiResponse response, params int[] documented)
    {
        Assert.True(documented.Contains(response.StatusCode), $"status {response.StatusCode} is not documented for this operation ({string.Join(",", documented)}): {response}");
    }

}

public enum FieldType
{
    Integer,
    String,
    Boolean,
    Time,
    Object,
    Array,
}

public sealed record Field(string Name, FieldType Type, bool Required, bool Nullable = false);

/// <summary>A documented JSON model (gotify-spec.json definitions plus the reference's notes).</summary>
public sealed record Shape(string Name, IReadOnlyList<Field> Fields)
{
    private static Field Req(string name, FieldType type) => new(name, type, true);

    private static Field Opt(string name, FieldType type, bool nullable = false) => new(name, type, false, nullable);

    public static Shape Message { get; } = new("Message",
    [
        Req("id", FieldType.Integer), Req("appid", FieldType.Integer), Req("message", FieldType.String), Req("title", FieldType.String),
        Req("priority", FieldType.Integer), Opt("extras", FieldType.Object), Req("date", FieldType.Time),
    ]);

    public static Shape Paging { get; } = new("Paging",
        [Opt("next", FieldType.String), Req("size", FieldType.Integer), Req("since", FieldType.Integer), Req("limit", FieldType.Integer)]);

    public static Shape PagedMessages { get; } = new("PagedMessages", [Req("paging", FieldType.Object), Req("messages", FieldType.Array)]);

    public static Shape Application { get; } = new("Application",
    [
        Req("id", FieldType.Integer), Opt("token", FieldType.String), Req("name", FieldType.String), Req("description", FieldType.String),
        Req("internal", FieldType.Boolean), Req("image", FieldType.String), Req("defaultPriority", FieldType.Integer), Req("createdAt", FieldType.Time),
        Req("lastUsed", FieldType.Time) with { Nullable = true }, Req("sortKey", FieldType.String),
    ]);

    public static Shape Client { get; } = new("Client",
    [
        Req("id", FieldType.Integer), Opt("token", FieldType.String), Req("name", FieldType.String), Req("createdAt", FieldType.Time),
        Req("lastUsed", FieldType.Time) with { Nullable = true }, Opt("elevatedUntil", FieldType.Time, nullable: true),
        Req("expiresAfterInactivitySeconds", FieldType.Integer), Opt("expiresAt", FieldType.Time, nullable: true),
    ]);

    public static Shape User { get; } = new("User",
        [Req("id", FieldType.Integer), Req("name", FieldType.String), Req("admin", FieldType.Boolean), Req("createdAt", FieldType.Time)]);

    public static Shape CurrentUser { get; } = new("CurrentUser",
    [
        Req("id", FieldType.Integer), Req("name", FieldType.String), Req("admin", FieldType.Boolean), Req("createdAt", FieldType.Time),
        Opt("clientId", FieldType.Integer), Opt("elevatedUntil", FieldType.Time),
    ]);

    public static Shape VersionInfo { get; } = new("VersionInfo",
        [Req("version", FieldType.String), Req("commit", FieldType.String), Req("buildDate", FieldType.String)]);

    public static Shape GotifyInfo { get; } = new("GotifyInfo",
        [Req("version", FieldType.String), Req("register", FieldType.Boolean), Req("oidc", FieldType.Boolean)]);

    public static Shape Health { get; } = new("Health", [Req("health", FieldType.String), Req("database", FieldType.String)]);
}
