namespace Herald.Server.Configuration;

/// <summary>One setting: its YAML path (Gotify 2.x), its environment variable (Gotify 3.x) and how to store a value.</summary>
internal sealed record SettingKey(string Path, SettingKind Kind, Action<HeraldSettings, object> Apply)
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
