using System.Net.Http.Headers;
using System.Text;
using Herald.Server.Configuration;
using Herald.Server.Http;
using Herald.Server.Model;
using Herald.Server.Security;
using Herald.Server.Storage;

namespace Herald.Server.Auth;

/// <summary>
/// Resolves a request's credential the way Gotify does. A token is read from the first non-empty of
/// <c>?token=</c>, <c>X-Gotify-Key</c>, <c>Authorization: Bearer</c> and the session cookie; basic auth is read
/// independently, and an invalid basic credential is skipped rather than rejected. Which credentials count, and in
/// which order, depends on the route's <see cref="AuthRequirement"/>.
/// </summary>
public sealed class Authenticator
{
    public const string Unauthenticated = "you need to provide a valid access token or user credentials to access this api";
    public const string NotAllowed = "you are not allowed to access this api";
    public const string NotElevated = "session not elevated, use basic auth or call /client:elevate";

    private static readonly TimeSpan TouchInterval = TimeSpan.FromMinutes(5);

    private readonly IHeraldStore store;
    private readonly HeraldSettings settings;
    private readonly TimeProvider time;

    public Authenticator(IHeraldStore store, HeraldSettings settings, TimeProvider time)
    {
        this.store = store;
        this.settings = settings;
        this.time = time;
    }

    /// <summary>
    /// The caller of <paramref name="context"/> under <paramref name="requirement"/>; <see langword="null"/> only for
    /// <see cref="AuthRequirement.Optional"/> without credentials.
    /// </summary>
    /// <exception cref="ApiException">401, or 403 for a non-admin, a session that is not elevated or a cross-site cookie request.</exception>
    public async Task<Caller?> AuthenticateAsync(HttpContext context, AuthRequirement requirement)
    {
        var cancellationToken = context.RequestAborted;
        var (token, fromCookie) = ReadToken(context.Request);
        Caller? caller = null;

        if (requirement == AuthRequirement.ApplicationOrClient && token is not null)
        {
            caller = await FromApplicationTokenAsync(token, cancellationToken);
        }

        if (caller is null && requirement != AuthRequirement.ApplicationOrClient)
        {
            caller = await FromBasicAsync(context.Request, cancellationToken);
        }

        if (caller is null && token is not null)
        {
            caller = await FromClientTokenAsync(token, fromCookie, cancellationToken);
        }

        if (caller is null && requirement == AuthRequirement.ApplicationOrClient)
        {
            caller = await FromBasicAsync(context.Request, cancellationToken);
        }

        if (caller is null)
        {
            return requirement == AuthRequirement.Optional ? null : throw ApiException.Unauthorized(Unauthenticated);
        }

        if (caller.Kind == CredentialKind.SessionCookie)
        {
            CheckSameOrigin(context.Request);
        }

        var now = time.GetUtcNow();
        if (requirement == AuthRequirement.Admin && !caller.User.Admin)
        {
            throw ApiException.Forbidden(NotAllowed);
        }

        if (requirement == AuthRequirement.ElevatedClient && caller.Client is { } client && !(client.ElevatedUntil > now))
        {
            throw ApiException.Forbidden(NotElevated);
        }

        await TouchAsync(context, caller, now, cancellationToken);
        return caller;
    }

    /// <summary>Finds the user of a basic-auth header, or null when it is absent or wrong.</summary>
    public async Task<User?> UserFromBasicAsync(HttpRequest request, CancellationToken cancellationToken) =>
        (await FromBasicAsync(request, cancellationToken))?.User;

    /// <remarks>
    /// A repeated source counts with its first value, as Go's <c>Query().Get</c>, <c>Header.Get</c> and
    /// <c>Cookie</c> read it: two <c>X-Gotify-Key</c> headers or two <c>?token=</c> values are not joined into
    /// one unknown token. An empty first value leaves the source empty, as in Go.
    /// </remarks>
    internal static (string? Token, bool FromCookie) ReadToken(HttpRequest request)
    {
        var query = First(request.Query["token"]);
        if (query.Length > 0)
        {
            return (query, false);
        }

        var key = First(request.Headers["X-Gotify-Key"]);
        if (key.Length > 0)
        {
            return (key, false);
        }

        var authorization = First(request.Headers.Authorization);
        if (authorization.Length > 7 && authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return (authorization[7..].Trim(), false);
        }

        var cookie = FirstCookie(request, SessionCookie.Name);
        return cookie.Length > 0 ? (cookie, true) : (null, false);
    }

