using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Primitives;
using Herald.Server.Http.Json;

namespace Herald.Server.Http;

/// <summary>
/// A request's fields as Gotify's binding sees them: a JSON object for <c>application/json</c>, otherwise the
/// urlencoded or multipart form together with the query string (the query alone when there is no form). Field
/// names match case-insensitively, as Go's JSON decoder does; unknown fields are ignored. Type errors are 400s
/// with Go's wording so that clients which show <c>errorDescription</c> read what they always did.
/// </summary>
internal sealed class RequestBody
{
    private readonly List<JsonField>? json;
    private readonly IFormCollection? form;
    private readonly IQueryCollection query;
    private readonly string structName;

    private RequestBody(List<JsonField>? json, IFormCollection? form, IQueryCollection query, string structName)
    {
        this.json = json;
        this.form = form;
        this.query = query;
        this.structName = structName;
    }

    /// <summary>
    /// The deepest nesting a JSON body may have, counting the body object itself (System.Text.Json's default; Go's
    /// decoder allows 10 000). Message extras are therefore at most 63 levels deep, which every later reader of stored
    /// extras handles: the API writes them verbatim (<see cref="VerbatimJsonConverter"/>) and plugin subscriptions
    /// parse them with the default limit of 64.
    /// </summary>
    public const int MaxDepth = 64;

    /// <param name="structName">Gotify's Go type name, used in type-error texts (<c>CreateMessage</c>).</param>
    public static async Task<RequestBody> ReadAsync(HttpContext context, string structName)
    {
        var request = context.Request;
        if (IsJsonContent(request.ContentType))
        {
            return new RequestBody(await ReadJsonAsync(context, structName), null, request.Query, structName);
        }

        var form = request.HasFormContentType ? await ReadFormAsync(context) : null;
        return new RequestBody(null, form, request.Query, structName);
    }

    /// <summary>
    /// The whole body as bytes. A body over <c>server.maxbodybytes</c> surfaces as Kestrel's
    /// <see cref="BadHttpRequestException"/>, which the error middleware answers with 413 in Gotify's format.
    /// </summary>
    public static Task<byte[]> ReadBytesAsync(HttpContext context) => BodyBytes.ReadAsync(context.Request, context.RequestAborted);

    /// <summary>
    /// The urlencoded or multipart form, for every route that reads one. A malformed body (no boundary, a boundary
    /// that never comes, a body cut short) is 400 as in <c>POST /message</c>; one over the size limit stays a
    /// <see cref="BadHttpRequestException"/> for the error middleware's 413.
    /// </summary>
    public static async Task<IFormCollection> ReadFormAsync(HttpContext context)
    {
        try
        {
            return await context.Request.ReadFormAsync(context.RequestAborted);
        }
        catch (InvalidDataException e)
        {
            throw ApiException.BadRequest($"invalid form data: {e.Message}");
        }
        catch (IOException e) when (e is not BadHttpRequestException)
        {
            // The multipart reader's "Unexpected end of Stream": the body ended before the closing boundary.
            throw ApiException.BadRequest("invalid form data: the body ended before the closing multipart boundary");
        }
    }

    /// <summary>
    /// Parses a JSON body as Go's decoder would see it: bytes that are not UTF-8 are refused (JsonDocument would only
    /// notice when a string is read, as a 500), and lone surrogate escapes become U+FFFD, as Go stores them.
    /// </summary>
    private static async Task<List<JsonField>> ReadJsonAsync(HttpContext context, string structName)
    {
        var body = await ReadBytesAsync(context);
        if (!System.Text.Unicode.Utf8.IsValid(body))
        {
            throw ApiException.BadRequest("invalid JSON: the body is not valid UTF-8");
        }

        LoneSurrogates.Replace(body);
        try
        {
            var fields = JsonFields.Read(body, MaxDepth, out var kind);
            return kind is JsonValueKind.Object or JsonValueKind.Null
                ? fields
                : throw ApiException.BadRequest($"json: cannot unmarshal {GoKind(kind)} into Go value of type model.{structName}");
        }
        catch (JsonException e)
        {
            throw ApiException.BadRequest(e.Message.Contains("input does not contain any JSON tokens", StringComparison.Ordinal)
                ? "EOF"
                : $"invalid JSON: {FirstSentence(e.Message)} (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1})");
        }
    }

    /// <summary>The query string alone, as Gotify binds GET parameters whatever the content type.</summary>
    public static RequestBody FromQuery(HttpContext context, string structName) => new(null, null, context.Request.Query, structName);

    public static bool IsJsonContent(string? contentType) =>
        contentType is not null && contentType.Split(';')[0].Trim().EndsWith("json", StringComparison.OrdinalIgnoreCase);

    /// <summary>A string field; <see langword="null"/> when absent.</summary>
    public string? GetString(string field)
    {
        if (json is { } obj)
        {
            return Property(obj, field) switch
            {
                null => null,
                { Kind: JsonValueKind.Null } => null,
                { Kind: JsonValueKind.String } p => p.Text,
                { } p => throw TypeError(p.Kind, field, "string"),
            };
        }

        return FormValue(field);
    }

