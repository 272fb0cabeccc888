using System.Text.Json.Serialization;

namespace Herald.Server.Http.Json;

// A JSON shape of Gotify's API, field for field (model/*.go json tags).

/// <summary>A message as clients receive it (REST and stream).</summary>
public sealed record MessageJson(
    [property: JsonPropertyName("id")] long Id,
    [property: JsonPropertyName("appid")] long AppId,
    [property: JsonPropertyName("message"), JsonConverter(typeof(SegmentedStringConverter))] string Message,
    [property: JsonPropertyName("title"), JsonConverter(typeof(SegmentedStringConverter))] string Title,
    [property: JsonPropertyName("priority")] long Priority,
    [property: JsonPropertyName("extras"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull), JsonConverter(typeof(VerbatimJsonConverter))] ReadOnlyMemory<byte>? Extras,
    [property: JsonPropertyName("date")] DateTimeOffset Date);
