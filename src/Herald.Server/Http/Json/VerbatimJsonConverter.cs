using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Herald.Server.Http.Json;

/// <summary>
/// Writes a JSON value (message extras) as its own UTF-8 text instead of re-serializing it. The serializer counts
/// every level it writes against <see cref="JsonSerializerOptions.MaxDepth"/> (64), and a page of messages adds three
/// levels above extras (page, array, message), so extras 62 levels deep, accepted by <c>POST /message</c>, made every
/// listing containing them a 500. Written verbatim, extras of any depth that was stored, by Herald or by Gotify
/// (whose decoder allows 10 000), list as they were stored. The text needs no re-validation: it comes from a parsed
/// <see cref="JsonElement"/>.
/// </summary>
internal sealed class VerbatimJsonConverter : JsonConverter<JsonElement?>
{
    public override JsonElement? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        JsonElement.ParseValue(ref reader);

    public override void Write(Utf8JsonWriter writer, JsonElement? value, JsonSerializerOptions options)
    {
        if (value is { } element)
        {
            writer.WriteRawValue(JsonMarshal.GetRawUtf8Value(element), skipInputValidation: true);
        }
        else
        {
            writer.WriteNullValue();
        }
    }
}
