using System.Diagnostics;
using System.Runtime;

namespace Herald.Server.Hosting;

/// <summary>
/// Gives memory back when the server goes idle after a burst of allocation (<see cref="IdleTrimSchedule"/>): one full
/// compacting collection, the large object heap included, then the C heap's free memory to the operating system.
/// </summary>
/// <remarks>
/// Herald runs workstation, non-concurrent collections to stay small, but a collection only happens when allocation
/// asks for one, so an idle server kept what its last busy minute left. Measured on the 2-core machine (VmRSS, idle
/// 70 MB): five 10 MB message bodies left 233 MB, and 530 MB when the messages were also listed; the benchmark
/// (bench/README.md) saw 558 MB idle after its five bodies and 610 MB after its ingest run (75 MB idle at start),
/// 88 and 101 MB with this trim and the pool-free readers and writers. A trim takes 15 to 130 ms, most of it the
/// second collection and <c>malloc_trim</c> walking the arenas.
/// </remarks>
internal sealed class IdleMemoryTrimmer(TimeProvider time, ILogger<IdleMemoryTrimmer> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var schedule = new IdleTrimSchedule(time, GC.GetTotalAllocatedBytes());
        using var timer = new PeriodicTimer(IdleTrimSchedule.SamplePeriod, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                var trim = schedule.Observe(GC.GetTotalAllocatedBytes());
                if (trim != IdleTrim.None)
                {
                    Trim(trim);
                    schedule.Trimmed(trim, GC.GetTotalAllocatedBytes());
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void Trim(IdleTrim trim)
    {
        var started = Stopwatch.GetTimestamp();
        var rssBefore = Environment.WorkingSet;
        var committedBefore = GC.GetGCMemoryInfo().TotalCommittedBytes;
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);

        // The collection queues the shared array pools' trim callbacks; what they drop is collected by the second pass.
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        var native = NativeHeap.Trim();
        logger.LogDebug(
            "Memory trim ({Trim}): resident {RssBeforeMb} -> {RssAfterMb} MB, GC committed {CommittedBeforeMb} -> {CommittedAfterMb} MB, C heap trimmed {NativeTrimmed}, {ElapsedMs} ms",
            trim,
            rssBefore / (1024 * 1024),
            Environment.WorkingSet / (1024 * 1024),
            committedBefore / (1024 * 1024),
            GC.GetGCMemoryInfo().TotalCommittedBytes / (1024 * 1024),
            native,
            (int)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }
}
