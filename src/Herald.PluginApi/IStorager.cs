namespace Herald.PluginApi;

/// <summary>A plugin that keeps state: one opaque byte blob per instance, stored in Gotify's <c>plugin_confs.storage</c>.</summary>
public interface IStorager : IPlugin
{
    /// <summary>Hands the instance its storage; called once, before <see cref="IPlugin.EnableAsync"/>.</summary>
    /// <param name="handler">Reads and writes the instance's blob.</param>
    void SetStorageHandler(IStorageHandler handler);
}

/// <summary>Reads and writes one plugin instance's blob. The plugin chooses the format (JSON is usual).</summary>
public interface IStorageHandler
{
    /// <summary>Replaces the blob. Writes are serialized with every other change of the instance's row, so saving during <see cref="IPlugin.EnableAsync"/> never loses the enabled flag (Gotify's #188).</summary>
    /// <param name="data">The new content.</param>
    /// <param name="cancellationToken">Stops waiting for the write.</param>
    /// <returns>A task that completes when the blob is stored.</returns>
    Task SaveAsync(byte[] data, CancellationToken cancellationToken);

    /// <summary>Reads the blob; an empty array when nothing was saved yet.</summary>
    /// <param name="cancellationToken">Stops waiting for the read.</param>
    /// <returns>The stored content.</returns>
    Task<byte[]> LoadAsync(CancellationToken cancellationToken);
}
