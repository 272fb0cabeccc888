using Herald.Server.Auth;
using Herald.Server.Http;
using Herald.Server.Http.Json;
using Herald.Server.Model;
using Herald.Server.Security;
using Herald.Server.Storage;
using Herald.Server.Streaming;

namespace Herald.Server.Api;

/// <summary><c>/client</c>: the devices and sessions that read a user's messages.</summary>
internal static class ClientEndpoints
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGotify(HttpMethods.Get, "/client", AuthRequirement.Client, ListAsync);
        routes.MapGotify(HttpMethods.Post, "/client", AuthRequirement.Client, CreateAsync);
        routes.MapGotify(HttpMethods.Put, "/client/{id}", AuthRequirement.Client, UpdateAsync);
        routes.MapGotify(HttpMethods.Delete, "/client/{id}", AuthRequirement.Client, DeleteAsync);
        // Elevation is checked in the handler: the spec documents 401, not 403, for this operation.
        routes.MapGotify(HttpMethods.Post, "/client/{id}/elevate", AuthRequirement.Client, ElevateAsync);
    }

    /// <summary>Creates a client with a fresh token; shared with the session login.</summary>
    public static async Task<Client> CreateClientAsync(IHeraldStore store, long userId, string name, long expiresAfterSeconds, DateTimeOffset? elevatedUntil, DateTimeOffset now, CancellationToken cancellationToken)
    {
        while (true)
        {
            // The unique index decides; a look-up first would miss expired clients, which still hold their token.
            var client = new Client(0, TokenGenerator.NewClientToken(), userId, name, now, null, elevatedUntil, expiresAfterSeconds, null);
            client = client with { ExpiresAt = ClientExpiry.ExpiresAt(client, now) };
            try
            {
                return await store.CreateClientAsync(client, cancellationToken);
            }
            catch (DuplicateKeyException)
            {
                // The token is taken (by any client, expired ones included): draw again.
            }
        }
    }

    private static async Task ListAsync(HttpContext context)
    {
        var store = context.Service<IHeraldStore>();
        var time = context.Service<TimeProvider>();
        var now = time.GetUtcNow();
        var clients = await store.GetClientsByUserAsync(context.GetCaller().User.Id, now, context.RequestAborted);
        await Responses.Json<IReadOnlyList<ClientJson>>(context, clients.Select(c => EntityMapper.ToJson(c, now)).ToList(), HeraldJson.Api.IReadOnlyListClientJson);
    }

    private static async Task CreateAsync(HttpContext context)
    {
        var store = context.Service<IHeraldStore>();
        var time = context.Service<TimeProvider>();
        var body = await RequestBody.ReadAsync(context, "ClientParams");
        var name = Validation.Required(body.GetString("name"), "name");
        var expiry = ExpiresAfterInactivitySeconds(body) ?? 0;
        var now = time.GetLocalNow();
        var client = await CreateClientAsync(store, context.GetCaller().User.Id, name, expiry, null, now, context.RequestAborted);
        await Responses.Json(context, EntityMapper.ToJson(client, now), HeraldJson.Api.ClientJson);
    }

    private static async Task UpdateAsync(HttpContext context)
    {
        var store = context.Service<IHeraldStore>();
        var time = context.Service<TimeProvider>();
        var client = await FindOwnAsync(context, store, time, id => $"client with id {id} doesn't exists");
        var body = await RequestBody.ReadAsync(context, "ClientParams");
        var name = Validation.Required(body.GetString("name"), "name");
        var expiry = ExpiresAfterInactivitySeconds(body);
        var updated = client with { Name = name, ExpiresAfterInactivitySeconds = expiry ?? client.ExpiresAfterInactivitySeconds };
        var now = time.GetUtcNow();
        updated = updated with { ExpiresAt = ClientExpiry.ExpiresAt(updated, now) };
        await store.UpdateClientAsync(updated, context.RequestAborted);
        await Responses.Json(context, EntityMapper.ToJson(updated, now), HeraldJson.Api.ClientJson);
    }

    private static async Task DeleteAsync(HttpContext context)
    {
        var store = context.Service<IHeraldStore>();
        var hub = context.Service<StreamHub>();
        var time = context.Service<TimeProvider>();
        var client = await FindOwnAsync(context, store, time, id => $"client with id {id} doesn't exists");
        await store.DeleteClientAsync(client.Id, context.RequestAborted);
        hub.CloseClient(client.Token);
        await Responses.Empty(context);
    }

    private static async Task ElevateAsync(HttpContext context)
    {
        var store = context.Service<IHeraldStore>();
        var time = context.Service<TimeProvider>();
        if (context.GetCaller().Client is { } self && !(self.ElevatedUntil > time.GetUtcNow()))
        {
            // Gotify 3 answers 403 here, but gotify-spec.json documents only 204/400/401/404 for elevateClient.
            throw ApiException.Unauthorized(Authenticator.NotElevated);
        }

        var client = await FindOwnAsync(context, store, time, _ => "client not found");
        var body = await RequestBody.ReadAsync(context, "ElevateRequest");
        // Gotify's int, kept to 32 bits (68 years) so that now + duration stays a date.
        var seconds = Validation.Required(body.GetInteger("durationSeconds", "int", int.MinValue, int.MaxValue), "durationSeconds");
        await store.UpdateClientAsync(client with { ElevatedUntil = time.GetLocalNow().AddSeconds(seconds) }, context.RequestAborted);
        await Responses.Empty(context, StatusCodes.Status204NoContent);
    }

    /// <summary>Gotify's uint, kept to 32 bits (136 years) so that last use + expiry stays a date.</summary>
    private static long? ExpiresAfterInactivitySeconds(RequestBody body) =>
        body.GetInteger("expiresAfterInactivitySeconds", "uint", 0, uint.MaxValue);

    private static async Task<Client> FindOwnAsync(HttpContext context, IHeraldStore store, TimeProvider time, Func<long, string> notFound)
    {
        var id = RouteValues.Id(context);
        var client = await store.GetClientByIdAsync(id, time.GetUtcNow(), context.RequestAborted);
        return client is not null && client.UserId == context.GetCaller().User.Id ? client : throw ApiException.NotFound(notFound(id));
    }
}
