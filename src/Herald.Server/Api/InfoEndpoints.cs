using Herald.Server.Configuration;
using Herald.Server.Hosting;
using Herald.Server.Storage;

namespace Herald.Server.Api;

/// <summary><c>/version</c>, <c>/gotifyinfo</c> and <c>/health</c>: unauthenticated facts about the server.</summary>
internal static class InfoEndpoints
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet("/version", (HttpContext context, BuildInfo build) =>
            Responses.Json(context, new VersionJson(build.Version, build.Commit, build.BuildDate), HeraldJson.Api.VersionJson));

        routes.MapGet("/gotifyinfo", (HttpContext context, BuildInfo build, HeraldSettings settings) =>
            Responses.Json(context, new GotifyInfoJson(build.Version, settings.Registration, false), HeraldJson.Api.GotifyInfoJson));

        routes.MapMethods("/health", [HttpMethods.Get, HttpMethods.Head], async (HttpContext context, IHeraldStore store) =>
        {
            var healthy = await store.PingAsync(context.RequestAborted);
            await Responses.Json(
                context,
                healthy ? new HealthJson("green", "green") : new HealthJson("orange", "red"),
                HeraldJson.Api.HealthJson,
                healthy ? 200 : 500);
        });

        // Gotify answers every OPTIONS request; CORS preflights are answered earlier by the CORS middleware.
        routes.MapMethods("/{**path}", [HttpMethods.Options], (HttpContext context) => Responses.Empty(context));
    }
}
