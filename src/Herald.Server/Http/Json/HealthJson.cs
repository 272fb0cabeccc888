using System.Text.Json.Serialization;

namespace Herald.Server.Http.Json;

// A JSON shape of Gotify's API, field for field (model/*.go json tags).

public sealed record HealthJson(
    [property: JsonPropertyName("health")] string Health,
    [property: JsonPropertyName("database")] string Database);
