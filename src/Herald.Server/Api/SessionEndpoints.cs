using Herald.Server.Auth;
using Herald.Server.Configuration;
using Herald.Server.Http;
using Herald.Server.Http.Json;
using Herald.Server.Services;

namespace Herald.Server.Api;

/// <summary>Gotify 3's cookie sessions for browsers: <c>/auth/local/login</c> and <c>/auth/logout</c>.</summary>
internal static class SessionEndpoints
{
    private static readonly TimeSpan LoginElevation = TimeSpan.FromHours(1);

    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGotify<Authenticator, ClientService>(HttpMethods.Post, "/auth/local/login", null, LoginAsync);
        routes.MapGotify<ClientService>(HttpMethods.Post, "/auth/logout", AuthRequirement.Client, LogoutAsync);
    }

    private static async Task LoginAsync(HttpContext context, Authenticator authenticator, ClientService clients)
    {
        var settings = context.Service<HeraldSettings>();
        if (Authenticator.ReadBasic(context.Request) is null)
        {
            throw ApiException.Unauthorized("basic auth required");
        }

        var user = await authenticator.UserFromBasicAsync(context.Request, context.RequestAborted) ?? throw ApiException.Unauthorized("invalid credentials");
        var body = await RequestBody.ReadAsync(context, "ClientParams");
        var name = Validation.Required(body.GetString("name"), "name");
        var client = await clients.CreateAsync(user.Id, name, (long)SessionCookie.Lifetime.TotalSeconds, LoginElevation, context.RequestAborted);
        SessionCookie.Set(context.Response, client.Token, settings.Server.SecureCookie);
        await Responses.Json(context, UserEndpoints.ToCurrentUser(new Caller(user, CredentialKind.SessionCookie, client), context.Service<TimeProvider>().GetUtcNow()), HeraldJson.Api.CurrentUserJson);
    }

    private static async Task LogoutAsync(HttpContext context, ClientService clients)
    {
        var settings = context.Service<HeraldSettings>();
        SessionCookie.Clear(context.Response, settings.Server.SecureCookie);
        var caller = context.GetCaller();
        if (caller.Client is not { } client)
        {
            // Written here rather than thrown so the cleared cookie survives, as in Gotify. Gotify answers 403, but
            // gotify-spec.json documents only 200/400 for logout.
            await ErrorResponse.WriteAsync(context, StatusCodes.Status400BadRequest, "no client auth provided");
            return;
        }

        await clients.DeleteAsync(client, context.RequestAborted);
        await Responses.Empty(context);
    }
}
