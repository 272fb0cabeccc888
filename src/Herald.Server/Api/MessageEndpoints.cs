using Herald.Server.Auth;
using Herald.Server.Http;
using Herald.Server.Http.Json;
using Herald.Server.Model;
using Herald.Server.Services;
using Herald.Server.Storage;

namespace Herald.Server.Api;

/// <summary><c>/message</c> and <c>/application/{id}/message</c>.</summary>
internal static class MessageEndpoints
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGotify<IApplicationStore, MessageService>(HttpMethods.Post, "/message", AuthRequirement.ApplicationOrClient, CreateAsync);
        routes.MapGotify<IMessageStore>(HttpMethods.Get, "/message", AuthRequirement.Client, ListAsync);
        routes.MapGotify<IMessageStore>(HttpMethods.Delete, "/message", AuthRequirement.Client, DeleteAllAsync);
        routes.MapGotify<IMessageStore>(HttpMethods.Delete, "/message/{id}", AuthRequirement.Client, DeleteAsync);
        routes.MapGotify<IApplicationStore, IMessageStore>(HttpMethods.Get, "/application/{id}/message", AuthRequirement.Client, ListByApplicationAsync);
        routes.MapGotify<IApplicationStore, IMessageStore>(HttpMethods.Delete, "/application/{id}/message", AuthRequirement.Client, DeleteByApplicationAsync);
    }

    private static async Task CreateAsync(HttpContext context, IApplicationStore applications, MessageService messages)
    {
        var caller = context.GetCaller();
        var body = await RequestBody.ReadAsync(context, "CreateMessage");
        var text = Validation.Required(body.GetString("message"), "message");
        var title = body.GetString("title");
        var priority = body.GetInt("priority");
        var extras = body.GetExtras("extras");
        var appId = body.GetUInt("appid");

        var application = caller.Application;
        if (application is null)
        {
            // Gotify 3: a user may send into one of their own applications by naming it.
            if (appId is null or 0)
            {
                throw ApiException.BadRequest("appid is required when not authenticating with an application token");
            }

            application = appId <= long.MaxValue ? await applications.GetApplicationByIdAsync((long)appId.Value, context.RequestAborted) : null;
            if (application is null || application.UserId != caller.User.Id)
            {
                throw ApiException.BadRequest("appid not found");
            }
        }

        Message message;
        try
        {
            message = await messages.SendAsync(
                application,
                text,
                title,
                priority,
                extras,
                CancellationToken.None);
        }
        catch (MissingApplicationException)
        {
            // The application was deleted after it was looked up: the answer the request gets once the delete is done
            // (its token no longer authenticates; the appid names no application).
            throw caller.Application is not null ? ApiException.Unauthorized(Authenticator.Unauthenticated) : ApiException.BadRequest("appid not found");
        }

        await Responses.Json(context, MessageMapper.ToJson(message), HeraldJson.Api.MessageJson);
    }

    private static async Task ListAsync(HttpContext context, IMessageStore store)
    {
        var (limit, since) = Paging(context);
        var caller = context.GetCaller();
        var page = await store.GetMessagesByUserAsync(caller.User.Id, limit + 1, since, context.RequestAborted);
        await WritePageAsync(context, page, limit);
    }

    private static async Task ListByApplicationAsync(HttpContext context, IApplicationStore applications, IMessageStore store)
    {
        var id = RouteValues.Id(context);
        var (limit, since) = Paging(context);
        var application = await applications.GetApplicationByIdAsync(id, context.RequestAborted);
        if (application is null || application.UserId != context.GetCaller().User.Id)
        {
            throw ApiException.NotFound("application does not exist");
        }

        var page = await store.GetMessagesByApplicationAsync(id, limit + 1, since, context.RequestAborted);
        await WritePageAsync(context, page, limit);
    }

    private static async Task DeleteAllAsync(HttpContext context, IMessageStore store)
    {
        await store.DeleteMessagesByUserAsync(context.GetCaller().User.Id, context.RequestAborted);
        await Responses.Empty(context);
    }

    private static async Task DeleteAsync(HttpContext context, IMessageStore store)
    {
        var id = RouteValues.Id(context);
        var found = await store.GetMessageByIdAsync(id, context.RequestAborted);
        if (found is null || found.Value.UserId != context.GetCaller().User.Id)
        {
            throw ApiException.NotFound("message does not exist");
        }

        await store.DeleteMessageAsync(id, context.RequestAborted);
        await Responses.Empty(context);
    }

    private static async Task DeleteByApplicationAsync(HttpContext context, IApplicationStore applications, IMessageStore store)
    {
        var id = RouteValues.Id(context);
        var application = await applications.GetApplicationByIdAsync(id, context.RequestAborted);
        if (application is null || application.UserId != context.GetCaller().User.Id)
        {
            // Gotify's text, typo included: clients match on it.
            throw ApiException.NotFound("application does not exists");
        }

        await store.DeleteMessagesByApplicationAsync(id, context.RequestAborted);
        await Responses.Empty(context);
    }

    /// <summary>
    /// <c>limit</c> 1..200 (default 100) and <c>since</c> from the query, with Gotify's types (int, uint64) and
    /// validation texts. Ids are at most 2^63-1, so a <c>since</c> above that excludes nothing, like 0.
    /// </summary>
    private static (int Limit, long Since) Paging(HttpContext context)
    {
        var query = RequestBody.FromQuery(context, "messageQuery");
        var limit = query.GetInt("limit") ?? 100;
        var requestedSince = query.GetUInt("since") ?? 0;
        var since = requestedSince <= long.MaxValue ? (long)requestedSince : 0;
        var errors = new List<string>();
        if (limit < 1)
        {
            errors.Add("Field 'limit' must be more or equal to 1");
        }

        if (limit > 200)
        {
            errors.Add("Field 'limit' must be less or equal to 200");
        }

        return errors.Count > 0 ? throw ApiException.BadRequest(string.Join("; ", errors)) : ((int)limit, since);
    }

    /// <summary>Writes one page; <c>next</c> (an absolute URL, as Gotify 2.x) only when more messages exist.</summary>
    private static Task WritePageAsync(HttpContext context, IReadOnlyList<Message> fetched, int limit)
    {
        var more = fetched.Count > limit;
        var page = more ? fetched.Take(limit).ToList() : fetched;
        var since = more ? page[^1].Id : 0;
        string? next = null;
        if (more)
        {
            next = $"{RequestLocation.BaseUrl(context.Request)}{context.Request.Path}?limit={limit}&since={since}";
        }

        return Responses.Json(
            context,
            new PagedMessagesJson(new PagingJson(next, page.Count, since, limit), page.Select(MessageMapper.ToJson).ToList()),
            HeraldJson.Api.PagedMessagesJson);
    }
}
