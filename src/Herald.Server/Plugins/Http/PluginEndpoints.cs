using Herald.Server.Auth;
using Herald.Server.Http;
using Herald.Server.Plugins.Instances;
using Herald.Server.Storage;

namespace Herald.Server.Plugins.Http;

/// <summary>
/// <c>/plugin</c>: list, enable/disable, config (YAML) and display of the caller's plugin instances, with Gotify's
/// status codes and error texts (<see cref="PluginRefusals"/>). All need a client token or session (Gotify's
/// RequireClient), no elevation.
/// </summary>
internal static class PluginEndpoints
{
    /// <summary>Maps <c>/plugin</c> and the webhook routes.</summary>
    public static void MapHeraldPlugins(this IEndpointRouteBuilder routes)
    {
        routes.MapGotify(HttpMethods.Get, "/plugin", AuthRequirement.Client, ListAsync);
        routes.MapGotify(HttpMethods.Get, "/plugin/{id}/config", AuthRequirement.Client, PluginRefusals.Answered(GetConfigAsync));
        routes.MapGotify(HttpMethods.Post, "/plugin/{id}/config", AuthRequirement.Client, PluginRefusals.Answered(UpdateConfigAsync));
        routes.MapGotify(HttpMethods.Get, "/plugin/{id}/display", AuthRequirement.Client, PluginRefusals.Answered(GetDisplayAsync));
        routes.MapGotify(HttpMethods.Post, "/plugin/{id}/enable", AuthRequirement.Client, PluginRefusals.Answered(context => SetEnabledAsync(context, true)));
        routes.MapGotify(HttpMethods.Post, "/plugin/{id}/disable", AuthRequirement.Client, PluginRefusals.Answered(context => SetEnabledAsync(context, false)));
        WebhookEndpoint.Map(routes);
    }

    private static async Task ListAsync(HttpContext context)
    {
        var plugins = context.Service<PluginManager>();
        var items = await PluginListing.ForUserAsync(plugins, context.Service<IHeraldStore>(), context.GetCaller().User.Id, context.RequestAborted);
        await Responses.Json(context, items, PluginJson.Default.IReadOnlyListPluginConfJson);
    }

    private static async Task GetConfigAsync(HttpContext context)
    {
        var plugins = context.Service<PluginManager>();
        var instance = await plugins.RequireInstanceAsync(context.GetCaller().User.Id, RouteValues.Id(context), context.RequestAborted);
        var yaml = await plugins.Calls.GetConfigAsync(instance, context.RequestAborted);
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/x-yaml";
        await context.Response.Body.WriteAsync(yaml, context.RequestAborted);
    }

    private static async Task UpdateConfigAsync(HttpContext context)
    {
        var plugins = context.Service<PluginManager>();
        var instance = await plugins.RequireInstanceAsync(context.GetCaller().User.Id, RouteValues.Id(context), context.RequestAborted);
        var body = await RequestBody.ReadBytesAsync(context);
        await plugins.Calls.UpdateConfigAsync(instance, body, context.RequestAborted);
        await Responses.Empty(context);
    }

    private static async Task GetDisplayAsync(HttpContext context)
    {
        var plugins = context.Service<PluginManager>();
        var instance = await plugins.RequireInstanceAsync(context.GetCaller().User.Id, RouteValues.Id(context), context.RequestAborted);
        var display = await plugins.Calls.GetDisplayAsync(instance, PublicBaseUrl(context.Request), context.RequestAborted);
        await Responses.Json(context, display, PluginJson.Default.String);
    }

    private static async Task SetEnabledAsync(HttpContext context, bool enable)
    {
        var plugins = context.Service<PluginManager>();
        var instance = await plugins.RequireInstanceAsync(context.GetCaller().User.Id, RouteValues.Id(context), context.RequestAborted);
        await plugins.SetEnabledAsync(instance, enable, context.RequestAborted);
        await Responses.Empty(context);
    }

    /// <summary>
    /// The server's public base URL as this client reaches it: scheme and host as Gotify computes them (proxy headers
    /// included), plus the path prefix a reverse proxy strips (<c>X-Forwarded-Prefix</c>) or the app's path base,
    /// ending in <c>/</c>. Gotify passes scheme and host only, which gives wrong links behind <c>/gotify/</c>-style proxies.
    /// </summary>
    internal static Uri? PublicBaseUrl(HttpRequest request)
    {
        var prefix = request.Headers["X-Forwarded-Prefix"].ToString().Split(',')[0].Trim().TrimEnd('/');
        if (prefix.Length > 0 && !prefix.StartsWith('/'))
        {
            prefix = "/" + prefix;
        }

        var path = prefix + request.PathBase.Value?.TrimEnd('/') + "/";
        return Uri.TryCreate(RequestLocation.BaseUrl(request) + path, UriKind.Absolute, out var uri) ? uri : null;
    }
}
