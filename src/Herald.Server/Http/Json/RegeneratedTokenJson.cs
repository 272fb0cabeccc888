using System.Text.Json.Serialization;

namespace Herald.Server.Http.Json;

// A JSON shape of Gotify's API, field for field (model/*.go json tags).

public sealed record RegeneratedTokenJson([property: JsonPropertyName("token")] string Token);
