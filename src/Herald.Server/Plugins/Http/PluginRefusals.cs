using Herald.Server.Http;
using Herald.Server.Plugins.Instances;

namespace Herald.Server.Plugins.Http;

/// <summary>The HTTP answer to each <see cref="PluginRefusal"/>: Gotify's status codes, the refusal's own text.</summary>
internal static class PluginRefusals
{
    /// <summary>The error the middleware writes in Gotify's format.</summary>
    public static ApiException ToApiException(this PluginRequestException refused) => new(
        refused.Refusal switch
        {
            PluginRefusal.UnknownPlugin or PluginRefusal.InstanceNotFound => StatusCodes.Status404NotFound,
            PluginRefusal.AlreadyInState or PluginRefusal.NotAConfigurer or PluginRefusal.Rejected => StatusCodes.Status400BadRequest,
            PluginRefusal.Busy => StatusCodes.Status503ServiceUnavailable,
            _ => StatusCodes.Status500InternalServerError,
        },
        refused.Message);

    /// <summary>Runs a /plugin handler, answering a refusal of the plugin domain as its error.</summary>
    public static Func<HttpContext, Task> Answered(Func<HttpContext, Task> handler) => async context =>
    {
        try
        {
            await handler(context);
        }
        catch (PluginRequestException refused)
        {
            throw refused.ToApiException();
        }
    };
}
