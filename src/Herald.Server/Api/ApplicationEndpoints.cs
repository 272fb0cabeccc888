using Herald.Server.Auth;
using Herald.Server.Http;
using Herald.Server.Http.Json;
using Herald.Server.Model;
using Herald.Server.Security;
using Herald.Server.Storage;

namespace Herald.Server.Api;

/// <summary><c>/application</c>: the senders of a user's messages, their images and tokens.</summary>
internal static class ApplicationEndpoints
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGotify(HttpMethods.Get, "/application", AuthRequirement.Client, ListAsync);
        routes.MapGotify(HttpMethods.Post, "/application", AuthRequirement.Client, CreateAsync);
        routes.MapGotify(HttpMethods.Put, "/application/{id}", AuthRequirement.Client, UpdateAsync);
        routes.MapGotify(HttpMethods.Delete, "/application/{id}", AuthRequirement.Client, DeleteAsync);
        routes.MapGotify(HttpMethods.Post, "/application/{id}/image", AuthRequirement.Client, UploadImageAsync);
        routes.MapGotify(HttpMethods.Delete, "/application/{id}/image", AuthRequirement.Client, RemoveImageAsync);
        routes.MapGotify(HttpMethods.Put, "/application/{id}/security", AuthRequirement.ElevatedClient, UpdateSecurityAsync);
    }

    private static async Task ListAsync(HttpContext context)
    {
        var store = context.Service<IHeraldStore>();
        var apps = await store.GetApplicationsByUserAsync(context.GetCaller().User.Id, context.RequestAborted);
        await Responses.Json<IReadOnlyList<ApplicationJson>>(context, apps.Select(EntityMapper.ToJson).ToList(), HeraldJson.Api.IReadOnlyListApplicationJson);
    }

    private static async Task CreateAsync(HttpContext context)
    {
        var store = context.Service<IHeraldStore>();
        var time = context.Service<TimeProvider>();
        var userId = context.GetCaller().User.Id;
        var body = await RequestBody.ReadAsync(context, "ApplicationParams");
        var name = Validation.Required(body.GetString("name"), "name");
        var description = body.GetString("description") ?? string.Empty;
        var priority = body.GetInt("defaultPriority") ?? 0;
        var requestedKey = body.GetString("sortKey");
        var token = await NewTokenAsync(store, context.RequestAborted);
        Application application;
        for (var attempt = 1; ; attempt++)
        {
            var sortKey = string.IsNullOrEmpty(requestedKey)
                ? FractionalIndex.KeyAfter(await store.GetMaxSortKeyAsync(userId, context.RequestAborted))
                : requestedKey;
            var candidate = new Application(0, token, userId, name, description, false, string.Empty, priority, time.GetLocalNow(), null, sortKey);
            try
            {
                application = await store.CreateApplicationAsync(candidate, context.RequestAborted);
                break;
            }
            catch (DuplicateKeyException) when (string.IsNullOrEmpty(requestedKey) && attempt < 50)
            {
                // A concurrent creation took the next key first: take the one after it.
            }
            catch (DuplicateKeyException)
            {
                throw ApiException.BadRequest("sort key is not unique");
            }
        }

        await Responses.Json(context, EntityMapper.ToJson(application), HeraldJson.Api.ApplicationJson);
    }

    private static async Task UpdateAsync(HttpContext context)
    {
        var store = context.Service<IHeraldStore>();
        var application = await FindOwnAsync(context);
        var body = await RequestBody.ReadAsync(context, "ApplicationParams");
        var name = Validation.Required(body.GetString("name"), "name");
        var sortKey = body.GetString("sortKey");
        var updated = application with
        {
            Name = name,
            Description = body.GetString("description") ?? string.Empty,
            DefaultPriority = body.GetInt("defaultPriority") ?? 0,
            SortKey = string.IsNullOrEmpty(sortKey) ? application.SortKey : sortKey,
        };
        await SaveAsync(async () =>
        {
            await store.UpdateApplicationAsync(updated, context.RequestAborted);
            return updated;
        });
        await Responses.Json(context, EntityMapper.ToJson(updated), HeraldJson.Api.ApplicationJson);
    }

    private static async Task DeleteAsync(HttpContext context)
    {
        var store = context.Service<IHeraldStore>();
        var images = context.Service<ImageStore>();
        var application = await FindOwnAsync(context);
        if (application.Internal)
        {
            throw ApiException.BadRequest("cannot delete internal application");
        }

        await store.DeleteApplicationAsync(application.Id, context.RequestAborted);
        images.Delete(application.Image);
        await Responses.Empty(context);
    }

    private static async Task UploadImageAsync(HttpContext context)
    {
        var store = context.Service<IHeraldStore>();
        var images = context.Service<ImageStore>();
        var application = await FindOwnAsync(context);
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
        var name = await images.SaveAsync(content, extension, context.RequestAborted);
        var updated = application with { Image = name };
        try
        {
            await store.UpdateApplicationAsync(updated, CancellationToken.None);
        }
        catch
        {
            images.Delete(name);
            throw;
        }

        images.Delete(application.Image);
        await Responses.Json(context, EntityMapper.ToJson(updated), HeraldJson.Api.ApplicationJson);
    }

    private static async Task RemoveImageAsync(HttpContext context)
    {
        var store = context.Service<IHeraldStore>();
        var images = context.Service<ImageStore>();
        var application = await FindOwnAsync(context);
        if (application.Image.Length == 0)
        {
            throw ApiException.BadRequest($"app with id {application.Id} does not have a customized image");
        }

        var updated = application with { Image = string.Empty };
        await store.UpdateApplicationAsync(updated, context.RequestAborted);
        images.Delete(application.Image);
        await Responses.Json(context, EntityMapper.ToJson(updated), HeraldJson.Api.ApplicationJson);
    }

    private static async Task UpdateSecurityAsync(HttpContext context)
    {
        var store = context.Service<IHeraldStore>();
        var application = await FindOwnAsync(context);
        var body = await RequestBody.ReadAsync(context, "SecurityUpdateAction");
        if (body.GetBool("regenerateToken") != true)
        {
            await Responses.Json(context, new SecurityUpdateResponseJson(null), HeraldJson.Api.SecurityUpdateResponseJson);
            return;
        }

        var updated = application with { Token = await NewTokenAsync(store, context.RequestAborted) };
        await store.UpdateApplicationAsync(updated, context.RequestAborted);
        await Responses.Json(context, new SecurityUpdateResponseJson(new RegeneratedTokenJson(updated.Token)), HeraldJson.Api.SecurityUpdateResponseJson);
    }

    private static async Task<Application> FindOwnAsync(HttpContext context)
    {
        var store = context.Service<IHeraldStore>();
        var id = RouteValues.Id(context);
        var application = await store.GetApplicationByIdAsync(id, context.RequestAborted);
        return application is not null && application.UserId == context.GetCaller().User.Id
            ? application
            : throw ApiException.NotFound($"app with id {id} doesn't exists");
    }

    private static async Task<string> NewTokenAsync(IHeraldStore store, CancellationToken cancellationToken)
    {
        while (true)
        {
            var token = TokenGenerator.NewApplicationToken();
            if (await store.GetApplicationByTokenAsync(token, cancellationToken) is null)
            {
                return token;
            }
        }
    }

    private static async Task<Application> SaveAsync(Func<Task<Application>> save)
    {
        try
        {
            return await save();
        }
        catch (DuplicateKeyException)
        {
            throw ApiException.BadRequest("sort key is not unique");
        }
    }
}
