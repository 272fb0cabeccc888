using System.Runtime.InteropServices;

namespace Herald.Server.Hosting;

/// <summary>Keeps the C heap (glibc's malloc, which SQLite uses) from holding on to memory it no longer uses.</summary>
/// <remarks>
/// Elsewhere (musl, macOS, Windows) there is nothing to call and nothing is done.
/// </remarks>
internal static class NativeHeap
{
    /// <summary><c>M_MMAP_THRESHOLD</c> in glibc's <c>malloc.h</c>.</summary>
    private const int MmapThresholdOption = -3;

    /// <summary>glibc's initial threshold: blocks from 128 KB up get pages of their own.</summary>
    private const int MmapThresholdBytes = 128 * 1024;

    /// <summary>
    /// Fixes the size from which <c>malloc</c> maps a block on its own, so that freeing it gives it back at once.
    /// </summary>
    /// <remarks>
    /// glibc raises that threshold to the size of every mapped block freed (up to 32 MB) and its trim threshold to
    /// twice that. After one 10 MB message, SQLite's 10 MB buffers for the next ones came from the writer thread's
    /// arena, and the 21 MB they left free at its top stayed resident: below the raised trim threshold, and
    /// <c>malloc_trim</c> does not release the top of a thread's arena. Setting the threshold turns the raising off.
    /// </remarks>
    public static void KeepLargeBlocksSeparate()
    {
        if (OperatingSystem.IsLinux())
        {
            Call(() => MallOpt(MmapThresholdOption, MmapThresholdBytes));
        }
    }

    /// <summary>
    /// Returns the free pages inside every arena to the operating system (<c>malloc_trim</c>); glibc by itself returns
    /// only what is free at the top of the main heap.
    /// </summary>
    public static bool Trim() => OperatingSystem.IsLinux() && Call(() => MallocTrim(0));

    private static bool Call(Func<int> function)
    {
        try
        {
            return function() != 0;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // Not glibc (musl has neither function).
            return false;
        }
    }

    [DllImport("libc.so.6", EntryPoint = "mallopt")]
    private static extern int MallOpt(int option, int value);

    [DllImport("libc.so.6", EntryPoint = "malloc_trim")]
    private static extern int MallocTrim(nuint pad);
}
