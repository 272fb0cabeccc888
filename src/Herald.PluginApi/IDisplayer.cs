namespace Herald.PluginApi;

/// <summary>A plugin that shows markdown on its page in the UI, typically the webhook URL and setup steps.</summary>
public interface IDisplayer : IPlugin
{
    /// <summary>Returns the markdown to show; called for <c>GET /plugin/{id}/display</c>, also while the instance is disabled.</summary>
    /// <param name="location">
    /// The public base URL of the server as the requesting client sees it (scheme, host and any reverse-proxy prefix,
    /// ending in <c>/</c>), e.g. <c>https://push.example.org/</c>; combine it with the webhook base path.
    /// <see langword="null"/> when unknown.
    /// </param>
    /// <param name="cancellationToken">Cancelled when the host gives up waiting.</param>
    /// <returns>Markdown text.</returns>
    Task<string> GetDisplayAsync(Uri? location, CancellationToken cancellationToken);
}
