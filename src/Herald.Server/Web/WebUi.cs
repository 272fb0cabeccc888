using System.Collections.Frozen;
using Microsoft.Net.Http.Headers;
using Herald.Server.Http;

namespace Herald.Server.Web;

/// <summary>
/// Serves the web UI: a static single-page app (plain ES modules and CSS, no build step) embedded in the server
/// assembly under <c>Web/assets/</c>. <c>/</c> and <c>/index.html</c> give the page, <c>/static/…</c> its files,
/// as in Gotify (whose API returns <c>static/defaultapp.png</c> as the default application image). Nothing is loaded
/// or kept in memory until a browser asks: the resources stay in the mapped assembly image and are streamed from it.
/// </summary>
public static class WebUi
{
    private const string ResourcePrefix = "herald-ui/";

    /// <summary>
    /// The page's policy: everything from this server only (scripts, styles, fonts, API calls, the stream socket),
    /// except images, which messages may link from anywhere (markdown images, <c>client::notification.bigImageUrl</c>).
    /// </summary>
    private const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob: http: https:; " +
        "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    private static readonly Lazy<FrozenDictionary<string, string>> Resources = new(LoadResourceNames);

    // Deterministic builds derive the module version id from the content, embedded files included, so it changes
    // exactly when any file of the UI (or the server) changes: a free, correct validator for every file.
    private static readonly string ETag = "\"" + typeof(WebUi).Assembly.ManifestModule.ModuleVersionId.ToString("N") + "\"";

    /// <summary>Maps <c>GET|HEAD /</c>, <c>/index.html</c> and <c>/static/{**file}</c>; none collides with an API route.</summary>
    public static void Map(IEndpointRouteBuilder routes)
    {
        string[] methods = [HttpMethods.Get, HttpMethods.Head];
        routes.MapMethods("/", methods, context => ServeAsync(context, "index.html"));
        routes.MapMethods("/index.html", methods, context => ServeAsync(context, "index.html"));
        routes.MapMethods("/static/{**file}", methods, context =>
            ServeAsync(context, "static/" + (context.Request.RouteValues["file"] as string ?? string.Empty)));
    }

    /// <summary>The paths (relative to <c>Web/assets/</c>) of every embedded UI file.</summary>
    internal static IEnumerable<string> Files => Resources.Value.Keys;

    private static async Task ServeAsync(HttpContext context, string path)
    {
        if (!Resources.Value.TryGetValue(path, out var resource))
        {
            throw ApiException.NotFound("page not found");
        }

        var response = context.Response;
        var headers = response.Headers;
        headers.ETag = ETag;
        headers.CacheControl = "no-cache";
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        if (path == "index.html")
        {
            headers.ContentSecurityPolicy = ContentSecurityPolicy;
            headers.XFrameOptions = "DENY";
        }

        if (context.Request.Headers.IfNoneMatch.Any(v => v is not null && v.Contains(ETag, StringComparison.Ordinal)))
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            return;
        }

        await using var stream = typeof(WebUi).Assembly.GetManifestResourceStream(resource)
            ?? throw ApiException.NotFound("page not found");
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = ContentType(path);
        response.ContentLength = stream.Length;
        if (!HttpMethods.IsHead(context.Request.Method))
        {
            await stream.CopyToAsync(response.Body, context.RequestAborted);
        }
    }

    private static string ContentType(string path) => Path.GetExtension(path) switch
    {
        ".html" => "text/html; charset=utf-8",
        ".js" or ".mjs" => "text/javascript; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        ".png" => "image/png",
        ".svg" => "image/svg+xml",
        ".webmanifest" => "application/manifest+json",
        ".txt" or ".md" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    };

    private static FrozenDictionary<string, string> LoadResourceNames() =>
        typeof(WebUi).Assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal))
            .ToFrozenDictionary(n => n[ResourcePrefix.Length..].Replace('\\', '/'), n => n, StringComparer.Ordinal);
}
