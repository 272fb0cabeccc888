using Herald.Server.Api;

namespace Herald.Server.Auth;

/// <summary>Declares a route's <see cref="AuthRequirement"/>; the caller is then available through <see cref="GetCaller"/>.</summary>
public static class AuthEndpointExtensions
{
    private const string CallerKey = "herald.caller";

    public static TBuilder RequireGotifyAuth<TBuilder>(this TBuilder builder, AuthRequirement requirement)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (invocation, next) =>
        {
            var context = invocation.HttpContext;
            var caller = await context.RequestServices.GetRequiredService<Authenticator>().AuthenticateAsync(context, requirement);
            context.Items[CallerKey] = caller;
            return await next(invocation);
        });

    /// <summary>The authenticated caller; throws 401 if the route did not authenticate one.</summary>
    public static Caller GetCaller(this HttpContext context) =>
        context.Items.TryGetValue(CallerKey, out var value) && value is Caller caller ? caller : throw ApiException.Unauthorized(Authenticator.Unauthenticated);

    /// <summary>The caller if the route's (optional) authentication found one.</summary>
    public static Caller? FindCaller(this HttpContext context) =>
        context.Items.TryGetValue(CallerKey, out var value) ? value as Caller : null;
}
