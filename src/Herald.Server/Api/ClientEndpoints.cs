using Herald.Server.Auth;
using Herald.Server.Http;
using Herald.Server.Http.Json;
using Herald.Server.Model;
using Herald.Server.Services;
using Herald.Server.Storage;

namespace Herald.Server.Api;

/// <summary><c>/client</c>: the devices and sessions that read a user's messages.</summary>
internal static class ClientEndpoints
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGotify<IClientStore, TimeProvider>(HttpMethods.Get, "/client", AuthRequirement.Client, ListAsync);
        routes.MapGotify<ClientService, TimeProvider>(HttpMethods.Post, "/client", AuthRequirement.Client, CreateAsync);
        routes.MapGotify<ClientService, TimeProvider>(HttpMethods.Put, "/client/{id}", AuthRequirement.Client, UpdateAsync);
        routes.MapGotify<ClientService>(HttpMethods.Delete, "/client/{id}", AuthRequirement.Client, DeleteAsync);
        // Elevation is checked in the handler: the spec documents 401, not 403, for this operation.
        routes.MapGotify<ClientService, TimeProvider>(HttpMethods.Post, "/client/{id}/elevate", AuthRequirement.Client, ElevateAsync);
    }

    private static async Task ListAsync(HttpContext context, IClientStore store, TimeProvider time)
    {
        var now = time.GetUtcNow();
        var clients = await store.GetClientsByUserAsync(context.GetCaller().User.Id, now, context.RequestAborted);
        await Responses.Json<IReadOnlyList<ClientJson>>(context, clients.Select(c => EntityMapper.ToJson(c, now)).ToList(), HeraldJson.Api.IReadOnlyListClientJson);
    }

    private static async Task CreateAsync(HttpContext context, ClientService clients, TimeProvider time)
    {
        var body = await RequestBody.ReadAsync(context, "ClientParams");
        var name = Validation.Required(body.GetString("name"), "name");
        var expiry = ExpiresAfterInactivitySeconds(body) ?? 0;
        var client = await clients.CreateAsync(context.GetCaller().User.Id, name, expiry, null, context.RequestAborted);
        await Responses.Json(context, EntityMapper.ToJson(client, time.GetUtcNow()), HeraldJson.Api.ClientJson);
    }

    private static async Task UpdateAsync(HttpContext context, ClientService clients, TimeProvider time)
    {
        var client = await FindOwnAsync(context, clients, id => $"client with id {id} doesn't exists");
        var body = await RequestBody.ReadAsync(context, "ClientParams");
        var name = Validation.Required(body.GetString("name"), "name");
        var updated = await clients.UpdateAsync(client, name, ExpiresAfterInactivitySeconds(body), context.RequestAborted);
        await Responses.Json(context, EntityMapper.ToJson(updated, time.GetUtcNow()), HeraldJson.Api.ClientJson);
    }

    private static async Task DeleteAsync(HttpContext context, ClientService clients)
    {
        var client = await FindOwnAsync(context, clients, id => $"client with id {id} doesn't exists");
        await clients.DeleteAsync(client, context.RequestAborted);
        await Responses.Empty(context);
    }

    private static async Task ElevateAsync(HttpContext context, ClientService clients, TimeProvider time)
    {
        if (context.GetCaller().Client is { } self && !(self.ElevatedUntil > time.GetUtcNow()))
        {
            // Gotify 3 answers 403 here, but gotify-spec.json documents only 204/400/401/404 for elevateClient.
            throw ApiException.Unauthorized(Authenticator.NotElevated);
        }

        var client = await FindOwnAsync(context, clients, _ => "client not found");
        var body = await RequestBody.ReadAsync(context, "ElevateRequest");
        // Gotify's int, kept to 32 bits (68 years) so that now + duration stays a date.
        var seconds = Validation.Required(body.GetInteger("durationSeconds", "int", int.MinValue, int.MaxValue), "durationSeconds");
        await clients.ElevateAsync(client, (int)seconds, context.RequestAborted);
        await Responses.Empty(context, StatusCodes.Status204NoContent);
    }

    /// <summary>Gotify's uint, kept to 32 bits (136 years) so that last use + expiry stays a date.</summary>
    private static long? ExpiresAfterInactivitySeconds(RequestBody body) =>
        body.GetInteger("expiresAfterInactivitySeconds", "uint", 0, uint.MaxValue);

    private static async Task<Client> FindOwnAsync(HttpContext context, ClientService clients, Func<long, string> notFound)
    {
        var id = RouteValues.Id(context);
        var client = await clients.FindAsync(id, context.RequestAborted);
        return client is not null && client.UserId == context.GetCaller().User.Id ? client : throw ApiException.NotFound(notFound(id));
    }
}
