namespace Herald.Server.Hosting;

/// <summary>
/// Which requests are "API" requests that get Gotify's JSON content type, configured response headers and CORS.
/// Gotify registers some routes before those middlewares, so they get neither: plugin webhooks (plugins control
/// their own headers), the web UI (<c>/</c>, <c>/index.html</c>, <c>/static/…</c>), <c>/health</c> and images.
/// The stream answers with an upgrade, which carries none of them either. Unknown paths are API requests: their
/// 404 gets the headers, as Gotify's does.
/// </summary>
internal static class RouteKinds
{
    public static bool IsApi(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "/";
        if (path is "/" or "/index.html" or "/health" or "/stream"
            || path.StartsWith("/image/", StringComparison.Ordinal)
            || path.StartsWith("/static/", StringComparison.Ordinal))
        {
            return false;
        }

        return !IsPluginWebhook(path);
    }

    /// <summary><c>/plugin/{id}/custom/…</c></summary>
    public static bool IsPluginWebhook(string path)
    {
        if (!path.StartsWith("/plugin/", StringComparison.Ordinal))
        {
            return false;
        }

        var rest = path.AsSpan(8);
        var slash = rest.IndexOf('/');
        return slash > 0 && rest[(slash + 1)..].StartsWith("custom/", StringComparison.Ordinal);
    }
}
