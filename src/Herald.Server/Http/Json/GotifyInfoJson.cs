using System.Text.Json.Serialization;

namespace Herald.Server.Http.Json;

// A JSON shape of Gotify's API, field for field (model/*.go json tags).

public sealed record GotifyInfoJson(
    [property: JsonPropertyName("version")] string Version,
    [property: JsonPropertyName("register")] bool Register,
    [property: JsonPropertyName("oidc")] bool Oidc);
