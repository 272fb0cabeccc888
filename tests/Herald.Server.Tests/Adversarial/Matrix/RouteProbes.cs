using Herald.Server.Auth;

namespace Herald.Server.Tests.Adversarial.Matrix;

/// <summary>Which of Gotify's auth middlewares (behaviour reference §2.4, §3.2) a route uses, as far as the outcome differs.</summary>
public enum Access
{
    /// <summary>No credential needed; any sent is ignored (info routes, plugin webhooks).</summary>
    Public,

    /// <summary>RequireClient: basic auth or a client token.</summary>
    Client,

    /// <summary>RequireElevatedClient: basic auth, or a client token that is elevated (403 otherwise).</summary>
    ElevatedClient,

    /// <summary>POST /client/{id}/elevate: as <see cref="ElevatedClient"/>, refused with 401 (the spec documents no 403 there).</summary>
    Elevating,

    /// <summary>RequireAdmin: a user credential of an admin (403 for other users).</summary>
    Admin,

    /// <summary>RequireApplicationOrClient (POST /message).</summary>
    AppOrClient,

    /// <summary>Optional auth (POST /user): anonymous 401, non-admin 403, with registration off.</summary>
    OptionalUser,

    /// <summary>POST /auth/local/login: basic auth only.</summary>
    BasicLogin,

    /// <summary>POST /auth/logout: a client credential, which it deletes; basic auth is a 400 (the spec's code; Gotify 3 sends 403).</summary>
    Logout,

    /// <summary>GET /stream: RequireClient, then the websocket upgrade (101).</summary>
    Stream,
}

/// <summary>The expected answer: status and, where Gotify's rules fix it, the error text.</summary>
public sealed record Outcome(int Status, string? Description = null);

/// <summary>
/// A request per route that tells the auth outcome apart without changing anything: ids that do not exist, bodies
/// that fail validation only after authentication, idempotent updates of the owner's rows. Where the owner's row is
/// the target, another user gets Gotify's 404 (never 403).
/// </summary>
/// <param name="Key">The spec operation (<c>METHOD /path/{id}</c>), or the webhook route.</param>
/// <param name="Target">Path with placeholders the fixture fills in (<c>{app}</c>, <c>{client}</c>, <c>{victim}</c>, <c>{plugin}</c>, <c>{ptoken}</c>).</param>
/// <param name="Owner">The status for the owner (and for anyone on public routes).</param>
/// <param name="Other">The status for another user (including the admin on the owner's rows).</param>
public sealed record RouteProbe(string Key, string Target, Access Access, int Owner, int Other, string? Body = null, string? ContentType = null)
{
    private const string Json = "application/json";
    private const string LogoutBasic = "no client auth provided";

