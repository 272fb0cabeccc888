namespace Herald.Server.Http;

/// <summary>
/// The public base URL of a request (scheme and host), honouring the proxy headers Gotify honours:
/// <c>X-Forwarded-Proto: https</c>, <c>X-Forwarded-Host</c> and <c>X-Host</c>.
/// </summary>
public static class RequestLocation
{
    /// <summary>For example <c>https://push.example.org</c>, without a trailing slash.</summary>
    public static string BaseUrl(HttpRequest request)
    {
        var scheme = request.IsHttps || string.Equals(request.Headers["X-Forwarded-Proto"].ToString(), "https", StringComparison.OrdinalIgnoreCase)
            ? "https"
            : "http";
        var host = request.Headers["X-Forwarded-Host"].ToString();
        if (host.Length == 0)
        {
            host = request.Headers["X-Host"].ToString();
        }

        if (host.Length == 0)
        {
            host = request.Host.Value ?? "localhost";
        }

        return $"{scheme}://{host.Split(',')[0].Trim()}";
    }
}
