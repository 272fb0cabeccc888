namespace Herald.Server.Configuration;

/// <summary>One setting: its YAML path (Gotify 2.x), its environment variable (Gotify 3.x) and how a value makes new settings.</summary>
internal sealed record SettingKey(string Path, SettingKind Kind, Func<HeraldSettings, object, HeraldSettings> Apply)
{
    /// <summary><c>server.stream.pingperiodseconds</c> becomes <c>GOTIFY_SERVER_STREAM_PINGPERIODSECONDS</c>.</summary>
    public string EnvironmentName { get; init; } = "GOTIFY_" + Path.Replace('.', '_').ToUpperInvariant();
}

internal enum SettingKind
{
    String,
    Int,
    Bool,
    List,
    Map,
}
