using Herald.Server.Auth;

namespace Herald.Server.Auth;

/// <summary>
/// Registers API routes as plain request delegates: the route's <see cref="AuthRequirement"/> is checked first and
/// the caller stored for <see cref="AuthEndpointExtensions.GetCaller"/>. Plain delegates skip the minimal-API
/// binding machinery (expression compilation, filter pipeline), which keeps start-up, memory and per-request cost low.
/// </summary>
public static class GotifyRoutes
{
    public static IEndpointConventionBuilder MapGotify(this IEndpointRouteBuilder routes, string method, string pattern, AuthRequirement? requirement, Func<HttpContext, Task> handler)
    {
        // All Herald services are singletons: handlers resolve them from the root provider, so no request creates a
        // service scope (a scope per request is garbage on every post and memory held by every open stream).
        var services = routes.ServiceProvider;
        return routes.MapMethods(pattern, [method], requirement is not { } required
            ? context =>
            {
                context.RequestServices = services;
                return handler(context);
            }
            : async context =>
            {
                context.RequestServices = services;
                var caller = await context.Service<Authenticator>().AuthenticateAsync(context, required);
                context.SetCaller(caller);
                await handler(context);
            });
    }

    /// <summary>As above, for a handler that names the one service or store it needs in its signature.</summary>
    public static IEndpointConventionBuilder MapGotify<T>(this IEndpointRouteBuilder routes, string method, string pattern, AuthRequirement? requirement, Func<HttpContext, T, Task> handler)
        where T : notnull => routes.MapGotify(method, pattern, requirement, context => handler(context, context.Service<T>()));

    /// <summary>As above, for a handler that needs two.</summary>
    public static IEndpointConventionBuilder MapGotify<T1, T2>(this IEndpointRouteBuilder routes, string method, string pattern, AuthRequirement? requirement, Func<HttpContext, T1, T2, Task> handler)
        where T1 : notnull
        where T2 : notnull => routes.MapGotify(method, pattern, requirement, context => handler(context, context.Service<T1>(), context.Service<T2>()));

    /// <summary>A Herald service (all are singletons).</summary>
    public static T Service<T>(this HttpContext context)
        where T : notnull => context.RequestServices.GetRequiredService<T>();
}
