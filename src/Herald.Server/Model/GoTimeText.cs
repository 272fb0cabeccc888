using System.Globalization;

namespace Herald.Server.Model;

/// <summary>
/// Writes a time the way Go prints <c>time.Time</c> with fractional seconds trimmed of trailing zeros
/// (<c>2006-01-02T15:04:05.999999999-07:00</c>): the form of Gotify's JSON and of its SQLite text columns.
/// Built on the round-trip "O" format, which .NET writes without parsing a pattern; every message is stored and
/// answered with two of these, so a custom format string was a visible part of ingest.
/// </summary>
internal static class GoTimeText
{
    // "O" of a DateTimeOffset: yyyy-MM-ddTHH:mm:ss.fffffff+hh:mm, always 33 characters.
    private const int RoundTripLength = 33;
    private const int FractionStart = 20;
    private const int OffsetStart = 27;

    /// <param name="value">The time, printed in its own offset.</param>
    /// <param name="separator"><c>'T'</c> for JSON, <c>' '</c> for the database's text form.</param>
    /// <param name="utcAsZ">Write <c>Z</c> instead of <c>+00:00</c> for a zero offset, as Go's JSON does.</param>
    public static string Format(DateTimeOffset value, char separator, bool utcAsZ)
    {
        Span<char> text = stackalloc char[RoundTripLength];
        if (!value.TryFormat(text, out var written, "O", CultureInfo.InvariantCulture) || written != RoundTripLength)
        {
            throw new FormatException($"unexpected round-trip form of {value.UtcTicks} ticks");
        }

        text[10] = separator;
        var end = OffsetStart;
        while (end > FractionStart && text[end - 1] == '0')
        {
            end--;
        }

        if (end == FractionStart)
        {
            end--; // no fraction left: drop the dot too
        }

        return utcAsZ && value.Offset == TimeSpan.Zero
            ? string.Concat(text[..end], "Z")
            : string.Concat(text[..end], text[OffsetStart..]);
    }
}
