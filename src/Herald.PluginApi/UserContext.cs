namespace Herald.PluginApi;

/// <summary>The user a plugin instance belongs to (Gotify's <c>plugin.UserContext</c>).</summary>
/// <param name="Id">The user's id; stable for the user's lifetime.</param>
/// <param name="Name">The user's login name at the time the instance was created.</param>
/// <param name="Admin">Whether the user is an administrator.</param>
public sealed record UserContext(long Id, string Name, bool Admin);
