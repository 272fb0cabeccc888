using Herald.Server.Configuration;

namespace Herald.Server.Hosting;

/// <summary>Adds <c>server.responseheaders</c> to every API response, as Gotify does.</summary>
internal sealed class ResponseHeadersMiddleware
{
    private readonly RequestDelegate next;
    private readonly KeyValuePair<string, string>[] headers;

    public ResponseHeadersMiddleware(RequestDelegate next, HeraldSettings settings)
    {
        this.next = next;
        headers = settings.Server.ResponseHeaders.ToArray();
    }

    public Task InvokeAsync(HttpContext context)
    {
        if (headers.Length > 0 && RouteKinds.IsApi(context))
        {
            context.Response.OnStarting(() =>
            {
                foreach (var (name, value) in headers)
                {
                    context.Response.Headers[name] = value;
                }

                return Task.CompletedTask;
            });
        }

        return next(context);
    }
}
