using System.Text.Json.Serialization;
using Herald.Server.Http.Json;

namespace Herald.Server.Plugins.Http;

/// <summary>
/// An item of <c>GET /plugin</c>: Gotify's <c>PluginConfExternal</c> field for field, plus Herald's <c>version</c>,
/// <c>description</c> and load <c>status</c> with its sentence (Gotify clients ignore unknown fields).
/// </summary>
/// <param name="Status"><c>ok</c>, <c>faulted</c> (the instance was disabled or could not be created, see the message) or <c>failed</c> (the plugin did not load).</param>
/// <param name="StatusMessage">The sentence explaining a status other than <c>ok</c>; empty otherwise.</param>
internal sealed record PluginConfJson(
    [property: JsonPropertyName("id")] long Id,
    [property: JsonPropertyName("createdAt")] DateTimeOffset? CreatedAt,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("token")] string Token,
    [property: JsonPropertyName("modulePath")] string ModulePath,
    [property: JsonPropertyName("author"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Author,
    [property: JsonPropertyName("website"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Website,
    [property: JsonPropertyName("license"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? License,
    [property: JsonPropertyName("enabled")] bool Enabled,
    [property: JsonPropertyName("capabilities")] IReadOnlyList<string>? Capabilities,
    [property: JsonPropertyName("version")] string Version,
    [property: JsonPropertyName("description")] string Description,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("statusMessage")] string StatusMessage);

/// <summary>Source-generated serialization of the plugin API's JSON, with Go's time format like the rest of the API.</summary>
[JsonSourceGenerationOptions(Converters = [typeof(GoTimeConverter), typeof(NullableGoTimeConverter)])]
[JsonSerializable(typeof(IReadOnlyList<PluginConfJson>))]
[JsonSerializable(typeof(string))]
internal sealed partial class PluginJson : JsonSerializerContext;
