using System.Collections.Concurrent;
using System.Diagnostics;

namespace Herald.Server.Plugins.Invocation;

/// <summary>
/// The call slots of one loaded plugin: a plugin-wide limit, and under it a share per instance (per user), so that one
/// instance's traffic cannot take the slots its plugin's other users need.
/// </summary>
/// <remarks>
/// Why two limits: the plugin-wide one bounds what a plugin that hangs everywhere can hold (threads, memory) over all
/// its users; the per-instance share keeps that bound from being a shared resource strangers can exhaust. Anyone with
/// one user's webhook URL can send as many requests as they like, and each one that the plugin is slow to answer holds
/// a slot; with the plugin-wide limit alone, 64 of them left every other user's display, config and webhook calls of
/// the plugin waiting for a slot. With a share of a quarter of the plugin's slots, one instance can take at most that
/// quarter, and the others keep three quarters whatever it receives. A share rather than a reservation per instance
/// keeps it simple and costs nothing while instances are idle; starving the others needs four instances' webhooks
/// flooded at once and a plugin that is slow for every one of them. Calls with no user (the factory's constructor)
/// take only a plugin-wide slot.
/// </remarks>
internal sealed class CallSlots(int pluginLimit, int instanceLimit)
{
    private readonly SemaphoreSlim plugin = new(pluginLimit, pluginLimit);
    private readonly ConcurrentDictionary<long, SemaphoreSlim> instances = new();

    /// <summary>Calls into the plugin, over all its users, that may run at once.</summary>
    public int PluginLimit { get; } = pluginLimit;

    /// <summary>Calls into one instance (one user) that may run at once.</summary>
    public int InstanceLimit { get; } = Math.Min(instanceLimit, pluginLimit);

    /// <summary>
    /// Takes a slot of <paramref name="userId"/>'s share and one of the plugin's, waiting at most
    /// <paramref name="wait"/> for both together. Every successful enter is matched by one <see cref="Exit"/>.
    /// </summary>
    /// <returns>False when no slot came free in time (nothing is held then).</returns>
    public async ValueTask<bool> EnterAsync(long? userId, TimeSpan wait, CancellationToken cancellationToken)
    {
        var own = userId is { } id ? instances.GetOrAdd(id, static (_, limit) => new SemaphoreSlim(limit, limit), InstanceLimit) : null;
        var started = Stopwatch.GetTimestamp();
        if (own is not null && !own.Wait(0, CancellationToken.None) && !await own.WaitAsync(wait, cancellationToken))
        {
            return false;
        }

        try
        {
            if (plugin.Wait(0, CancellationToken.None))
            {
                return true;
            }

            var left = wait - Stopwatch.GetElapsedTime(started);
            if (await plugin.WaitAsync(left > TimeSpan.Zero ? left : TimeSpan.Zero, cancellationToken))
            {
                return true;
            }
        }
        catch
        {
            own?.Release();
            throw;
        }

        own?.Release();
        return false;
    }

    /// <summary>Gives back the slots of one successful <see cref="EnterAsync"/> for <paramref name="userId"/>.</summary>
    public void Exit(long? userId)
    {
        plugin.Release();
        if (userId is { } id)
        {
            instances[id].Release();
        }
    }
}
