namespace Herald.Server.Auth;

/// <summary>Gotify 3's session cookie: a client token, HttpOnly, SameSite=Strict, 7 days, renewed while used.</summary>
internal static class SessionCookie
{
    public const string Name = "gotify-client-token";

    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(7);

    public static void Set(HttpResponse response, string token, bool secure) =>
        response.Cookies.Append(Name, token, new CookieOptions
        {
            Path = "/",
            MaxAge = Lifetime,
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Secure = secure,
        });

    public static void Clear(HttpResponse response, bool secure) =>
        response.Cookies.Append(Name, string.Empty, new CookieOptions
        {
            Path = "/",
            MaxAge = TimeSpan.Zero,
            Expires = DateTimeOffset.UnixEpoch,
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Secure = secure,
        });
}
