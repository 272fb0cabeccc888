namespace Herald.Server.Hosting;

/// <summary>Why <see cref="IdleTrimSchedule.Observe"/> asks for a trim.</summary>
internal enum IdleTrim
{
    /// <summary>No trim now.</summary>
    None,

    /// <summary>The process went quiet after allocating at least the burst size since the last trim.</summary>
    AfterBurst,

    /// <summary>
    /// Still quiet some time after a burst's trim: the shared array pools drop what they hold only on gen-2 collections
    /// 30 to 60 s apart, and what they drop is garbage only until the next collection.
    /// </summary>
    FollowUp,
}

/// <summary>
/// Decides when an idle server should give memory back: after a burst of allocation (large bodies, an ingest run)
/// once allocation has stayed near zero for a short while, and a few times more while it stays quiet. Pure: it sees
/// only the time and the process's total allocated bytes it is given at each sample.
/// </summary>
/// <remarks>
/// An idle server runs no collections, so whatever a burst left (garbage, a grown generation 0 budget, pooled arrays,
/// freed native memory) stayed resident: 233 MB after five 10 MB message bodies where the idle server had 70 MB.
/// Allocation rather than request counting tells idleness: open streams and their pings allocate next to nothing,
/// a request of any kind allocates, and it costs nothing on the request path.
/// </remarks>
internal sealed class IdleTrimSchedule
{
    /// <summary>How often the trimmer samples the allocation counter.</summary>
    public static readonly TimeSpan SamplePeriod = TimeSpan.FromSeconds(1);

    /// <summary>Allocation since the last trim that makes a trim worth its cost (a full compacting collection).</summary>
    public const long BurstBytes = 16L * 1024 * 1024;

    /// <summary>Below this allocation rate the process counts as quiet (idle Herald allocates a few KB per second).</summary>
    public const long QuietBytesPerSecond = 256 * 1024;

    /// <summary>How long the process must stay quiet before the trim after a burst.</summary>
    public static readonly TimeSpan QuietFor = TimeSpan.FromSeconds(2);

    /// <summary>Time between the follow-up trims after a burst's trim.</summary>
    public static readonly TimeSpan FollowUpInterval = TimeSpan.FromSeconds(30);

    /// <summary>Follow-ups after a burst's trim: enough for the pools' 30 and 60 s rules and their 15 s steps after.</summary>
    public const int FollowUps = 4;

    private readonly TimeProvider time;
    private long lastAllocated;
    private long lastSample;
    private long? quietSince;
    private long allocatedAtTrim;
    private long lastTrim;
    private int followUpsLeft;

    /// <param name="allocatedBytes">The process's total allocated bytes now; counting starts from here.</param>
    public IdleTrimSchedule(TimeProvider time, long allocatedBytes)
    {
        this.time = time;
        lastAllocated = allocatedBytes;
        allocatedAtTrim = allocatedBytes;
        lastSample = time.GetTimestamp();
    }

    /// <summary>Takes one sample of the process's total allocated bytes; says whether to trim now and why.</summary>
    public IdleTrim Observe(long allocatedBytes)
    {
        var now = time.GetTimestamp();
        var elapsed = time.GetElapsedTime(lastSample, now);
        var allocated = allocatedBytes - lastAllocated;
        var previous = lastSample;
        lastSample = now;
        lastAllocated = allocatedBytes;
        if (allocated > QuietBytesPerSecond * Math.Max(elapsed.TotalSeconds, 0))
        {
            quietSince = null;
            return IdleTrim.None;
        }

        quietSince ??= previous;
        if (time.GetElapsedTime(quietSince.Value, now) < QuietFor)
        {
            return IdleTrim.None;
        }

        if (allocatedBytes - allocatedAtTrim >= BurstBytes)
        {
            followUpsLeft = FollowUps;
            return IdleTrim.AfterBurst;
        }

        return followUpsLeft > 0 && time.GetElapsedTime(lastTrim, now) >= FollowUpInterval ? IdleTrim.FollowUp : IdleTrim.None;
    }

    /// <summary>Records a trim that <see cref="Observe"/> asked for, with the allocated bytes after it.</summary>
    public void Trimmed(IdleTrim trim, long allocatedBytes)
    {
        if (trim == IdleTrim.FollowUp)
        {
            followUpsLeft--;
        }

        allocatedAtTrim = allocatedBytes;
        lastAllocated = allocatedBytes;
        lastTrim = time.GetTimestamp();
        lastSample = lastTrim;
    }
}
