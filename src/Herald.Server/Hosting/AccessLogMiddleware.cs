using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Herald.Server.Hosting;

/// <summary>
/// One line per request: failures (4xx/5xx) at Information so that tools such as fail2ban can act on them, the rest
/// at Debug. Tokens in the query string are masked.
/// </summary>
internal sealed partial class AccessLogMiddleware
{
    private readonly RequestDelegate next;
    private readonly ILogger<AccessLogMiddleware> logger;

    public AccessLogMiddleware(RequestDelegate next, ILogger<AccessLogMiddleware> logger)
    {
        this.next = next;
        this.logger = logger;
    }

    public async Task InvokeAsync(HttpContext context)
    {
        var start = Stopwatch.GetTimestamp();
        try
        {
            await next(context);
        }
        finally
        {
            var status = context.Response.StatusCode;
            var level = status >= 400 ? LogLevel.Information : LogLevel.Debug;
            if (logger.IsEnabled(level))
            {
                var query = context.Request.QueryString.HasValue ? TokenPattern().Replace(context.Request.QueryString.Value!, "token=[masked]") : string.Empty;
                logger.Log(
                    level,
                    "HTTP {Status} {Method} {Path}{Query} {DurationMs:F1}ms {RemoteIp}",
                    status,
                    context.Request.Method,
                    context.Request.Path.Value,
                    query,
                    Stopwatch.GetElapsedTime(start).TotalMilliseconds,
                    context.Connection.RemoteIpAddress);
            }
        }
    }

    [GeneratedRegex("token=[^&]*")]
    private static partial Regex TokenPattern();
}
