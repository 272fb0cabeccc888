namespace Herald.Server.Model;

/// <summary>A row of Gotify's <c>plugin_confs</c> table: one plugin instance of one user.</summary>
/// <param name="Config">The user's YAML exactly as last saved, comments included.</param>
/// <param name="Storage">The instance's opaque storage blob.</param>
public sealed record PluginConf(
    long Id,
    long UserId,
    string ModulePath,
    string Token,
    long ApplicationId,
    bool Enabled,
    DateTimeOffset? CreatedAt,
    byte[]? Config,
    byte[]? Storage);
