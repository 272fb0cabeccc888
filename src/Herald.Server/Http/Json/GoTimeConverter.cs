using Herald.Server.Model;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Herald.Server.Http.Json;

/// <summary>Writes times as Go's <c>time.Time</c> marshals them: RFC 3339, trimmed fraction, <c>Z</c> for UTC.</summary>
public sealed class GoTimeConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.GetDateTimeOffset();

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
        writer.WriteStringValue(Format(value));

    public static string Format(DateTimeOffset value) => GoTimeText.Format(value, 'T', utcAsZ: true);
}

/// <summary>As <see cref="GoTimeConverter"/>, writing <c>null</c> for a missing time.</summary>
public sealed class NullableGoTimeConverter : JsonConverter<DateTimeOffset?>
{
    public override bool HandleNull => true;

    public override DateTimeOffset? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.Null ? null : reader.GetDateTimeOffset();

    public override void Write(Utf8JsonWriter writer, DateTimeOffset? value, JsonSerializerOptions options)
    {
        if (value is { } v)
        {
            writer.WriteStringValue(GoTimeConverter.Format(v));
        }
        else
        {
            writer.WriteNullValue();
        }
    }
}
