using System.Buffers;
using System.Text.Json;

namespace Herald.Server.Http.Json;

/// <summary>
/// Message extras as compact UTF-8 JSON from the request body to the database and back to every client, without a
/// <see cref="JsonDocument"/> on the way.
/// </summary>
/// <remarks>
/// A <see cref="JsonDocument"/> rents its token table from <c>ArrayPool&lt;byte&gt;.Shared</c> at the value's length,
/// and so does the serializer's output buffer: five messages with 10 MB of extras, posted and listed once, left the idle
/// server at 152 MB resident (75 MB idle, 2.04×), the pool keeping its 16 MB arrays until gen-2 collections that an idle
/// server does not run. Here the reader walks the bytes it was given and the writer grows an array of its own.
/// </remarks>
internal static class ExtrasJson
{
    /// <summary>Up to this many bytes, an escaped string is unescaped on the stack.</summary>
    private const int StackUnescapeBytes = 256;

    /// <summary>
    /// Go's decoder limit: Gotify stored nothing deeper, and what Herald stores is shallower (RequestBody.MaxDepth).
    /// The reader keeps one bit per level, so the depth costs no stack.
    /// </summary>
    private const int StoredDepth = 10_000;

    /// <summary>
    /// <paramref name="value"/> (one JSON object, already read once by a reader with the body's depth limit) written
    /// compactly, as <c>JsonSerializer.SerializeToUtf8Bytes</c> writes a parsed element: whitespace dropped, strings and
    /// names re-escaped by the default encoder, numbers as written. Null for an empty object: Gotify stores no extras then.
    /// </summary>
    public static byte[]? Compact(ReadOnlySpan<byte> value)
    {
        var reader = new Utf8JsonReader(value, new JsonReaderOptions { MaxDepth = StoredDepth });
        var buffer = new ArrayBufferWriter<byte>(Math.Min(Math.Max(value.Length, 16), 1 << 20));
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { SkipValidation = true }))
        {
            Span<byte> scratch = stackalloc byte[StackUnescapeBytes];
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject:
                        writer.WriteStartObject();
                        break;
                    case JsonTokenType.EndObject:
                        writer.WriteEndObject();
                        break;
                    case JsonTokenType.StartArray:
                        writer.WriteStartArray();
                        break;
                    case JsonTokenType.EndArray:
                        writer.WriteEndArray();
                        break;
                    case JsonTokenType.PropertyName or JsonTokenType.String:
                        WriteText(writer, ref reader, scratch);
                        break;
                    case JsonTokenType.Number:
                        writer.WriteRawValue(reader.ValueSpan, skipInputValidation: true);
                        break;
                    case JsonTokenType.True or JsonTokenType.False:
                        writer.WriteBooleanValue(reader.TokenType == JsonTokenType.True);
                        break;
                    default:
                        writer.WriteNullValue();
                        break;
                }
            }
        }

        var written = buffer.WrittenSpan;
        return written.SequenceEqual("{}"u8) ? null : written.ToArray();
    }

    /// <summary>
    /// Stored extras as clients receive them: the value itself when it is a JSON object with at least one member;
    /// null (the field omitted, as Gotify does) for nothing, an empty object, another kind of value or unreadable bytes.
    /// </summary>
    public static ReadOnlyMemory<byte>? ForWire(byte[]? stored)
    {
        if (stored is null || stored.Length == 0)
        {
            return null;
        }

        try
        {
            var reader = new Utf8JsonReader(stored, new JsonReaderOptions { MaxDepth = StoredDepth });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            var start = (int)reader.TokenStartIndex;
            if (!reader.Read() || reader.TokenType == JsonTokenType.EndObject)
            {
                return null;
            }

            // The first member's value, then the rest of the object; then nothing but whitespace may follow.
            reader.Read();
            reader.Skip();
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                reader.Read();
                reader.Skip();
            }

            var end = (int)reader.BytesConsumed;
            return reader.Read() ? null : stored.AsMemory(start, end - start);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>A property name or string value, unescaped for the writer to escape again with its encoder.</summary>
    private static void WriteText(Utf8JsonWriter writer, ref Utf8JsonReader reader, scoped Span<byte> scratch)
    {
        scoped ReadOnlySpan<byte> text = reader.ValueSpan;
        if (reader.ValueIsEscaped)
        {
            // Unescaped text is never longer than its escaped form.
            var destination = text.Length <= scratch.Length ? scratch : GC.AllocateUninitializedArray<byte>(text.Length);
            text = destination[..reader.CopyString(destination)];
        }

        if (reader.TokenType == JsonTokenType.PropertyName)
        {
            writer.WritePropertyName(text);
        }
        else
        {
            writer.WriteStringValue(text);
        }
    }
}
