using System.Globalization;
using Herald.Server.Model;

namespace Herald.Server.Storage;

/// <summary>
/// Converts timestamps to and from the text form Gotify's SQLite driver writes
/// (<c>2006-01-02 15:04:05.999999999-07:00</c>), so that databases move between Gotify and Herald both ways.
/// </summary>
internal static class SqlTime
{
    private static readonly string[] Formats =
    [
        "yyyy-MM-dd HH:mm:ss.FFFFFFFzzz",
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz",
        "yyyy-MM-dd HH:mm:ss.FFFFFFF'Z'",
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'",
        "yyyy-MM-dd HH:mm:ss.FFFFFFF",
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF",
        "yyyy-MM-dd HH:mm",
        "yyyy-MM-dd'T'HH:mm",
        "yyyy-MM-dd",
    ];

    /// <summary>Formats a time as Gotify's driver does; fractional seconds are trimmed of trailing zeros.</summary>
    public static string Format(DateTimeOffset value) => GoTimeText.Format(value, ' ', utcAsZ: false);

    public static string? Format(DateTimeOffset? value) => value is { } v ? Format(v) : null;

    /// <summary>Reads a time column whatever form the engine or an older writer gave it.</summary>
    public static DateTimeOffset? Parse(object? value)
    {
        switch (value)
        {
            case null or DBNull:
                return null;
            case DateTimeOffset dto:
                return dto;
            case DateTime dt:
                return new DateTimeOffset(dt.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(dt, DateTimeKind.Utc) : dt);
            case long unix:
                return DateTimeOffset.FromUnixTimeSeconds(unix);
            case byte[] bytes:
                return Parse(System.Text.Encoding.UTF8.GetString(bytes));
            case string s:
                return ParseText(s);
            default:
                return ParseText(Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty);
        }
    }

    private static DateTimeOffset? ParseText(string text)
    {
        var s = text.Trim();
        if (s.Length == 0)
        {
            return null;
        }

        // Go writes up to nine fractional digits; .NET parses at most seven.
        var dot = s.IndexOf('.', StringComparison.Ordinal);
        if (dot > 0)
        {
            var end = dot + 1;
            while (end < s.Length && char.IsAsciiDigit(s[end]))
            {
                end++;
            }

            if (end - dot - 1 > 7)
            {
                s = string.Concat(s.AsSpan(0, dot + 8), s.AsSpan(end));
            }
        }

        // Go's "m=+0.000" monotonic suffix and " +0000 UTC" forms occasionally end up in text columns.
        var monotonic = s.IndexOf(" m=", StringComparison.Ordinal);
        if (monotonic > 0)
        {
            s = s[..monotonic];
        }

        if (DateTimeOffset.TryParseExact(s, Formats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
        {
            return parsed;
        }

        if (DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out parsed))
        {
            return parsed;
        }

        return null;
    }
}
