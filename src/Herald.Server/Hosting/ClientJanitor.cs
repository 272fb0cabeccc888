using Herald.Server.Services;
using Herald.Server.Streaming;

namespace Herald.Server.Hosting;

/// <summary>
/// Every five minutes, as Gotify: records the use of clients holding an open stream, then deletes clients whose
/// inactivity expiry has passed and closes their streams.
/// </summary>
internal sealed class ClientJanitor : BackgroundService
{
    private static readonly TimeSpan Period = TimeSpan.FromMinutes(5);

    private readonly ClientService clients;
    private readonly StreamHub hub;
    private readonly TimeProvider time;
    private readonly ILogger<ClientJanitor> logger;

    public ClientJanitor(ClientService clients, StreamHub hub, TimeProvider time, ILogger<ClientJanitor> logger)
    {
        this.clients = clients;
        this.hub = hub;
        this.time = time;
        this.logger = logger;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Period, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await RunOnceAsync(stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogWarning(e, "Client clean-up failed; retrying in {Period}", Period);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    internal async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        await clients.TouchAsync(hub.ConnectedClientTokens(), cancellationToken);
        await clients.DeleteExpiredAsync(cancellationToken);
    }
}
