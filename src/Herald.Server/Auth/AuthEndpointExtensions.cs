using Herald.Server.Http;


namespace Herald.Server.Auth;

/// <summary>Access to the authenticated caller of a request.</summary>
public static class AuthEndpointExtensions
{
    private const string CallerKey = "herald.caller";

    /// <summary>Stores the caller the route's authentication found (or null for optional routes without credentials).</summary>
    public static void SetCaller(this HttpContext context, Caller? caller) => context.Items[CallerKey] = caller;

    /// <summary>The authenticated caller; throws 401 if the route did not authenticate one.</summary>
    public static Caller GetCaller(this HttpContext context) =>
        context.Items.TryGetValue(CallerKey, out var value) && value is Caller caller ? caller : throw ApiException.Unauthorized(Authenticator.Unauthenticated);

    /// <summary>The caller if the route's (optional) authentication found one.</summary>
    public static Caller? FindCaller(this HttpContext context) =>
        context.Items.TryGetValue(CallerKey, out var value) ? value as Caller : null;
}