    public static IReadOnlyList<RouteProbe> All { get; } =
    [
        new("GET /application", "/application", Access.Client, 200, 200),
        new("POST /application", "/application", Access.Client, 400, 400, "{}", Json),
        new("PUT /application/{id}", "/application/{app}", Access.Client, 200, 404, "{\"name\":\"{appName}\"}", Json),
        new("DELETE /application/{id}", "/application/999999", Access.Client, 404, 404),
        new("POST /application/{id}/image", "/application/{app}/image", Access.Client, 400, 404, "--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.png\"\r\n\r\nnot an image\r\n--B--\r\n", "multipart/form-data; boundary=B"),
        new("DELETE /application/{id}/image", "/application/{app}/image", Access.Client, 400, 404),
        new("GET /application/{id}/message", "/application/{app}/message", Access.Client, 200, 404),
        new("DELETE /application/{id}/message", "/application/999999/message", Access.Client, 404, 404),
        new("PUT /application/{id}/security", "/application/{app}/security", Access.ElevatedClient, 200, 404, "{}", Json),
        new("POST /auth/local/login", "/auth/local/login", Access.BasicLogin, 400, 400, "{}", Json),
        new("POST /auth/logout", "/auth/logout", Access.Logout, 200, 200),
        new("GET /client", "/client", Access.Client, 200, 200),
        new("POST /client", "/client", Access.Client, 400, 400, "{}", Json),
        new("PUT /client/{id}", "/client/{client}", Access.Client, 200, 404, "{\"name\":\"{clientName}\"}", Json),
        new("DELETE /client/{id}", "/client/999999", Access.Client, 404, 404),
        new("POST /client/{id}/elevate", "/client/{client}/elevate", Access.Elevating, 400, 404, "{}", Json),
        new("GET /current/user", "/current/user", Access.Client, 200, 200),
        new("POST /current/user/password", "/current/user/password", Access.Client, 400, 400, "{}", Json),
        new("GET /gotifyinfo", "/gotifyinfo", Access.Public, 200, 200),
        new("GET /health", "/health", Access.Public, 200, 200),
        new("GET /version", "/version", Access.Public, 200, 200),
        new("GET /message", "/message", Access.Client, 200, 200),
        new("POST /message", "/message", Access.AppOrClient, 400, 400, "{}", Json),
        new("DELETE /message", "/message", Access.Client, 200, 200),
        new("DELETE /message/{id}", "/message/999999", Access.Client, 404, 404),
        new("GET /plugin", "/plugin", Access.Client, 200, 200),
        new("GET /plugin/{id}/config", "/plugin/{plugin}/config", Access.Client, 200, 404),
        new("POST /plugin/{id}/config", "/plugin/{plugin}/config", Access.Client, 200, 404, "magic_string: matrix\n", "application/x-yaml"),
        new("POST /plugin/{id}/disable", "/plugin/999999/disable", Access.Client, 404, 404),
        new("GET /plugin/{id}/display", "/plugin/{plugin}/display", Access.Client, 200, 404),
        new("POST /plugin/{id}/enable", "/plugin/{plugin}/enable", Access.Client, 400, 404),
        new("GET /stream", "/stream", Access.Stream, 101, 101),
        new("GET /user", "/user", Access.Admin, 200, 200),
        new("POST /user", "/user", Access.OptionalUser, 400, 400, "{\"name\":\"{victimName}\",\"pass\":\"x\",\"admin\":false}", Json),
        new("GET /user/{id}", "/user/{victim}", Access.Admin, 200, 200),
        new("POST /user/{id}", "/user/{victim}", Access.Admin, 200, 200, "{\"name\":\"{victimName}\",\"admin\":false}", Json),
        new("DELETE /user/{id}", "/user/999999", Access.Admin, 404, 404),
        new("GET /plugin/{id}/custom/{token}/state", "/plugin/{plugin}/custom/{ptoken}/state", Access.Public, 200, 200),
    ];

    public static RouteProbe Get(string key) => All.Single(r => r.Key == key);

    public string Method => Key.Split(' ')[0];

    public override string ToString() => Key;

    /// <summary>What Gotify answers this probe with a credential that authenticates as <paramref name="identity"/>.</summary>
    public Outcome Expected(Identity identity)
    {
        var user = identity.IsUser;
        var status = identity.Who == Principal.Owner ? Owner : Other;
        var unauthenticated = new Outcome(401, Authenticator.Unauthenticated);
        return Access switch
        {
            Access.Public => new(Owner),
            Access.Client or Access.Stream => user ? new(status) : unauthenticated,
            Access.ElevatedClient when identity.Via == Via.ClientToken => new(403, Authenticator.NotElevated),
            Access.Elevating when identity.Via == Via.ClientToken => new(401, Authenticator.NotElevated),
            Access.ElevatedClient or Access.Elevating => user ? new(status) : unauthenticated,
            Access.Admin when !user => unauthenticated,
            Access.Admin => identity.Who == Principal.Admin ? new(Owner) : new(403, Authenticator.NotAllowed),
            Access.AppOrClient => user || identity.Via == Via.AppToken ? new(Owner) : unauthenticated,
            Access.OptionalUser when !user => new(401, Authenticator.NotAllowed),
            Access.OptionalUser => identity.Who == Principal.Admin ? new(Owner) : new(403, Authenticator.NotAllowed),
            Access.BasicLogin => identity.Via == Via.Basic ? new(Owner) : new(401),
            Access.Logout when identity.Via == Via.Basic => new(400, LogoutBasic),
            Access.Logout => user ? new(Owner) : unauthenticated,
            _ => throw new InvalidOperationException(Access.ToString()),
        };
    }

    /// <summary>Whether the probe uses its credential up (logout deletes the client), so each row needs a fresh one.</summary>
    public bool ConsumesCredential => Access == Access.Logout;
}
