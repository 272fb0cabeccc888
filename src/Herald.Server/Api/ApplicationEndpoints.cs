using Herald.Server.Auth;
using Herald.Server.Http;
using Herald.Server.Http.Json;
using Herald.Server.Model;
using Herald.Server.Services;
using Herald.Server.Storage;

namespace Herald.Server.Api;

/// <summary><c>/application</c>: the senders of a user's messages, their images and tokens.</summary>
internal static class ApplicationEndpoints
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGotify<IApplicationStore>(HttpMethods.Get, "/application", AuthRequirement.Client, ListAsync);
        routes.MapGotify<ApplicationService>(HttpMethods.Post, "/application", AuthRequirement.Client, CreateAsync);
        routes.MapGotify<IApplicationStore, ApplicationService>(HttpMethods.Put, "/application/{id}", AuthRequirement.Client, UpdateAsync);
        routes.MapGotify<IApplicationStore, ApplicationService>(HttpMethods.Delete, "/application/{id}", AuthRequirement.Client, DeleteAsync);
        routes.MapGotify<IApplicationStore, ApplicationService>(HttpMethods.Post, "/application/{id}/image", AuthRequirement.Client, UploadImageAsync);
        routes.MapGotify<IApplicationStore, ApplicationService>(HttpMethods.Delete, "/application/{id}/image", AuthRequirement.Client, RemoveImageAsync);
        routes.MapGotify<IApplicationStore, ApplicationService>(HttpMethods.Put, "/application/{id}/security", AuthRequirement.ElevatedClient, UpdateSecurityAsync);
    }

    private static async Task ListAsync(HttpContext context, IApplicationStore store)
    {
        var apps = await store.GetApplicationsByUserAsync(context.GetCaller().User.Id, context.RequestAborted);
        await Responses.Json<IReadOnlyList<ApplicationJson>>(context, apps.Select(EntityMapper.ToJson).ToList(), HeraldJson.Api.IReadOnlyListApplicationJson);
    }

    private static async Task CreateAsync(HttpContext context, ApplicationService applications)
    {
        var body = await RequestBody.ReadAsync(context, "ApplicationParams");
        var name = Validation.Required(body.GetString("name"), "name");
        var application = await applications.CreateAsync(
            context.GetCaller().User.Id,
            name,
            body.GetString("description") ?? string.Empty,
            body.GetInt("defaultPriority") ?? 0,
            body.GetString("sortKey"),
            context.RequestAborted);
        await Responses.Json(context, EntityMapper.ToJson(application), HeraldJson.Api.ApplicationJson);
    }

    private static async Task UpdateAsync(HttpContext context, IApplicationStore store, ApplicationService applications)
    {
        var application = await FindOwnAsync(context, store);
        var body = await RequestBody.ReadAsync(context, "ApplicationParams");
        var name = Validation.Required(body.GetString("name"), "name");
        var sortKey = body.GetString("sortKey");
        var updated = await applications.UpdateAsync(
            application with
            {
                Name = name,
                Description = body.GetString("description") ?? string.Empty,
                DefaultPriority = body.GetInt("defaultPriority") ?? 0,
                SortKey = string.IsNullOrEmpty(sortKey) ? application.SortKey : sortKey,
            },
            context.RequestAborted);
        await Responses.Json(context, EntityMapper.ToJson(updated), HeraldJson.Api.ApplicationJson);
    }

    private static async Task DeleteAsync(HttpContext context, IApplicationStore store, ApplicationService applications)
    {
        await applications.DeleteAsync(await FindOwnAsync(context, store), context.RequestAborted);
        await Responses.Empty(context);
    }

    private static async Task UploadImageAsync(HttpContext context, IApplicationStore store, ApplicationService applications)
    {
        var application = await FindOwnAsync(context, store);
        var file = context.Request.HasFormContentType
            ? (await RequestBody.ReadFormAsync(context)).Files.GetFile("file")
            : null;
        if (file is null)
        {
            throw ApiException.BadRequest("file with key 'file' must be present");
        }

        await using var content = file.OpenReadStream();
        var head = new byte[ImageSniffer.HeaderLength];
        var read = await content.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, context.RequestAborted);
        if (!ImageSniffer.IsImage(head.AsSpan(0, read)))
        {
            throw ApiException.BadRequest("file must be an image");
        }

        var extension = Path.GetExtension(file.FileName);
        if (!ImageStore.Extensions.Contains(extension))
        {
            throw ApiException.BadRequest("invalid file extension");
        }

        content.Position = 0;
        var updated = await applications.ReplaceImageAsync(application, content, extension, context.RequestAborted);
        await Responses.Json(context, EntityMapper.ToJson(updated), HeraldJson.Api.ApplicationJson);
    }

    private static async Task RemoveImageAsync(HttpContext context, IApplicationStore store, ApplicationService applications)
    {
        var updated = await applications.RemoveImageAsync(await FindOwnAsync(context, store), context.RequestAborted);
        await Responses.Json(context, EntityMapper.ToJson(updated), HeraldJson.Api.ApplicationJson);
    }

    private static async Task UpdateSecurityAsync(HttpContext context, IApplicationStore store, ApplicationService applications)
    {
        var application = await FindOwnAsync(context, store);
        var body = await RequestBody.ReadAsync(context, "SecurityUpdateAction");
        if (body.GetBool("regenerateToken") != true)
        {
            await Responses.Json(context, new SecurityUpdateResponseJson(null), HeraldJson.Api.SecurityUpdateResponseJson);
            return;
        }

        var updated = await applications.RegenerateTokenAsync(application, context.RequestAborted);
        await Responses.Json(context, new SecurityUpdateResponseJson(new RegeneratedTokenJson(updated.Token)), HeraldJson.Api.SecurityUpdateResponseJson);
    }

    private static async Task<Application> FindOwnAsync(HttpContext context, IApplicationStore store)
    {
        var id = RouteValues.Id(context);
        var application = await store.GetApplicationByIdAsync(id, context.RequestAborted);
        return application is not null && application.UserId == context.GetCaller().User.Id
            ? application
            : throw ApiException.NotFound($"app with id {id} doesn't exists");
    }
}
