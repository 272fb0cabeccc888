using System.Text.RegularExpressions;
using Herald.Server.Configuration;

namespace Herald.Server.Hosting;

/// <summary>
/// Gotify's CORS rules for API routes: same-origin and origin-less requests pass untouched; another origin must
/// match a <c>cors.alloworigins</c> regex (unanchored, on the lowercased origin) or, when none is set, the
/// <c>Access-Control-Allow-Origin</c> response header (<c>*</c> allows all). Others get a bare 403.
/// </summary>
internal sealed class CorsMiddleware
{
    private readonly RequestDelegate next;
    private readonly HeraldSettings settings;
    private readonly Regex[] patterns;

    public CorsMiddleware(RequestDelegate next, HeraldSettings settings)
    {
        this.next = next;
        this.settings = settings;
        patterns = settings.Server.Cors.AllowOrigins.Select(p => new Regex(p, RegexOptions.None, TimeSpan.FromSeconds(1))).ToArray();
    }

    public Task InvokeAsync(HttpContext context)
    {
        var origin = context.Request.Headers.Origin.ToString();
        if (origin.Length == 0 || !RouteKinds.IsApi(context) || IsSameOrigin(context.Request, origin))
        {
            return next(context);
        }

        // A response header must be ASCII (Kestrel throws otherwise), and no browser sends another Origin.
        if (!IsAllowed(origin) || !IsPrintableAscii(origin))
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            return Task.CompletedTask;
        }

        var headers = context.Response.Headers;
        headers.AccessControlAllowOrigin = origin;
        headers.Vary = "Origin";
        if (HttpMethods.IsOptions(context.Request.Method) && context.Request.Headers.AccessControlRequestMethod.Count > 0)
        {
            headers.AccessControlAllowMethods = settings.Server.Cors.AllowMethods.Count > 0
                ? string.Join(",", settings.Server.Cors.AllowMethods)
                : "GET,POST,PUT,PATCH,DELETE,HEAD,OPTIONS";
            var allowHeaders = settings.Server.Cors.AllowHeaders.Count > 0
                ? string.Join(",", settings.Server.Cors.AllowHeaders)
                : context.Request.Headers.AccessControlRequestHeaders.ToString();
            if (IsPrintableAscii(allowHeaders))
            {
                headers.AccessControlAllowHeaders = allowHeaders;
            }

            headers.AccessControlMaxAge = "43200";
            context.Response.StatusCode = StatusCodes.Status204NoContent;
            return Task.CompletedTask;
        }

        return next(context);
    }

    private static bool IsPrintableAscii(string value) => !value.AsSpan().ContainsAnyExceptInRange(' ', '~');

    private static bool IsSameOrigin(HttpRequest request, string origin) =>
        string.Equals(origin, "http://" + request.Host.Value, StringComparison.OrdinalIgnoreCase)
        || string.Equals(origin, "https://" + request.Host.Value, StringComparison.OrdinalIgnoreCase);

    private bool IsAllowed(string origin)
    {
        if (patterns.Length > 0)
        {
            var lowered = origin.ToLowerInvariant();
            return patterns.Any(p => p.IsMatch(lowered));
        }

        if (settings.Server.ResponseHeaders.TryGetValue("Access-Control-Allow-Origin", out var allowed))
        {
            return allowed == "*" || string.Equals(allowed, origin, StringComparison.OrdinalIgnoreCase);
        }

        return false;
    }
}
