using System.Text.Json.Serialization;

namespace Herald.Server.Http.Json;

// A JSON shape of Gotify's API, field for field (model/*.go json tags).

public sealed record UserJson(
    [property: JsonPropertyName("id")] long Id,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("admin")] bool Admin,
    [property: JsonPropertyName("createdAt")] DateTimeOffset? CreatedAt);
