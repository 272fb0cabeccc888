using Herald.Server.Configuration;

namespace Herald.Server.Hosting;

/// <summary>Console logging at <c>GOTIFY_LOGLEVEL</c>, one line per event; the framework's own chatter only from warnings up.</summary>
internal static class Logging
{
    public static void Configure(ILoggingBuilder logging, HeraldSettings settings)
    {
        logging.ClearProviders();
        logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "yyyy-MM-ddTHH:mm:ssK ";
            o.UseUtcTimestamp = false;
            o.ColorBehavior = settings.Host.NoColor
                ? Microsoft.Extensions.Logging.Console.LoggerColorBehavior.Disabled
                : Microsoft.Extensions.Logging.Console.LoggerColorBehavior.Default;
        });
        logging.SetMinimumLevel(Level(settings.LogLevel));
        logging.AddFilter("Microsoft", LogLevel.Warning);
        logging.AddFilter("System", LogLevel.Warning);

        // Herald writes its own access log. With this category enabled at any level, hosting starts an Activity and a
        // logging scope for every request, which costs each message post and each open stream memory for nothing.
        logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);
    }

    private static LogLevel Level(string name) => name.Trim().ToLowerInvariant() switch
    {
        "trace" => LogLevel.Trace,
        "debug" => LogLevel.Debug,
        "warn" => LogLevel.Warning,
        "error" => LogLevel.Error,
        "fatal" or "panic" => LogLevel.Critical,
        _ => LogLevel.Information,
    };
}
