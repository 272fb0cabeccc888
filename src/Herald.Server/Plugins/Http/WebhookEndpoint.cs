using Herald.PluginHosting.Instances;
using Herald.Server.Auth;
using Herald.Server.Http;
using Herald.Server.Plugins.Instances;
using Herald.Server.Plugins.Invocation;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;

namespace Herald.Server.Plugins.Http;

/// <summary>
/// <c>/plugin/{id}/custom/{token}/…</c>: one host endpoint dispatching to the instance's own route table, so routes
/// come and go with instances and an unloaded plugin leaves nothing in ASP.NET's routing. As in Gotify the token alone
/// selects the instance (the id segment is not checked) and there is no other authentication; a disabled instance
/// answers 400 <c>plugin is disabled</c>.
/// </summary>
internal static class WebhookEndpoint
{
    /// <summary>
    /// Kestrel refusing the request body a webhook was reading (over server.maxbodybytes, too slow, malformed) is the
    /// client's failure, not the plugin's: the error middleware answers it in Gotify's format (413 …).
    /// </summary>
    private static readonly Func<Exception, bool> RefusedBody = static e => e is BadHttpRequestException;

    public static void Map(IEndpointRouteBuilder routes) =>
        routes.Map("/plugin/{id}/custom/{token}/{**rest}", DispatchAsync);

    private static async Task DispatchAsync(HttpContext context)
    {
        var plugins = context.Service<PluginManager>();
        var invoker = context.Service<PluginInvoker>();
        var token = context.Request.RouteValues["token"] as string ?? string.Empty;
        var instance = plugins.FindInstanceByToken(token) ?? throw ApiException.NotFound(PluginTexts.PageNotFound);
        if (!instance.Enabled)
        {
            throw ApiException.BadRequest(PluginTexts.Disabled);
        }

        var rest = context.Request.RouteValues["rest"] as string ?? string.Empty;
        var match = instance.Routes?.Match(context.Request.Method, rest, context.Request.RouteValues, out _)
            ?? throw ApiException.NotFound(PluginTexts.PageNotFound);
        await ReadWholeBodyAsync(context.Request, context.RequestAborted);
        try
        {
            await invoker.InvokeAsync(
                instance.Call($"webhook {context.Request.Method} {match.Pattern}", plugins.WebhookTimeout, offload: false) with { IsCallersFault = RefusedBody },
                ct => match.Handler(context, ct),
                context.RequestAborted);
        }
        catch (PluginCallException e) when (e.Failure == PluginCallFailure.Threw)
        {
            // No details: the plugin's exception text may carry secrets; it is in the log, attributed.
            if (context.Response.HasStarted)
            {
                context.Abort();
                return;
            }

            context.Response.Clear();
            context.Response.StatusCode = StatusCodes.Status500InternalServerError;
        }
        catch (PluginCallException e)
        {
            // The host's own sentence, in Gotify's format: 503 when no slot came free (nothing held against the plugin),
            // 500 and the instance disabled when the plugin did not finish.
            throw (await plugins.Calls.FailedAsync(instance, e, PluginRefusal.Failed)).ToApiException();
        }
    }

    /// <summary>
    /// Reads the whole request body before the plugin is called, so that the webhook's call slot and timeout measure
    /// the plugin, not the client: a client that sends its body slowly would otherwise hold a slot and run the plugin
    /// out of its timeout, and anyone holding a webhook URL could disable the instance that way. The plugin then reads
    /// the body from the buffer (<see cref="HttpRequest.Body"/> and <see cref="HttpRequest.BodyReader"/> both work).
    /// </summary>
    /// <remarks>
    /// The buffer is ASP.NET's own (the one MVC uses for <c>[FromBody]</c>): up to 30 KB in memory, beyond that in a
    /// temporary file (<c>ASPNETCORE_TEMP</c> or the system's temp folder) deleted with the request, so large bodies
    /// do not stay in the server's memory. Client slowness stays the client's problem under Kestrel's limits, through
    /// the error middleware in Gotify's format: a body over <c>maxbodybytes</c> is 413, one arriving slower than
    /// 240 bytes/s after a 5 s grace (Kestrel's MinRequestBodyDataRate) is cut with 408, a truncated one is 400. A
    /// client that sends slowly but steadily takes as long as it needs, holding a connection but no call slot.
    /// </remarks>
    private static async Task ReadWholeBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.HttpContext.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody != true)
        {
            return;
        }

        request.EnableBuffering();
        await request.Body.DrainAsync(cancellationToken);
        request.Body.Position = 0;
    }
}
