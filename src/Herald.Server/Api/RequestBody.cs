using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Primitives;

namespace Herald.Server.Api;

/// <summary>
/// A request's fields as Gotify's binding sees them: a JSON object for <c>application/json</c>, otherwise the
/// urlencoded or multipart form together with the query string (the query alone when there is no form). Field
/// names match case-insensitively, as Go's JSON decoder does; unknown fields are ignored. Type errors are 400s
/// with Go's wording so that clients which show <c>errorDescription</c> read what they always did.
/// </summary>
internal sealed class RequestBody
{
    private readonly JsonElement? json;
    private readonly IFormCollection? form;
    private readonly IQueryCollection query;
    private readonly string structName;

    private RequestBody(JsonElement? json, IFormCollection? form, IQueryCollection query, string structName)
    {
        this.json = json;
        this.form = form;
        this.query = query;
        this.structName = structName;
    }

    public bool IsJson => json is not null;

    /// <param name="structName">Gotify's Go type name, used in type-error texts (<c>CreateMessage</c>).</param>
    public static async Task<RequestBody> ReadAsync(HttpContext context, string structName)
    {
        var request = context.Request;
        if (IsJsonContent(request.ContentType))
        {
            try
            {
                // Go's decoder never fails on bad UTF-8 later; here a body that is not UTF-8 is refused up front
                // (JsonDocument only notices when a string is read, which would surface as a 500).
                using var buffer = new MemoryStream();
                await request.Body.CopyToAsync(buffer, context.RequestAborted);
                if (!System.Text.Unicode.Utf8.IsValid(buffer.GetBuffer().AsSpan(0, (int)buffer.Length)))
                {
                    throw ApiException.BadRequest("invalid JSON: the body is not valid UTF-8");
                }

                buffer.Position = 0;
                using var document = await JsonDocument.ParseAsync(buffer, default, context.RequestAborted);
                return document.RootElement.ValueKind switch
                {
                    JsonValueKind.Object => new RequestBody(document.RootElement.Clone(), null, request.Query, structName),
                    JsonValueKind.Null => new RequestBody(JsonDocument.Parse("{}").RootElement.Clone(), null, request.Query, structName),
                    var kind => throw ApiException.BadRequest($"json: cannot unmarshal {GoKind(kind)} into Go value of type model.{structName}"),
                };
            }
            catch (JsonException e)
            {
                throw ApiException.BadRequest(e.Message.Contains("input does not contain any JSON tokens", StringComparison.Ordinal)
                    ? "EOF"
                    : $"invalid JSON: {FirstSentence(e.Message)} (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1})");
            }
        }

        IFormCollection? form = null;
        if (request.HasFormContentType)
        {
            try
            {
                form = await request.ReadFormAsync(context.RequestAborted);
            }
            catch (InvalidDataException e)
            {
                throw ApiException.BadRequest($"invalid form data: {e.Message}");
            }
            catch (IOException e) when (e is not EndOfStreamException)
            {
                throw ApiException.BadRequest($"invalid form data: {e.Message}");
            }
        }

        return new RequestBody(null, form, request.Query, structName);
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
                { ValueKind: JsonValueKind.Null } => null,
                { ValueKind: JsonValueKind.String } p => p.GetString(),
                { } p => throw TypeError(p, field, "string"),
            };
        }

        return FormValue(field);
    }

    /// <summary>A signed integer field; <see langword="null"/> when absent (distinct from an explicit 0).</summary>
    public int? GetInt(string field) => (int?)GetInteger(field, "int", int.MinValue, int.MaxValue);

    /// <summary>An unsigned integer field; <see langword="null"/> when absent.</summary>
    public long? GetUInt(string field) => GetInteger(field, "uint", 0, uint.MaxValue);

    public bool? GetBool(string field)
    {
        if (json is { } obj)
        {
            return Property(obj, field) switch
            {
                null or { ValueKind: JsonValueKind.Null } => null,
                { ValueKind: JsonValueKind.True } => true,
                { ValueKind: JsonValueKind.False } => false,
                { } p => throw TypeError(p, field, "bool"),
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

    /// <summary>A JSON object field (message extras); never read from forms, as in Gotify.</summary>
    public JsonElement? GetObject(string field)
    {
        if (json is not { } obj)
        {
            return null;
        }

        return Property(obj, field) switch
        {
            null or { ValueKind: JsonValueKind.Null } => null,
            { ValueKind: JsonValueKind.Object } p => p,
            { } p => throw TypeError(p, field, "map[string]interface {}"),
        };
    }

    public long? GetInteger(string field, string goType, long min, long max)
    {
        if (json is { } obj)
        {
            var p = Property(obj, field);
            if (p is null || p.Value.ValueKind == JsonValueKind.Null)
            {
                return null;
            }

            if (p.Value.ValueKind == JsonValueKind.Number && p.Value.TryGetInt64(out var n) && n >= min && n <= max)
            {
                return n;
            }

            if (p.Value.ValueKind == JsonValueKind.Number)
            {
                throw ApiException.BadRequest($"json: cannot unmarshal number {p.Value.GetRawText()} into Go struct field {structName}.{field} of type {goType}");
            }

            throw TypeError(p.Value, field, goType);
        }

        var text = FormValue(field);
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            throw ApiException.BadRequest($"strconv.Parse{(goType == "uint" ? "Uint" : "Int")}: parsing \"{text}\": invalid syntax");
        }

        if (value < min || value > max)
        {
            throw ApiException.BadRequest($"strconv.Parse{(goType == "uint" ? "Uint" : "Int")}: parsing \"{text}\": value out of range");
        }

        return value;
    }

    private string? FormValue(string field)
    {
        if (form is not null && form.TryGetValue(field, out var fromForm) && !StringValues.IsNullOrEmpty(fromForm))
        {
            return fromForm[0];
        }

        return query.TryGetValue(field, out var fromQuery) && !StringValues.IsNullOrEmpty(fromQuery) ? fromQuery[0] : null;
    }

    private static JsonElement? Property(JsonElement obj, string field)
    {
        if (obj.TryGetProperty(field, out var exact))
        {
            return exact;
        }

        foreach (var p in obj.EnumerateObject())
        {
            if (string.Equals(p.Name, field, StringComparison.OrdinalIgnoreCase))
            {
                return p.Value;
            }
        }

        return null;
    }

    private ApiException TypeError(JsonElement value, string field, string goType) =>
        ApiException.BadRequest($"json: cannot unmarshal {GoKind(value.ValueKind)} into Go struct field {structName}.{field} of type {goType}");

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
