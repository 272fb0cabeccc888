using System.Text.Json;
using System.Text.Json.Serialization;

namespace Herald.Server.Http.Json;

/// <summary>
/// Writes a long string (a message's text and title) in pieces, so that no buffer the writer needs grows with the
/// string's length. The output is the same as <see cref="Utf8JsonWriter.WriteStringValue(string)"/>'s.
/// </summary>
/// <remarks>
/// Written whole, a string that needs escaping (any newline) is first escaped into a buffer rented from
/// <c>ArrayPool&lt;char&gt;.Shared</c> at up to six times its length, and the output needs room for three bytes per
/// character at once: for a 10 MB message a 128 MB and a 32 MB array that the shared pools keep after the answer is
/// written and trim only on gen-2 collections 30 to 60 s apart. Pieces of <see cref="PieceChars"/> characters keep
/// every such buffer under 64 KB; the writer carries a surrogate pair split between two pieces over to the next.
/// </remarks>
internal sealed class SegmentedStringConverter : JsonConverter<string>
{
    private const int PieceChars = 8 * 1024;

    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.GetString();

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options)
    {
        if (value.Length <= PieceChars)
        {
            writer.WriteStringValue(value);
            return;
        }

        var rest = value.AsSpan();
        while (rest.Length > PieceChars)
        {
            writer.WriteStringValueSegment(rest[..PieceChars], isFinalSegment: false);
            rest = rest[PieceChars..];
        }

        writer.WriteStringValueSegment(rest, isFinalSegment: true);
    }
}
