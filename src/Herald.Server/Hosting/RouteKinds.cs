namespace Herald.Server.Hosting;

/// <summary>
/// Which requests are "API" requests that get Gotify's JSON content type, configured response headers and CORS:
/// everything except plugin webhooks (plugins control their own headers), images, the stream and the web UI.
/// </summary>
internal static class RouteKinds
{
    public static bool IsApi(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "/";
        if (path.StartsWith("/image/", StringComparison.Ordinal) || path == "/stream")
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
