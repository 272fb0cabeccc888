namespace Herald.PluginApi;

/// <summary>A message a plugin sends (Gotify's <c>plugin.Message</c>).</summary>
public sealed class PluginMessage
{
    /// <summary>The message body; markdown when <c>Extras["client::display"]["contentType"]</c> is <c>text/markdown</c>.</summary>
    public required string Message { get; init; }

    /// <summary>The title; when blank the internal application's name is used, as for <c>POST /message</c>.</summary>
    public string? Title { get; init; }

    /// <summary>
    /// The priority; when <see langword="null"/> the internal application's default priority is used, as for
    /// <c>POST /message</c>. (Gotify sends 0 here, which the Android app shows without any notification.)
    /// </summary>
    public int? Priority { get; init; }

    /// <summary>
    /// Gotify's message extras, keys of the form <c>namespace::[subnamespace::]action</c>, e.g.
    /// <c>client::notification</c>. Values are serialized as JSON.
    /// </summary>
    public IReadOnlyDictionary<string, object?>? Extras { get; init; }
}
