using Herald.Server.Hosting;

namespace Herald.Server.Tests.IdleMemory;

/// <summary>When an idle server gives memory back (<see cref="IdleTrimSchedule"/>), on a clock the test moves.</summary>
public sealed class IdleTrimScheduleTests
{
    private const long MB = 1024 * 1024;

    private readonly ManualClock clock = new();
    private long allocated = 500 * MB;

    private IdleTrimSchedule NewSchedule() => new(clock, allocated);

    /// <summary>One sample period later, with <paramref name="bytes"/> allocated during it.</summary>
    private IdleTrim Second(IdleTrimSchedule schedule, long bytes = 0)
    {
        clock.Advance(IdleTrimSchedule.SamplePeriod);
        allocated += bytes;
        return schedule.Observe(allocated);
    }

    // Invariant: after a burst of allocation the trim comes once the process has been quiet for QuietFor, not before.
    [Fact]
    public void Observe_QuietAfterBurst_TrimsOnceQuietLongEnough()
    {
        var schedule = NewSchedule();
        Assert.Equal(IdleTrim.None, Second(schedule, 40 * MB));
        Assert.Equal(IdleTrim.None, Second(schedule));
        Assert.Equal(IdleTrim.AfterBurst, Second(schedule));
    }

    // Invariant: a server that allocates only a little (pings, an occasional small request) is never trimmed.
    [Fact]
    public void Observe_OnlySmallAllocations_NeverTrims()
    {
        var schedule = NewSchedule();
        for (var i = 0; i < 60; i++)
        {
            Assert.Equal(IdleTrim.None, Second(schedule, 100 * 1024));
        }
    }

    // Invariant: no trim while the server is busy, however much it allocated.
    [Fact]
    public void Observe_StillBusy_DoesNotTrim()
    {
        var schedule = NewSchedule();
        for (var i = 0; i < 30; i++)
        {
            Assert.Equal(IdleTrim.None, Second(schedule, 50 * MB));
        }
    }

    // Invariant: activity during the quiet wait starts it again; the trim comes QuietFor after the last activity.
    [Fact]
    public void Observe_ActivityDuringQuietWait_RestartsTheWait()
    {
        var schedule = NewSchedule();
        Second(schedule, 40 * MB);
        Assert.Equal(IdleTrim.None, Second(schedule));
        Assert.Equal(IdleTrim.None, Second(schedule, 2 * MB));
        Assert.Equal(IdleTrim.None, Second(schedule));
        Assert.Equal(IdleTrim.AfterBurst, Second(schedule));
    }

    // Invariant: after a burst's trim, while the server stays quiet, a few follow-up trims come FollowUpInterval
    // apart (for the pools that release only on later collections), and then no more until the next burst.
    [Fact]
    public void Observe_StaysQuietAfterTrim_FollowUpsThenNothing()
    {
        var schedule = NewSchedule();
        Second(schedule, 40 * MB);
        Second(schedule);
        Assert.Equal(IdleTrim.AfterBurst, Second(schedule));
        schedule.Trimmed(IdleTrim.AfterBurst, allocated);

        var seen = new List<(IdleTrim Trim, int Second)>();
        for (var s = 1; s <= 300; s++)
        {
            var trim = Second(schedule, 1024);
            if (trim != IdleTrim.None)
            {
                seen.Add((trim, s));
                schedule.Trimmed(trim, allocated);
            }
        }

        var interval = (int)IdleTrimSchedule.FollowUpInterval.TotalSeconds;
        Assert.Equal(Enumerable.Range(1, IdleTrimSchedule.FollowUps).Select(n => (IdleTrim.FollowUp, n * interval)), seen);
    }

    // Invariant: the next burst after the follow-ups trims again; what the trim allocated itself does not count.
    [Fact]
    public void Observe_SecondBurst_TrimsAgain()
    {
        var schedule = NewSchedule();
        Second(schedule, 40 * MB);
        Second(schedule);
        Assert.Equal(IdleTrim.AfterBurst, Second(schedule));
        allocated += 3 * MB; // the trim's own allocation, between the sample and Trimmed
        schedule.Trimmed(IdleTrim.AfterBurst, allocated);
        Assert.Equal(IdleTrim.None, Second(schedule));

        Assert.Equal(IdleTrim.None, Second(schedule, 20 * MB));
        Assert.Equal(IdleTrim.None, Second(schedule));
        Assert.Equal(IdleTrim.AfterBurst, Second(schedule));
    }

    /// <summary>A clock that moves only when told to.</summary>
    private sealed class ManualClock : TimeProvider
    {
        private long ticks = 1_000_000;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => ticks;

        public override DateTimeOffset GetUtcNow() => new DateTimeOffset(2026, 12, 2, 0, 0, 0, TimeSpan.Zero).AddTicks(ticks);

        public void Advance(TimeSpan by) => ticks += by.Ticks;
    }
}
