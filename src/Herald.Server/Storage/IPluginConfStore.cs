using Herald.Server.Model;

namespace Herald.Server.Storage;

/// <summary>The <c>plugin_confs</c> table: one row per (user, plugin module path).</summary>
public interface IPluginConfStore
{
    Task<IReadOnlyList<PluginConf>> GetPluginConfsByUserAsync(long userId, CancellationToken cancellationToken);

    Task<PluginConf?> GetPluginConfByIdAsync(long id, CancellationToken cancellationToken);

    Task<PluginConf?> GetPluginConfByTokenAsync(string token, CancellationToken cancellationToken);

    Task<PluginConf?> GetPluginConfAsync(long userId, string modulePath, CancellationToken cancellationToken);

    /// <exception cref="DuplicateKeyException">The token is taken.</exception>
    Task<PluginConf> CreatePluginConfAsync(PluginConf conf, CancellationToken cancellationToken);

    Task UpdatePluginConfAsync(PluginConf conf, CancellationToken cancellationToken);
}
