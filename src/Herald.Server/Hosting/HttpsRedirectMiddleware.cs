using Herald.Server.Configuration;

namespace Herald.Server.Hosting;

/// <summary>With <c>ssl.redirecttohttps</c>: GET and HEAD over plain HTTP get a 302 to HTTPS, other methods 400 "Use HTTPS".</summary>
internal sealed class HttpsRedirectMiddleware
{
    private readonly RequestDelegate next;
    private readonly int httpsPort;

    public HttpsRedirectMiddleware(RequestDelegate next, HeraldSettings settings)
    {
        this.next = next;
        httpsPort = settings.Server.Ssl.Port;
    }

    public Task InvokeAsync(HttpContext context)
    {
        if (context.Request.IsHttps)
        {
            return next(context);
        }

        if (HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method))
        {
            var host = context.Request.Host.Host;
            var port = httpsPort == 443 ? string.Empty : ":" + httpsPort;
            context.Response.Redirect($"https://{host}{port}{context.Request.PathBase}{context.Request.Path}{context.Request.QueryString}");
            return Task.CompletedTask;
        }

        context.Response.StatusCode = StatusCodes.Status400BadRequest;
        context.Response.ContentType = "text/plain";
        return context.Response.WriteAsync("Use HTTPS");
    }
}
