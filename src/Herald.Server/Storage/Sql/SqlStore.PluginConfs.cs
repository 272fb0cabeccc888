using Herald.Server.Model;

namespace Herald.Server.Storage.Sql;

internal abstract partial class SqlStore
{
    public async Task<IReadOnlyList<PluginConf>> GetPluginConfsByUserAsync(long userId, CancellationToken cancellationToken) =>
        (await QueryAsync<PluginConfRow>($"SELECT {PluginConfRow.Columns} FROM plugin_confs WHERE user_id = @userId ORDER BY id", new { userId }, cancellationToken))
        .Select(r => r.ToModel(ReadTime)).ToList();

    public async Task<PluginConf?> GetPluginConfByIdAsync(long id, CancellationToken cancellationToken) =>
        (await QuerySingleAsync<PluginConfRow>($"SELECT {PluginConfRow.Columns} FROM plugin_confs WHERE id = @id", new { id }, cancellationToken))?.ToModel(ReadTime);

    public async Task<PluginConf?> GetPluginConfByTokenAsync(string token, CancellationToken cancellationToken) =>
        (await QuerySingleAsync<PluginConfRow>($"SELECT {PluginConfRow.Columns} FROM plugin_confs WHERE token = @token", new { token }, cancellationToken))?.ToModel(ReadTime);

    public async Task<PluginConf?> GetPluginConfAsync(long userId, string modulePath, CancellationToken cancellationToken) =>
        (await QuerySingleAsync<PluginConfRow>($"SELECT {PluginConfRow.Columns} FROM plugin_confs WHERE user_id = @userId AND module_path = @modulePath", new { userId, modulePath }, cancellationToken))?.ToModel(ReadTime);

    public async Task<PluginConf> CreatePluginConfAsync(PluginConf conf, CancellationToken cancellationToken)
    {
        var id = await InsertAsync(
            "INSERT INTO plugin_confs (user_id, module_path, token, application_id, enabled, created_at, config, storage) " +
            "VALUES (@UserId, @ModulePath, @Token, @ApplicationId, @Enabled, @CreatedAt, @Config, @Storage)",
            PluginConfParameters(conf),
            cancellationToken);
        return conf with { Id = id, CreatedAt = Stored(conf.CreatedAt) };
    }

    public Task UpdatePluginConfAsync(PluginConf conf, CancellationToken cancellationToken) =>
        ExecuteAsync(
            "UPDATE plugin_confs SET user_id = @UserId, module_path = @ModulePath, token = @Token, application_id = @ApplicationId, enabled = @Enabled, config = @Config, storage = @Storage WHERE id = @Id",
            PluginConfParameters(conf),
            cancellationToken);

    private object PluginConfParameters(PluginConf c) => new
    {
        c.Id,
        c.UserId,
        c.ModulePath,
        c.Token,
        c.ApplicationId,
        c.Enabled,
        CreatedAt = Time(c.CreatedAt),
        c.Config,
        c.Storage,
    };
}