    internal static (string Name, string Password)? ReadBasic(HttpRequest request)
    {
        var header = First(request.Headers.Authorization);
        if (!AuthenticationHeaderValue.TryParse(header, out var value)
            || !string.Equals(value.Scheme, "Basic", StringComparison.OrdinalIgnoreCase)
            || value.Parameter is null)
        {
            return null;
        }

        try
        {
            var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(value.Parameter));
            var colon = decoded.IndexOf(':', StringComparison.Ordinal);
            return colon < 0 ? null : (decoded[..colon], decoded[(colon + 1)..]);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static string First(Microsoft.Extensions.Primitives.StringValues values) => values.Count > 0 ? values[0] ?? string.Empty : string.Empty;

    /// <summary>The first cookie named <paramref name="name"/> (ASP.NET's <c>Request.Cookies</c> keeps the last).</summary>
    private static string FirstCookie(HttpRequest request, string name)
    {
        if (!Microsoft.Net.Http.Headers.CookieHeaderValue.TryParseList(request.Headers.Cookie, out var cookies))
        {
            return string.Empty;
        }

        var cookie = cookies.FirstOrDefault(c => c.Name.Equals(name, StringComparison.Ordinal));
        return cookie is null ? string.Empty : Uri.UnescapeDataString(cookie.Value.ToString());
    }

    private async Task<Caller?> FromBasicAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (ReadBasic(request) is not { } basic)
        {
            return null;
        }

        var user = await store.GetUserByNameAsync(basic.Name, cancellationToken);
        return user is not null && PasswordHasher.Verify(basic.Password, user.Pass) ? new Caller(user, CredentialKind.BasicAuth) : null;
    }

    private async Task<Caller?> FromApplicationTokenAsync(string token, CancellationToken cancellationToken)
    {
        if (EnhancedToken.IsEnhanced(token) && !token.StartsWith("gtfya", StringComparison.Ordinal))
        {
            return null;
        }

        var stored = Canonical(token);
        var application = await store.GetApplicationByTokenAsync(stored, cancellationToken);
        if (application is null)
        {
            return null;
        }

        var user = await store.GetUserByIdAsync(application.UserId, cancellationToken);
        return user is null ? null : new Caller(user, CredentialKind.ApplicationToken, Application: application);
    }

    private async Task<Caller?> FromClientTokenAsync(string token, bool fromCookie, CancellationToken cancellationToken)
    {
        if (EnhancedToken.IsEnhanced(token) && !token.StartsWith("gtfyc", StringComparison.Ordinal))
        {
            return null;
        }

        var client = await store.GetClientByTokenAsync(Canonical(token), time.GetUtcNow(), cancellationToken);
        if (client is null)
        {
            return null;
        }

        var user = await store.GetUserByIdAsync(client.UserId, cancellationToken);
        return user is null ? null : new Caller(user, fromCookie ? CredentialKind.SessionCookie : CredentialKind.ClientToken, Client: client);
    }

    private string Canonical(string token)
    {
        if (!EnhancedToken.IsEnhanced(token))
        {
            return token;
        }

        return EnhancedToken.Canonicalize(token, time.GetUtcNow(), out var error) ?? throw ApiException.Unauthorized(error ?? Unauthenticated);
    }

    /// <summary>Go's cross-origin protection, applied only to cookie-authenticated unsafe requests.</summary>
    private static void CheckSameOrigin(HttpRequest request)
    {
        if (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method))
        {
            return;
        }

        var site = request.Headers["Sec-Fetch-Site"].ToString();
        if (site is "same-origin" or "none")
        {
            return;
        }

        if (site.Length > 0)
        {
            throw ApiException.Forbidden("cross-origin request detected from Sec-Fetch-Site header");
        }

        var origin = request.Headers.Origin.ToString();
        if (origin.Length == 0 || (Uri.TryCreate(origin, UriKind.Absolute, out var o) && string.Equals(o.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase)))
        {
            return;
        }

        throw ApiException.Forbidden("cross-origin request detected, and/or browser is out of date: Sec-Fetch-Site is missing, and Origin does not match Host");
    }

    /// <summary>Records use at most every five minutes per token, slides client expiry and renews the session cookie.</summary>
    private async Task TouchAsync(HttpContext context, Caller caller, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (caller.Application is { } app && (app.LastUsed is null || now - app.LastUsed > TouchInterval))
        {
            await store.TouchApplicationAsync(app.Id, now, cancellationToken);
        }

        if (caller.Client is { } client && (client.LastUsed is null || now - client.LastUsed > TouchInterval))
        {
            await store.UpdateClientAsync(ClientExpiry.Touched(client, now), cancellationToken);
            if (caller.Kind == CredentialKind.SessionCookie)
            {
                SessionCookie.Set(context.Response, client.Token, settings.Server.SecureCookie);
            }
        }
    }
}
