using System.Globalization;

namespace Herald.Samples.Reminder;

/// <summary>
/// A cron-like schedule: five fields (minute hour day-of-month month day-of-week, each <c>*</c>, <c>*/n</c>, a number,
/// a range <c>a-b</c> or a list <c>a,b</c>; day-of-week 0 is Sunday) or <c>@every &lt;duration&gt;</c> with a duration
/// such as <c>90s</c>, <c>5m</c> or <c>1h30m</c>, as in Go's cron packages that Gotify plugins use.
/// </summary>
public sealed class Schedule
{
    private readonly TimeSpan? every;
    private readonly bool[][]? fields;

    private Schedule(TimeSpan? every, bool[][]? fields)
    {
        this.every = every;
        this.fields = fields;
    }

    /// <summary>Parses <paramref name="text"/>.</summary>
    /// <exception cref="FormatException">The schedule is not valid; the message says which part.</exception>
    public static Schedule Parse(string text)
    {
        var trimmed = text.Trim();
        if (trimmed.StartsWith("@every ", StringComparison.Ordinal))
        {
            var duration = ParseDuration(trimmed["@every ".Length..].Trim());
            return duration >= TimeSpan.FromSeconds(1) ? new Schedule(duration, null) : throw new FormatException($"'{text}': @every needs at least 1s");
        }

        var parts = trimmed.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 5)
        {
            throw new FormatException($"'{text}' must have five fields (minute hour day month weekday) or be '@every <duration>'");
        }

        (int Min, int Max)[] ranges = [(0, 59), (0, 23), (1, 31), (1, 12), (0, 6)];
        return new Schedule(null, parts.Select((p, i) => ParseField(p, ranges[i].Min, ranges[i].Max, text)).ToArray());
    }

    /// <summary>The first time strictly after <paramref name="after"/> (in its offset) that the schedule fires.</summary>
    public DateTimeOffset Next(DateTimeOffset after)
    {
        if (every is { } interval)
        {
            return after + interval;
        }

        // Minute resolution: start at the next whole minute and walk forward (at most four years of minutes).
        var t = new DateTimeOffset(after.Year, after.Month, after.Day, after.Hour, after.Minute, 0, after.Offset).AddMinutes(1);
        for (var i = 0; i < 4 * 366 * 24 * 60; i++, t = t.AddMinutes(1))
        {
            if (fields![3][t.Month] && fields[2][t.Day] && fields[4][(int)t.DayOfWeek] && fields[1][t.Hour] && fields[0][t.Minute])
            {
                return t;
            }
        }

        throw new InvalidOperationException("the schedule never fires");
    }

    private static bool[] ParseField(string field, int min, int max, string text)
    {
        var allowed = new bool[max + 1];
        foreach (var part in field.Split(','))
        {
            var step = 1;
            var range = part;
            var slash = part.IndexOf('/', StringComparison.Ordinal);
            if (slash >= 0)
            {
                step = int.TryParse(part[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var s) && s > 0 ? s : throw new FormatException($"'{text}': bad step in '{part}'");
                range = part[..slash];
            }

            int from, to;
            if (range == "*")
            {
                (from, to) = (min, max);
            }
            else if (range.Split('-') is [var a, var b])
            {
                (from, to) = (Number(a), Number(b));
            }
            else
            {
                from = Number(range);
                to = slash >= 0 ? max : from;
            }

            if (from < min || to > max || from > to)
            {
                throw new FormatException($"'{text}': '{part}' is outside {min}-{max}");
            }

            for (var v = from; v <= to; v += step)
            {
                allowed[v] = true;
            }
        }

        return allowed;

        int Number(string s) => int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : throw new FormatException($"'{text}': '{s}' is not a number");
    }

    private static TimeSpan ParseDuration(string text)
    {
        var total = TimeSpan.Zero;
        var number = 0;
        var digits = 0;
        foreach (var c in text)
        {
            if (char.IsAsciiDigit(c))
            {
                number = checked((number * 10) + (c - '0'));
                digits++;
                continue;
            }

            if (digits == 0)
            {
                throw new FormatException($"'{text}' is not a duration like 90s, 5m or 1h30m");
            }

            total += c switch
            {
                'h' => TimeSpan.FromHours(number),
                'm' => TimeSpan.FromMinutes(number),
                's' => TimeSpan.FromSeconds(number),
                _ => throw new FormatException($"'{text}': unknown unit '{c}' (use h, m or s)"),
            };
            number = 0;
            digits = 0;
        }

        return digits == 0 && total > TimeSpan.Zero ? total : throw new FormatException($"'{text}' is not a duration like 90s, 5m or 1h30m");
    }
}
