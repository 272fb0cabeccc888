using Herald.Server.Auth;
using Herald.Server.Configuration;
using Herald.Server.Http;
using Herald.Server.Http.Json;
using Herald.Server.Model;
using Herald.Server.Services;
using Herald.Server.Storage;

namespace Herald.Server.Api;

/// <summary><c>/current/user</c> and the admin's <c>/user</c> routes.</summary>
internal static class UserEndpoints
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGotify(HttpMethods.Get, "/current/user", AuthRequirement.Client, CurrentAsync);
        routes.MapGotify<UserService>(HttpMethods.Post, "/current/user/password", AuthRequirement.Client, ChangePasswordAsync);
        routes.MapGotify<IUserStore>(HttpMethods.Get, "/user", AuthRequirement.Admin, ListAsync);
        routes.MapGotify<UserService, HeraldSettings>(HttpMethods.Post, "/user", AuthRequirement.Optional, CreateAsync);
        routes.MapGotify<IUserStore>(HttpMethods.Get, "/user/{id}", AuthRequirement.Admin, GetAsync);
        routes.MapGotify<IUserStore, UserService>(HttpMethods.Post, "/user/{id}", AuthRequirement.Admin, UpdateAsync);
        routes.MapGotify<IUserStore, UserService>(HttpMethods.Delete, "/user/{id}", AuthRequirement.Admin, DeleteAsync);
    }

    /// <summary>The user with, for client credentials, the client's id and a still-running elevation.</summary>
    public static CurrentUserJson ToCurrentUser(Caller caller, DateTimeOffset now) => new(
        caller.User.Id,
        caller.User.Name,
        caller.User.Admin,
        caller.User.CreatedAt,
        caller.Client?.Id,
        caller.Client?.ElevatedUntil > now ? caller.Client.ElevatedUntil : null);

    private static Task CurrentAsync(HttpContext context) =>
        Responses.Json(context, ToCurrentUser(context.GetCaller(), context.Service<TimeProvider>().GetUtcNow()), HeraldJson.Api.CurrentUserJson);

    private static async Task ChangePasswordAsync(HttpContext context, UserService users)
    {
        var body = await RequestBody.ReadAsync(context, "UserExternalPass");
        var pass = Validation.Required(body.GetString("pass"), "pass");
        await users.SetPasswordAsync(context.GetCaller().User, pass, context.RequestAborted);
        await Responses.Empty(context);
    }

    private static async Task ListAsync(HttpContext context, IUserStore store)
    {
        var users = await store.GetUsersAsync(context.RequestAborted);
        await Responses.Json<IReadOnlyList<UserJson>>(context, users.Select(EntityMapper.ToJson).ToList(), HeraldJson.Api.IReadOnlyListUserJson);
    }

    private static async Task CreateAsync(HttpContext context, UserService users, HeraldSettings settings)
    {
        var body = await RequestBody.ReadAsync(context, "CreateUserExternal");
        var name = Validation.Required(body.GetString("name"), "name");
        var pass = Validation.Required(body.GetString("pass"), "pass");
        var admin = body.GetBool("admin") ?? false;

        var caller = context.FindCaller();
        if (caller is not { User.Admin: true })
        {
            // Anonymous callers get 401 and logged-in non-admins 403, with Gotify's texts.
            var status = caller is null ? StatusCodes.Status401Unauthorized : StatusCodes.Status403Forbidden;
            if (!settings.Registration)
            {
                throw new ApiException(status, Authenticator.NotAllowed);
            }

            if (admin)
            {
                throw new ApiException(status, "you are not allowed to create an admin user");
            }
        }

        var user = await users.CreateAsync(name, pass, admin, CancellationToken.None);
        await Responses.Json(context, EntityMapper.ToJson(user), HeraldJson.Api.UserJson);
    }

    private static async Task GetAsync(HttpContext context, IUserStore store)
    {
        var user = await FindAsync(context, store);
        await Responses.Json(context, EntityMapper.ToJson(user), HeraldJson.Api.UserJson);
    }

    private static async Task UpdateAsync(HttpContext context, IUserStore store, UserService users)
    {
        var user = await FindAsync(context, store);
        var body = await RequestBody.ReadAsync(context, "UpdateUserExternal");
        var name = Validation.Required(body.GetString("name"), "name");
        var admin = body.GetBool("admin") ?? false;
        var updated = await users.UpdateAsync(user, name, admin, body.GetString("pass"), context.RequestAborted);
        await Responses.Json(context, EntityMapper.ToJson(updated), HeraldJson.Api.UserJson);
    }

    private static async Task DeleteAsync(HttpContext context, IUserStore store, UserService users)
    {
        var user = await FindAsync(context, store);
        await users.DeleteAsync(user, CancellationToken.None);
        await Responses.Empty(context);
    }

    private static async Task<User> FindAsync(HttpContext context, IUserStore store) =>
        await store.GetUserByIdAsync(RouteValues.Id(context), context.RequestAborted) ?? throw ApiException.NotFound("user does not exist");
}
