using Herald.PluginApi;

namespace Herald.PluginTesting;

/// <summary>An in-memory <see cref="IStorageHandler"/>: the blob the server would keep in <c>plugin_confs.storage</c>.</summary>
public sealed class FakeStorageHandler : IStorageHandler
{
    private readonly Lock gate = new();
    private byte[] data;

    /// <summary>Creates the handler holding <paramref name="initial"/> (empty when null).</summary>
    /// <param name="initial">The blob a previous run left.</param>
    public FakeStorageHandler(byte[]? initial = null) => data = initial?.ToArray() ?? [];

    /// <summary>The current blob (a copy).</summary>
    public byte[] Data
    {
        get
        {
            lock (gate)
            {
                return data.ToArray();
            }
        }
    }

    /// <summary>How many times the plugin saved.</summary>
    public int SaveCount { get; private set; }

    /// <inheritdoc />
    public Task SaveAsync(byte[] data, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(data);
        cancellationToken.ThrowIfCancellationRequested();
        lock (gate)
        {
            this.data = data.ToArray();
            SaveCount++;
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<byte[]> LoadAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(Data);
    }
}
