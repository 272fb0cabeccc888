using System.Text.Json;
using System.Text.Json.Serialization;

namespace Herald.Server.Http.Json;

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
