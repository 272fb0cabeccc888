using System.Net.WebSockets;
using System.Text.RegularExpressions;
using Herald.Server.Auth;
using Herald.Server.Configuration;
using Herald.Server.Http;
using Herald.Server.Storage;

namespace Herald.Server.Streaming;

/// <summary>
/// <c>GET /stream</c>: authenticated before the upgrade (client token from any transport, the session cookie, or
/// basic auth), origin-checked as Gotify does, then held open by <see cref="StreamHub"/>.
/// </summary>
internal static class StreamEndpoint
{
    public static void Map(IEndpointRouteBuilder routes) =>
        routes.MapGotify(HttpMethods.Get, "/stream", AuthRequirement.Client, HandleAsync);

    private static async Task HandleAsync(HttpContext context)
    {
        var hub = context.Service<StreamHub>();
        var settings = context.Service<HeraldSettings>();
        if (!context.WebSockets.IsWebSocketRequest)
        {
            throw ApiException.BadRequest("websocket: the client is not using the websocket protocol: 'upgrade' token not found in 'Connection' header");
        }

        if (!IsAllowedOrigin(context.Request, settings.Server.Stream.AllowedOrigins))
        {
            throw ApiException.Forbidden("websocket: request origin not allowed by Upgrader.CheckOrigin");
        }

        var caller = context.GetCaller();
        var token = caller.Kind is CredentialKind.ClientToken or CredentialKind.SessionCookie ? caller.Client?.Token : null;
        var accept = new WebSocketAcceptContext
        {
            KeepAliveInterval = TimeSpan.FromSeconds(settings.Server.Stream.PingPeriodSeconds),
            KeepAliveTimeout = TimeSpan.FromSeconds(15),
        };

        // Shutdown closes streams through the hub (close code 1001), not by cancelling, so peers see a clean close.
        await hub.RunAsync(new StreamConnection(caller.User.Id, token), AcceptAsync, context.RequestAborted);

        async Task<WebSocket> AcceptAsync()
        {
            // The stream is registered with the hub by now. A client or user deleted since the authentication above
            // either found it there (and closed it) or is seen here: a revoked credential never keeps a stream open.
            var store = context.Service<IHeraldStore>();
            var still = token is not null
                ? await store.GetClientByTokenAsync(token, context.Service<TimeProvider>().GetUtcNow(), context.RequestAborted) is not null
                : await store.GetUserByIdAsync(caller.User.Id, context.RequestAborted) is not null;
            if (!still)
            {
                throw ApiException.Unauthorized(Authenticator.Unauthenticated);
            }

            return await context.WebSockets.AcceptWebSocketAsync(accept);
        }
    }

    /// <summary>No origin, the request's own host, or a hostname matching one of <c>allowedorigins</c>.</summary>
    internal static bool IsAllowedOrigin(HttpRequest request, IReadOnlyList<string> allowed)
    {
        var origin = request.Headers.Origin.ToString();
        if (origin.Length == 0)
        {
            return true;
        }

        if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri))
        {
            return false;
        }

        if (string.Equals(uri.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        var host = uri.Host.ToLowerInvariant();
        return allowed.Any(pattern => Regex.IsMatch(host, pattern, RegexOptions.None, TimeSpan.FromSeconds(1)));
    }
}
