using Herald.Server.Api;
using Herald.Server.Plugins.Invocation;

namespace Herald.Server.Plugins.Http;

/// <summary>
/// <c>/plugin/{id}/custom/{token}/…</c>: one host endpoint dispatching to the instance's own route table, so routes
/// come and go with instances and an unloaded plugin leaves nothing in ASP.NET's routing. As in Gotify the token alone
/// selects the instance (the id segment is not checked) and there is no other authentication; a disabled instance
/// answers 400 <c>plugin is disabled</c>.
/// </summary>
internal static class WebhookEndpoint
{
    public static void Map(IEndpointRouteBuilder routes) =>
        routes.Map("/plugin/{id}/custom/{token}/{**rest}", DispatchAsync);

    private static async Task DispatchAsync(HttpContext context)
    {
        var plugins = context.Service<PluginManager>();
        var invoker = context.Service<PluginInvoker>();
        var token = context.Request.RouteValues["token"] as string ?? string.Empty;
        var instance = plugins.FindInstanceByToken(token) ?? throw ApiException.NotFound("page not found");
        if (!instance.Enabled)
        {
            throw ApiException.BadRequest("plugin is disabled");
        }

        var rest = context.Request.RouteValues["rest"] as string ?? string.Empty;
        var match = instance.Routes?.Match(context.Request.Method, rest, context.Request.RouteValues, out _)
            ?? throw ApiException.NotFound("page not found");
        try
        {
            await invoker.InvokeAsync(
                new PluginCall(instance.Plugin, instance.UserId, $"webhook {context.Request.Method} {match.Pattern}", plugins.Options.WebhookTimeout, Offload: false),
                ct => match.Handler(context, ct),
                context.RequestAborted);
        }
        catch (PluginCallException e)
        {
            if (e.Failure == PluginCallFailure.TimedOut)
            {
                await plugins.FaultInstanceAsync(instance, e.Message);
            }

            // No details: the plugin's exception text may carry secrets; it is in the log, attributed.
            if (context.Response.HasStarted)
            {
                context.Abort();
                return;
            }

            context.Response.Clear();
            context.Response.StatusCode = e.Failure == PluginCallFailure.Busy ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status500InternalServerError;
        }
    }
}
