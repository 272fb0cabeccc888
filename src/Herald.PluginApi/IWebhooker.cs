using Microsoft.AspNetCore.Http;

namespace Herald.PluginApi;

/// <summary>
/// A plugin that serves HTTP under <c>/plugin/{id}/custom/{token}/</c>. The token in the path is the only
/// authentication (as in Gotify); requests reach the handlers only while the instance is enabled, and get
/// 400 <c>plugin is disabled</c> otherwise.
/// </summary>
public interface IWebhooker : IPlugin
{
    /// <summary>Lets the instance add its routes; called once, before <see cref="IPlugin.EnableAsync"/>.</summary>
    /// <param name="basePath">The instance's prefix, e.g. <c>/plugin/5/custom/Pxxxx/</c> (with the trailing slash), to show in a display.</param>
    /// <param name="router">Registers handlers relative to <paramref name="basePath"/>.</param>
    void RegisterWebhook(string basePath, IWebhookRouter router);
}

/// <summary>Registers one instance's webhook handlers.</summary>
public interface IWebhookRouter
{
    /// <summary>
    /// Adds a handler. <paramref name="pattern"/> is relative to the instance's base path (<c>"echo"</c>,
    /// <c>"/slack/{appToken}"</c>); a <c>{name}</c> segment matches one path segment and <c>{*name}</c> the rest of
    /// the path, both available in <c>HttpContext.Request.RouteValues</c>.
    /// </summary>
    /// <param name="method">An HTTP method such as <c>GET</c> or <c>POST</c>, or <c>*</c> for any.</param>
    /// <param name="pattern">The relative route pattern.</param>
    /// <param name="handler">Writes the response; an exception becomes a 500 without details.</param>
    void Map(string method, string pattern, WebhookHandler handler);
}

/// <summary>Handles one webhook request.</summary>
/// <param name="context">The request and response; the plugin controls status, headers and body.</param>
/// <param name="cancellationToken">Cancelled when the client goes away or the host's timeout for the call runs out.</param>
/// <returns>A task that completes when the response is written.</returns>
public delegate Task WebhookHandler(HttpContext context, CancellationToken cancellationToken);
