using System.Globalization;
using Herald.Server.Model;

namespace Herald.Server.Tests;

/// <summary>The fast time printer behind message JSON and the database's text columns.</summary>
public sealed class GoTimeTextTests
{
    // Invariant: the fast printer writes exactly what Go's layout (fraction trimmed of zeros, Z for UTC in JSON)
    // gives, for any instant and offset, so stored rows and JSON stay byte-identical to what Gotify writes.
    [Fact]
    public void Format_AnyTimeAndOffset_MatchesGoLayout()
    {
        var random = new Random(20261124);
        var offsets = new[] { TimeSpan.Zero, TimeSpan.FromHours(1), TimeSpan.FromHours(-7), TimeSpan.FromMinutes(330), TimeSpan.FromMinutes(-570), TimeSpan.FromHours(14) };
        var values = new List<DateTimeOffset>
        {
            new(2026, 11, 24, 8, 0, 0, TimeSpan.Zero),
            new(2026, 11, 24, 8, 0, 0, 100, TimeSpan.FromHours(2)),
            new(1, 1, 1, 0, 0, 0, TimeSpan.Zero),
            new(9999, 12, 31, 23, 59, 59, 999, TimeSpan.Zero),
            new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero).AddTicks(1),
            new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero).AddTicks(1_000_000),
        };
        for (var i = 0; i < 2000; i++)
        {
            var ticks = random.NextInt64(new DateTime(1971, 1, 1).Ticks, new DateTime(2200, 1, 1).Ticks);
            if (i % 3 == 0)
            {
                ticks -= ticks % TimeSpan.TicksPerMillisecond; // many trailing zeros
            }

            values.Add(new DateTimeOffset(ticks, offsets[i % offsets.Length]));
        }

        foreach (var value in values)
        {
            var json = value.Offset == TimeSpan.Zero
                ? value.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture)
                : value.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz", CultureInfo.InvariantCulture);
            var column = value.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFFzzz", CultureInfo.InvariantCulture);

            Assert.Equal(json, GoTimeText.Format(value, 'T', utcAsZ: true));
            Assert.Equal(column, GoTimeText.Format(value, ' ', utcAsZ: false));
        }
    }
}
