using Herald.Server.Auth;
using Herald.Server.Configuration;
using Herald.Server.Http;
using Herald.Server.Http.Json;
using Herald.Server.Model;
using Herald.Server.Storage;

namespace Herald.Server.Api;

/// <summary><c>/version</c>, <c>/gotifyinfo</c> and <c>/health</c>: unauthenticated facts about the server.</summary>
internal static class InfoEndpoints
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGotify(HttpMethods.Get, "/version", null, context =>
        {
            var build = context.Service<BuildInfo>();
            return Responses.Json(context, new VersionJson(build.Version, build.Commit, build.BuildDate), HeraldJson.Api.VersionJson);
        });

        routes.MapGotify(HttpMethods.Get, "/gotifyinfo", null, context =>
            Responses.Json(context, new GotifyInfoJson(context.Service<BuildInfo>().Version, context.Service<HeraldSettings>().Registration, false), HeraldJson.Api.GotifyInfoJson));

        routes.MapMethods("/health", [HttpMethods.Get, HttpMethods.Head], async context =>
        {
            var healthy = await context.Service<IHeraldStore>().PingAsync(context.RequestAborted);
            await Responses.Json(
                context,
                healthy ? new HealthJson("green", "green") : new HealthJson("orange", "red"),
                HeraldJson.Api.HealthJson,
                healthy ? 200 : 500);
        });

        // Gotify answers every OPTIONS request; CORS preflights are answered earlier by the CORS middleware.
        routes.MapGotify(HttpMethods.Options, "/{**path}", null, context => Responses.Empty(context));
    }
}
