namespace Herald.Server.Hosting;

/// <summary>
/// Gin's path handling, which clients rely on: duplicate slashes collapse, and a trailing slash redirects to the
/// path without it (301 for GET, 307 otherwise so the body is sent again). Plugin webhooks are left alone.
/// </summary>
internal sealed class PathNormalizationMiddleware
{
    private readonly RequestDelegate next;

    public PathNormalizationMiddleware(RequestDelegate next)
    {
        this.next = next;
    }

    public Task InvokeAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "/";
        if (path.Contains("//", StringComparison.Ordinal))
        {
            while (path.Contains("//", StringComparison.Ordinal))
            {
                path = path.Replace("//", "/", StringComparison.Ordinal);
            }

            context.Request.Path = path;
        }

        if (path.Length > 1 && path.EndsWith('/') && !RouteKinds.IsPluginWebhook(path))
        {
            // Re-escaped: the decoded path may hold characters (é, %) that a Location header cannot carry as they are.
            var target = new PathString(path.TrimEnd('/')).ToUriComponent() + context.Request.QueryString;
            context.Response.StatusCode = HttpMethods.IsGet(context.Request.Method) ? StatusCodes.Status301MovedPermanently : StatusCodes.Status307TemporaryRedirect;
            context.Response.Headers.Location = target;
            return Task.CompletedTask;
        }

        return next(context);
    }
}
