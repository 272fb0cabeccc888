using System.Text;
using System.Text.Json;

namespace Herald.Server.Http;

/// <summary>
/// One top-level field of a JSON body: strings already decoded, objects and arrays as their bytes in the body (read
/// whole once, so well-formed and within the depth limit), numbers and literals as their own element.
/// </summary>
internal readonly record struct JsonField(string Name, JsonValueKind Kind, string? Text, JsonElement Value, ReadOnlyMemory<byte> Raw = default);

/// <summary>
/// The top-level fields of a JSON object body, read without handing the body's size to the shared array pool.
/// </summary>
/// <remarks>
/// <para>
/// <c>JsonDocument.Parse</c> rents its token table from <c>ArrayPool&lt;byte&gt;.Shared</c> at the body's length, and
/// reading an escaped string rents another buffer at the string's length. The pool keeps what is returned (one array
/// per size bucket and thread, up to 32 more per bucket and core) and gives arrays back only on gen-2 collections
/// 30 to 60 s apart, which an idle server does not run: after five 10 MB message bodies the server stayed at 233 MB
/// resident (70 MB idle), 67 MB of it 16 and 32 MB arrays held by the pool.
/// </para>
/// <para>
/// So the object is walked with the reader itself: a string is decoded into an array of its own (garbage once read),
/// an object or array is skipped by the reader and kept as its slice of the body (extras go on to
/// <see cref="Json.ExtrasJson"/>, never to a pooled token table), and a number or literal becomes a
/// <see cref="JsonElement"/> of its own (no pooled table at that size). Syntax errors, depth limits and their
/// positions are the reader's, exactly as <c>JsonDocument.Parse</c> reported them.
/// </para>
/// </remarks>
internal static class JsonFields
{
    /// <summary>Up to this many bytes, an escaped string is unescaped on the stack by the reader itself.</summary>
    private const int StackUnescapeBytes = 256;

    /// <summary>
    /// The fields of <paramref name="body"/> in document order; an empty list for <c>null</c>.
    /// </summary>
    /// <param name="rootKind">The kind of the top-level value; the caller refuses anything but an object or null.</param>
    /// <exception cref="JsonException">The body is not one well-formed JSON value within <paramref name="maxDepth"/>.</exception>
    public static List<JsonField> Read(ReadOnlyMemory<byte> body, int maxDepth, out JsonValueKind rootKind)
    {
        var reader = new Utf8JsonReader(body.Span, new JsonReaderOptions { MaxDepth = maxDepth });
        reader.Read();
        var fields = new List<JsonField>();
        rootKind = KindOf(reader.TokenType);
        if (reader.TokenType == JsonTokenType.StartObject)
        {
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = DecodeString(ref reader);
                reader.Read();
                fields.Add(reader.TokenType switch
                {
                    JsonTokenType.String => new JsonField(name, JsonValueKind.String, DecodeString(ref reader), default),
                    JsonTokenType.StartObject or JsonTokenType.StartArray => Composite(name, ref reader, body),
                    _ => new JsonField(name, KindOf(reader.TokenType), null, JsonElement.ParseValue(ref reader)),
                });
            }
        }
        else
        {
            reader.Skip();
        }

        // Anything after the value but whitespace is the reader's own "invalid after a single JSON value".
        reader.Read();
        return fields;
    }

    private static JsonField Composite(string name, ref Utf8JsonReader reader, ReadOnlyMemory<byte> body)
    {
        var kind = KindOf(reader.TokenType);
        var start = (int)reader.TokenStartIndex;
        reader.Skip();
        return new JsonField(name, kind, null, default, body[start..(int)reader.BytesConsumed]);
    }

    private static string DecodeString(ref Utf8JsonReader reader)
    {
        if (!reader.ValueIsEscaped || reader.ValueSpan.Length <= StackUnescapeBytes)
        {
            return reader.GetString() ?? string.Empty;
        }

        // Unescaped text is never longer than its escaped form.
        var unescaped = GC.AllocateUninitializedArray<byte>(reader.ValueSpan.Length);
        var written = reader.CopyString(unescaped);
        return Encoding.UTF8.GetString(unescaped, 0, written);
    }

    private static JsonValueKind KindOf(JsonTokenType token) => token switch
    {
        JsonTokenType.StartObject => JsonValueKind.Object,
        JsonTokenType.StartArray => JsonValueKind.Array,
        JsonTokenType.String => JsonValueKind.String,
        JsonTokenType.Number => JsonValueKind.Number,
        JsonTokenType.True => JsonValueKind.True,
        JsonTokenType.False => JsonValueKind.False,
        _ => JsonValueKind.Null,
    };
}