    /// <summary>A Go <c>int</c> field, 64 bits as on every platform Gotify ships for; <see langword="null"/> when absent (distinct from an explicit 0).</summary>
    public long? GetInt(string field) => (long?)GetNumber(field, "int", long.MinValue, long.MaxValue);

    /// <summary>A Go <c>uint</c> field, 64 bits; <see langword="null"/> when absent.</summary>
    public ulong? GetUInt(string field) => (ulong?)GetNumber(field, "uint", ulong.MinValue, ulong.MaxValue);

    public bool? GetBool(string field)
    {
        if (json is { } obj)
        {
            return Property(obj, field) switch
            {
                null or { Kind: JsonValueKind.Null } => null,
                { Kind: JsonValueKind.True } => true,
                { Kind: JsonValueKind.False } => false,
                { } p => throw TypeError(p.Kind, field, "bool"),
            };
        }

        var text = FormValue(field);
        return text switch
        {
            null or "" => null,
            "1" or "t" or "T" or "true" or "TRUE" or "True" or "on" => true,
            "0" or "f" or "F" or "false" or "FALSE" or "False" or "off" => false,
            _ => throw ApiException.BadRequest($"strconv.ParseBool: parsing \"{text}\": invalid syntax"),
        };
    }

    /// <summary>
    /// A JSON object field (message extras) as the compact bytes Gotify stores; null when absent, null or an empty
    /// object. Never read from forms, as in Gotify.
    /// </summary>
    public byte[]? GetExtras(string field)
    {
        if (json is not { } obj)
        {
            return null;
        }

        return Property(obj, field) switch
        {
            null or { Kind: JsonValueKind.Null } => null,
            { Kind: JsonValueKind.Object } p => ExtrasJson.Compact(p.Raw.Span),
            { } p => throw TypeError(p.Kind, field, "map[string]interface {}"),
        };
    }

    /// <summary>An integer field that Herald keeps narrower than Go's type (<paramref name="goType"/> in error texts).</summary>
    public long? GetInteger(string field, string goType, long min, long max) => (long?)GetNumber(field, goType, min, max);

    private Int128? GetNumber(string field, string goType, Int128 min, Int128 max)
    {
        var unsigned = goType.StartsWith('u');
        if (json is { } obj)
        {
            if (Property(obj, field) is not { Kind: not JsonValueKind.Null } p)
            {
                return null;
            }

            if (p.Kind != JsonValueKind.Number)
            {
                throw TypeError(p.Kind, field, goType);
            }

            Int128? n = p.Value.TryGetInt64(out var signed) ? signed : p.Value.TryGetUInt64(out var large) ? large : null;
            return n is { } v && v >= min && v <= max
                ? v
                : throw ApiException.BadRequest($"json: cannot unmarshal number {p.Value.GetRawText()} into Go struct field {structName}.{field} of type {goType}");
        }

        var text = FormValue(field);
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        // strconv.ParseUint takes no sign at all; ParseInt takes one.
        var parser = unsigned ? "ParseUint" : "ParseInt";
        if (!Int128.TryParse(text, unsigned ? NumberStyles.None : NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            throw ApiException.BadRequest($"strconv.{parser}: parsing \"{text}\": invalid syntax");
        }

        return value >= min && value <= max
            ? value
            : throw ApiException.BadRequest($"strconv.{parser}: parsing \"{text}\": value out of range");
    }

    private string? FormValue(string field)
    {
        if (form is not null && form.TryGetValue(field, out var fromForm) && !StringValues.IsNullOrEmpty(fromForm))
        {
            return fromForm[0];
        }

        return query.TryGetValue(field, out var fromQuery) && !StringValues.IsNullOrEmpty(fromQuery) ? fromQuery[0] : null;
    }

    /// <summary>
    /// The field bound to <paramref name="field"/>, as when the body was one parsed document: the last one named exactly
    /// so (what <see cref="JsonElement.TryGetProperty(string, out JsonElement)"/> found), otherwise the first whose name
    /// matches ignoring case.
    /// </summary>
    private static JsonField? Property(List<JsonField> fields, string field)
    {
        for (var i = fields.Count - 1; i >= 0; i--)
        {
            if (fields[i].Name == field)
            {
                return fields[i];
            }
        }

        foreach (var p in fields)
        {
            if (string.Equals(p.Name, field, StringComparison.OrdinalIgnoreCase))
            {
                return p;
            }
        }

        return null;
    }

    private ApiException TypeError(JsonValueKind kind, string field, string goType) =>
        ApiException.BadRequest($"json: cannot unmarshal {GoKind(kind)} into Go struct field {structName}.{field} of type {goType}");

    private static string GoKind(JsonValueKind kind) => kind switch
    {
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "bool",
        JsonValueKind.Array => "array",
        JsonValueKind.Object => "object",
        _ => "null",
    };

    private static string FirstSentence(string message)
    {
        foreach (var marker in new[] { " Path:", " LineNumber:" })
        {
            var cut = message.IndexOf(marker, StringComparison.Ordinal);
            if (cut > 0)
            {
                message = message[..cut];
            }
        }

        return message.TrimEnd('.', ' ');
    }
}
