namespace Herald.PluginApi;

/// <summary>
/// One plugin instance of one user. Every capability interface extends it; Herald detects capabilities by the
/// interfaces the object returned from <see cref="IPluginFactory.Create"/> implements.
/// </summary>
/// <remarks>
/// Herald calls the handlers' setters (<see cref="IMessenger.SetMessageHandler"/>, <see cref="IStorager.SetStorageHandler"/>),
/// then the configuration, then <see cref="IWebhooker.RegisterWebhook"/>, and only then <see cref="EnableAsync"/>.
/// Each call goes through one invoker that applies a timeout: a call that does not finish in time is abandoned and the
/// instance is disabled with the reason shown to its user, so honour <see cref="CancellationToken"/>s.
/// </remarks>
public interface IPlugin
{
    /// <summary>
    /// Starts the instance: at start-up when the user left it enabled, and each time the user enables it.
    /// Throwing keeps the instance disabled; the exception's message is shown to the user.
    /// </summary>
    /// <param name="cancellationToken">Cancelled when the host gives up waiting (timeout or shutdown).</param>
    /// <returns>A task that completes when the instance runs.</returns>
    Task EnableAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Stops the instance: when the user disables it, before it is replaced by a new version, unloaded, or its user is
    /// deleted. Work started with <see cref="IPluginContext.RunInBackground"/> is cancelled by the host afterwards.
    /// </summary>
    /// <param name="cancellationToken">Cancelled when the host gives up waiting (timeout or shutdown).</param>
    /// <returns>A task that completes when the instance stopped.</returns>
    Task DisableAsync(CancellationToken cancellationToken);
}
