using Herald.PluginApi;

namespace Herald.PluginHosting.Instances;

/// <summary>
/// One instance's webhook routes, filled through <see cref="IWebhookRouter"/> during <c>RegisterWebhook</c> and read-only
/// afterwards. Owned by the host (never ASP.NET's routing tables), so an unloaded plugin leaves no handler behind.
/// </summary>
internal sealed class WebhookRoutes : IWebhookRouter
{
    private readonly List<Route> routes = [];
    private bool frozen;

    public void Map(string method, string pattern, WebhookHandler handler)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(method);
        ArgumentNullException.ThrowIfNull(pattern);
        ArgumentNullException.ThrowIfNull(handler);
        if (frozen)
        {
            throw new InvalidOperationException("Webhook routes can only be added during RegisterWebhook.");
        }

        var segments = Split(pattern);
        for (var i = 0; i < segments.Length; i++)
        {
            if (segments[i].StartsWith("{*", StringComparison.Ordinal) && i != segments.Length - 1)
            {
                throw new ArgumentException($"The catch-all segment {segments[i]} must be the last segment of '{pattern}'.", nameof(pattern));
            }
        }

        routes.Add(new Route(method.Trim().ToUpperInvariant(), pattern, segments, handler));
    }

    /// <summary>Stops further registrations.</summary>
    public void Freeze() => frozen = true;

    /// <summary>Finds the handler for <paramref name="method"/> and the path below the instance's base path.</summary>
    /// <param name="values">Receives the pattern's values (the request's route values, so the handler reads them there).</param>
    /// <returns>The handler with its pattern, or null; <paramref name="methodMismatch"/> tells a 405 from a 404.</returns>
    public (WebhookHandler Handler, string Pattern)? Match(string method, string relativePath, IDictionary<string, object?> values, out bool methodMismatch)
    {
        methodMismatch = false;
        var path = Split(relativePath);
        foreach (var route in routes)
        {
            if (!TryMatch(route.Segments, path, values))
            {
                continue;
            }

            if (route.Method == "*" || route.Method == method || (method == "HEAD" && route.Method == "GET"))
            {
                return (route.Handler, route.Pattern);
            }

            methodMismatch = true;
        }

        return null;
    }

    private static bool TryMatch(string[] pattern, string[] path, IDictionary<string, object?> values)
    {
        for (var i = 0; i < pattern.Length; i++)
        {
            var segment = pattern[i];
            if (segment.StartsWith("{*", StringComparison.Ordinal))
            {
                values[segment[2..^1]] = string.Join('/', path.Skip(i).Select(Uri.UnescapeDataString));
                return true;
            }

            if (i >= path.Length)
            {
                return false;
            }

            if (segment.StartsWith('{') && segment.EndsWith('}'))
            {
                values[segment[1..^1]] = Uri.UnescapeDataString(path[i]);
            }
            else if (!string.Equals(segment, path[i], StringComparison.Ordinal))
            {
                return false;
            }
        }

        return pattern.Length == path.Length;
    }

    private static string[] Split(string path) => path.Split('/', StringSplitOptions.RemoveEmptyEntries);

    private sealed record Route(string Method, string Pattern, string[] Segments, WebhookHandler Handler);
}
