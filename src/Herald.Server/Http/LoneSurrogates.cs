namespace Herald.Server.Http;

/// <summary>
/// Go's answer to a <c>\uD800</c>-style escape that is not half of a surrogate pair: its JSON decoder stores U+FFFD
/// (<c>encoding/json</c> <c>unquote</c>), so Gotify accepts such strings in every field, extras included.
/// System.Text.Json parses them but throws when the string is read or re-written, which made each of them a 500.
/// Rewriting the escape in the raw body, before parsing, gives every reader (fields, extras, keys) Go's result at once.
/// </summary>
internal static class LoneSurrogates
{
    /// <summary>
    /// Rewrites, in place, every <c>\uXXXX</c> escape inside a JSON string that is a high surrogate not followed by a
    /// low-surrogate escape, or a low surrogate not preceded by a high one, to <c>\ufffd</c> (same length, so error
    /// positions stay right). Like Go, a high surrogate followed by another high one loses only the first. Bytes
    /// outside strings are skipped; a malformed document stays malformed for the parser to report.
    /// </summary>
    public static void Replace(Span<byte> json)
    {
        if (json.IndexOf("\\u"u8) < 0)
        {
            return;
        }

        var inString = false;
        var i = 0;
        while (i < json.Length)
        {
            var b = json[i];
            if (!inString)
            {
                inString = b == (byte)'"';
                i++;
            }
            else if (b == (byte)'"')
            {
                inString = false;
                i++;
            }
            else if (b != (byte)'\\')
            {
                i++;
            }
            else if (Escaped(json, i) is not { } unit)
            {
                // Any other escape (\" \\ \n …) or a malformed one: skip the backslash and the escaped byte.
                i += 2;
            }
            else if (char.IsHighSurrogate(unit) && Escaped(json, i + 6) is { } next && char.IsLowSurrogate(next))
            {
                i += 12;
            }
            else
            {
                if (char.IsSurrogate(unit))
                {
                    "fffd"u8.CopyTo(json[(i + 2)..]);
                }

                i += 6;
            }
        }
    }

    /// <summary>The UTF-16 unit of a <c>\uXXXX</c> escape at <paramref name="at"/>, or null when there is none.</summary>
    private static char? Escaped(ReadOnlySpan<byte> json, int at)
    {
        if (at + 6 > json.Length || json[at] != (byte)'\\' || json[at + 1] != (byte)'u')
        {
            return null;
        }

        var value = 0;
        foreach (var digit in json.Slice(at + 2, 4))
        {
            var nibble = digit switch
            {
                >= (byte)'0' and <= (byte)'9' => digit - '0',
                >= (byte)'a' and <= (byte)'f' => digit - 'a' + 10,
                >= (byte)'A' and <= (byte)'F' => digit - 'A' + 10,
                _ => -1,
            };
            if (nibble < 0)
            {
                return null;
            }

            value = (value << 4) | nibble;
        }

        return (char)value;
    }
}
