using System.Text.Json;
using System.Text.Json.Serialization;

namespace Herald.Server.Api;

// The JSON shapes of Gotify's API, field for field (model/*.go json tags).

/// <summary>A message as clients receive it (REST and stream).</summary>
public sealed record MessageJson(
    [property: JsonPropertyName("id")] long Id,
    [property: JsonPropertyName("appid")] long AppId,
    [property: JsonPropertyName("message"), JsonConverter(typeof(SegmentedStringConverter))] string Message,
    [property: JsonPropertyName("title"), JsonConverter(typeof(SegmentedStringConverter))] string Title,
    [property: JsonPropertyName("priority")] long Priority,
    [property: JsonPropertyName("extras"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull), JsonConverter(typeof(VerbatimJsonConverter))] JsonElement? Extras,
    [property: JsonPropertyName("date")] DateTimeOffset Date);

public sealed record PagingJson(
    [property: JsonPropertyName("next"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Next,
    [property: JsonPropertyName("size")] int Size,
    [property: JsonPropertyName("since")] long Since,
    [property: JsonPropertyName("limit")] int Limit);

public sealed record PagedMessagesJson(
    [property: JsonPropertyName("paging")] PagingJson Paging,
    [property: JsonPropertyName("messages")] IReadOnlyList<MessageJson> Messages);

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

public sealed record ClientJson(
    [property: JsonPropertyName("id")] long Id,
    [property: JsonPropertyName("token"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Token,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("createdAt")] DateTimeOffset? CreatedAt,
    [property: JsonPropertyName("lastUsed")] DateTimeOffset? LastUsed,
    [property: JsonPropertyName("elevatedUntil"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DateTimeOffset? ElevatedUntil,
    [property: JsonPropertyName("expiresAfterInactivitySeconds")] long ExpiresAfterInactivitySeconds,
    [property: JsonPropertyName("expiresAt"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DateTimeOffset? ExpiresAt);

public sealed record UserJson(
    [property: JsonPropertyName("id")] long Id,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("admin")] bool Admin,
    [property: JsonPropertyName("createdAt")] DateTimeOffset? CreatedAt);

public sealed record CurrentUserJson(
    [property: JsonPropertyName("id")] long Id,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("admin")] bool Admin,
    [property: JsonPropertyName("createdAt")] DateTimeOffset? CreatedAt,
    [property: JsonPropertyName("clientId"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? ClientId,
    [property: JsonPropertyName("elevatedUntil"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DateTimeOffset? ElevatedUntil);

public sealed record VersionJson(
    [property: JsonPropertyName("version")] string Version,
    [property: JsonPropertyName("commit")] string Commit,
    [property: JsonPropertyName("buildDate")] string BuildDate);

public sealed record GotifyInfoJson(
    [property: JsonPropertyName("version")] string Version,
    [property: JsonPropertyName("register")] bool Register,
    [property: JsonPropertyName("oidc")] bool Oidc);

public sealed record HealthJson(
    [property: JsonPropertyName("health")] string Health,
    [property: JsonPropertyName("database")] string Database);

public sealed record RegeneratedTokenJson([property: JsonPropertyName("token")] string Token);

public sealed record SecurityUpdateResponseJson(
    [property: JsonPropertyName("regenerateToken"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] RegeneratedTokenJson? RegenerateToken);

/// <summary>Source-generated serialization for every API shape, with Go's RFC 3339 time format.</summary>
[JsonSourceGenerationOptions(Converters = [typeof(GoTimeConverter), typeof(NullableGoTimeConverter)])]
[JsonSerializable(typeof(ErrorResponse))]
[JsonSerializable(typeof(MessageJson))]
[JsonSerializable(typeof(PagedMessagesJson))]
[JsonSerializable(typeof(ApplicationJson))]
[JsonSerializable(typeof(IReadOnlyList<ApplicationJson>))]
[JsonSerializable(typeof(ClientJson))]
[JsonSerializable(typeof(IReadOnlyList<ClientJson>))]
[JsonSerializable(typeof(UserJson))]
[JsonSerializable(typeof(IReadOnlyList<UserJson>))]
[JsonSerializable(typeof(CurrentUserJson))]
[JsonSerializable(typeof(VersionJson))]
[JsonSerializable(typeof(GotifyInfoJson))]
[JsonSerializable(typeof(HealthJson))]
[JsonSerializable(typeof(SecurityUpdateResponseJson))]
[JsonSerializable(typeof(string))]
public sealed partial class HeraldJson : JsonSerializerContext;

/// <summary>The serializer instance the API uses.</summary>
public sealed partial class HeraldJson
{
    /// <summary>
    /// Like <see cref="Default"/>, but without escaping quotes and ampersands as <c>\u0027</c>/<c>\u0026</c>, so bodies
    /// read naturally; any JSON parser reads both.
    /// </summary>
    public static HeraldJson Api { get; } = new(new JsonSerializerOptions
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new GoTimeConverter(), new NullableGoTimeConverter() },
    });
}
