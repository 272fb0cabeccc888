using Herald.Server.Auth;
using Herald.Server.Http;
using Herald.Server.Storage;
using Microsoft.AspNetCore.StaticFiles;

namespace Herald.Server.Api;

/// <summary><c>GET /image/{file}</c>: uploaded application images, and nothing else from that folder.</summary>
internal static class ImageEndpoints
{
    private static readonly FileExtensionContentTypeProvider ContentTypes = new();

    public static void Map(IEndpointRouteBuilder routes) =>
        routes.MapMethods("/image/{**file}", [HttpMethods.Get, HttpMethods.Head], context =>
        {
            var name = context.Request.RouteValues["file"] as string ?? string.Empty;
            var path = context.Service<ImageStore>().Find(name) ?? throw ApiException.NotFound("page not found");
            var type = ContentTypes.TryGetContentType(path, out var t) ? t : "application/octet-stream";
            return Results.File(path, type, enableRangeProcessing: true).ExecuteAsync(context);
        });
}
