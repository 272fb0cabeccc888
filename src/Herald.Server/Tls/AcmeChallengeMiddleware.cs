namespace Herald.Server.Tls;

/// <summary>
/// Answers <c>GET /.well-known/acme-challenge/{token}</c> with the key authorization, like autocert's HTTP handler.
/// Runs before the HTTPS redirect: the CA validates over plain HTTP on port 80 and would not follow a redirect to a
/// certificate that does not exist yet.
/// </summary>
internal sealed class AcmeChallengeMiddleware
{
    private const string Prefix = "/.well-known/acme-challenge/";
    private readonly RequestDelegate next;
    private readonly Http01ChallengeStore challenges;

    public AcmeChallengeMiddleware(RequestDelegate next, Http01ChallengeStore challenges)
    {
        this.next = next;
        this.challenges = challenges;
    }

    public Task InvokeAsync(HttpContext context)
    {
        var path = context.Request.Path.Value;
        if (path is null || !path.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return next(context);
        }

        if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method))
        {
            return next(context);
        }

        if (!challenges.TryGet(path[Prefix.Length..], out var keyAuthorization))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        }

        context.Response.ContentType = "text/plain";
        return context.Response.WriteAsync(keyAuthorization, context.RequestAborted);
    }
}
