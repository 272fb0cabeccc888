using Herald.PluginApi;

namespace Herald.Server.Plugins.Instances;

/// <summary>An instance's <see cref="IStorageHandler"/>: the <c>storage</c> column of its <c>plugin_confs</c> row.</summary>
internal sealed class StorageHandler(long confId, PluginConfWriter confs) : IStorageHandler
{
    public async Task<byte[]> LoadAsync(CancellationToken cancellationToken) =>
        (await confs.ReadAsync(confId, cancellationToken))?.Storage ?? [];

    public Task SaveAsync(byte[] data, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(data);
        var copy = data.ToArray();
        return confs.UpdateAsync(confId, conf => conf with { Storage = copy }, cancellationToken);
    }
}
