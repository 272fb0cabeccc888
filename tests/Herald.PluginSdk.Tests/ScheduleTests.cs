using Herald.Samples.Reminder;

namespace Herald.PluginSdk.Tests;

/// <summary>The reminder sample's cron-like schedule (compiled in from samples/plugins/Reminder/Schedule.cs).</summary>
public sealed class ScheduleTests
{
    private static readonly DateTimeOffset Monday0830 = new(2026, 11, 23, 8, 30, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("0 9 * * 1-5", "2026-11-23T09:00:00+00:00")] // Weekdays at nine: the same Monday.
    [InlineData("*/15 * * * *", "2026-11-23T08:45:00+00:00")] // Every quarter hour: the next one.
    [InlineData("0 9 * * 0", "2026-11-29T09:00:00+00:00")] // Sundays only: six days later.
    [InlineData("30 8 1 1 *", "2027-01-01T08:30:00+00:00")] // Once a year, the time just passed: next year.
    [InlineData("@every 1h30m", "2026-11-23T10:00:00+00:00")] // A fixed interval from now.
    public void Next_FromMondayMorning_IsTheNextMatch(string schedule, string expected)
    {
        // Reminders must fire at the first matching time strictly after now, never now and never skipping one.
        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), Schedule.Parse(schedule).Next(Monday0830));
    }

    [Theory]
    [InlineData("* * * *")] // Four fields.
    [InlineData("60 * * * *")] // Minute out of range.
    [InlineData("@every 0s")] // No interval.
    [InlineData("@every 5x")] // Unknown unit.
    public void Parse_Invalid_Throws(string schedule)
    {
        // A bad schedule is refused when the config is saved, not discovered at run time.
        Assert.Throws<FormatException>(() => Schedule.Parse(schedule));
    }
}
