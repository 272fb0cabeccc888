using Herald.Server.Model;
using Herald.Server.Storage;

namespace Herald.Server.Plugins.Instances;

/// <summary>
/// Every write to <c>plugin_confs</c> from the plugin host: re-read, change one field, write, under one lock. Gotify
/// rewrites the whole row from whatever copy it holds, so a plugin saving storage during Enable could lose the
/// enabled flag (its #188); here no write can undo another.
/// </summary>
internal sealed class PluginConfWriter(IPluginConfStore store) : IDisposable
{
    private readonly SemaphoreSlim gate = new(1, 1);

    public Task<PluginConf?> ReadAsync(long id, CancellationToken cancellationToken) => store.GetPluginConfByIdAsync(id, cancellationToken);

    /// <summary>Applies <paramref name="change"/> to the current row; does nothing when the row is gone (user deleted).</summary>
    public async Task<PluginConf?> UpdateAsync(long id, Func<PluginConf, PluginConf> change, CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken);
        try
        {
            var current = await store.GetPluginConfByIdAsync(id, CancellationToken.None);
            if (current is null)
            {
                return null;
            }

            var updated = change(current);
            await store.UpdatePluginConfAsync(updated, CancellationToken.None);
            return updated;
        }
        finally
        {
            gate.Release();
        }
    }

    public void Dispose() => gate.Dispose();
}
