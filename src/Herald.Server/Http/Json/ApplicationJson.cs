using System.Text.Json.Serialization;

namespace Herald.Server.Http.Json;

// A JSON shape of Gotify's API, field for field (model/*.go json tags).

public sealed record ApplicationJson(
    [property: JsonPropertyName("id")] long Id,
    [property: JsonPropertyName("token"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Token,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("description")] string Description,
    [property: JsonPropertyName("internal")] bool Internal,
    [property: JsonPropertyName("image")] string Image,
    [property: JsonPropertyName("defaultPriority")] long DefaultPriority,
    [property: JsonPropertyName("createdAt")] DateTimeOffset? CreatedAt,
    [property: JsonPropertyName("lastUsed")] DateTimeOffset? LastUsed,
    [property: JsonPropertyName("sortKey")] string SortKey);
