using System.Text.Json.Serialization;

namespace Herald.Server.Http.Json;

// A JSON shape of Gotify's API, field for field (model/*.go json tags).

public sealed record SecurityUpdateResponseJson(
    [property: JsonPropertyName("regenerateToken"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] RegeneratedTokenJson? RegenerateToken);
