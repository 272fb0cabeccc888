using System.Reflection;
using System.Text.Json;

namespace Herald.Server.Plugins.Loading;

/// <summary>
/// Framework caches that keep plugin types alive after unloading. System.Text.Json's shared options
/// (<see cref="JsonSerializerOptions.Default"/>, used by every <c>JsonSerializer.Serialize(value)</c> without options)
/// cache metadata per type with strong references, so a plugin serializing its own types that way could never be
/// unloaded. The runtime clears these caches for hot reload through a metadata-update handler; the host calls the
/// same handler after each unload. The caches refill on demand.
/// </summary>
internal static class FrameworkCaches
{
    private static readonly MethodInfo? ClearJsonCaches = typeof(JsonSerializerOptions).Assembly
        .GetType("System.Text.Json.JsonSerializerOptionsUpdateHandler")
        ?.GetMethod("ClearCache", BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static);

    /// <summary>Clears the caches; a no-op when the framework changed and the handler is gone.</summary>
    public static void Clear()
    {
        try
        {
            ClearJsonCaches?.Invoke(null, [null]);
        }
        catch (TargetInvocationException)
        {
            // Best effort: at worst the old version stays in memory until restart, which the unload check reports.
        }
    }
}
