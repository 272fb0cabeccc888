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
/// server does not run. Here the bytes are copied once into an array of their own and checked by a reader that
/// allocates nothing.
/// </remarks>
internal static class ExtrasJson
{
    /// <summary>
    /// Go's decoder limit: Gotify stored nothing deeper, and what Herald stores is shallower (RequestBody.MaxDepth).
    /// The reader keeps one bit per level, so the depth costs no stack.
    /// </summary>
    private const int StoredDepth = 10_000;

    /// <summary>
    /// <paramref name="value"/> (one JSON object, already read whole by a reader with the body's depth limit) without
    /// the whitespace between tokens; strings, names and numbers stay exactly as the sender wrote them. Null for an
    /// empty object: Gotify stores no extras then.
    /// </summary>
    /// <remarks>
    /// Copying bytes instead of re-writing tokens keeps the shared pool out: <c>Utf8JsonWriter</c> rents a buffer of six
    /// times a string's length to escape it, and a 10 MB log line in extras left a 64 MB array in the pool.
    /// </remarks>
    public static byte[]? Compact(ReadOnlySpan<byte> value)
    {
        var output = GC.AllocateUninitializedArray<byte>(value.Length);
        var length = 0;
        var inString = false;
        var escaped = false;
        foreach (var b in value)
        {
            if (inString)
            {
                output[length++] = b;
                if (escaped)
                {
                    escaped = false;
                }
                else if (b == (byte)'\\')
                {
                    escaped = true;
                }
                else if (b == (byte)'"')
                {
                    inString = false;
                }
            }
            else if (b is not ((byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r'))
            {
                output[length++] = b;
                inString = b == (byte)'"';
            }
        }

        var compact = output.AsSpan(0, length);
        return compact.SequenceEqual("{}"u8) ? null : length == output.Length ? output : compact.ToArray();
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
}
