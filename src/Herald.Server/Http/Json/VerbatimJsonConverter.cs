using System.Text.Json;
using System.Text.Json.Serialization;

namespace Herald.Server.Http.Json;

/// <summary>
/// Writes a JSON value (message extras) as its own UTF-8 text instead of re-serializing it. The serializer counts
/// every level it writes against <see cref="JsonSerializerOptions.MaxDepth"/> (64), and a page of messages adds three
/// levels above extras (page, array, message), so extras 62 levels deep, accepted by <c>POST /message</c>, made every
/// listing containing them a 500. Written verbatim, extras of any depth that was stored, by Herald or by Gotify
/// (whose decoder allows 10 000), list as they were stored. The text needs no re-validation:
/// <see cref="ExtrasJson.ForWire"/> read it whole.
/// </summary>
internal sealed class VerbatimJsonConverter : JsonConverter<ReadOnlyMemory<byte>?>
{
    public override ReadOnlyMemory<byte>? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        using var document = JsonDocument.ParseValue(ref reader);
        return System.Runtime.InteropServices.JsonMarshal.GetRawUtf8Value(document.RootElement).ToArray();
    }

    public override void Write(Utf8JsonWriter writer, ReadOnlyMemory<byte>? value, JsonSerializerOptions options)
    {
        if (value is { } json)
        {
            writer.WriteRawValue(json.Span, skipInputValidation: true);
        }
        else
        {
            writer.WriteNullValue();
        }
    }
}
