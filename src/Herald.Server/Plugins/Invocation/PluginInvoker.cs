using Herald.Server.Plugins.Loading;

namespace Herald.Server.Plugins.Invocation;

/// <summary>What is being called, for attribution and limits.</summary>
/// <param name="Plugin">The plugin whose code runs; its concurrency gate is used.</param>
/// <param name="UserId">The instance's user, or null for plugin-wide calls (the factory's constructor).</param>
/// <param name="Operation">Names the call in logs and messages: "EnableAsync", "webhook GET /echo".</param>
/// <param name="Timeout">How long the host waits before abandoning the call.</param>
/// <param name="Offload">
/// Run the call on the thread pool, so that a plugin blocking synchronously before its first await can still be
/// abandoned. Lifecycle and configuration calls offload; webhooks do not (they are awaited directly for throughput,
/// and the concurrency limit bounds what a blocking handler can hold).
/// </param>
internal readonly record struct PluginCall(LoadedPlugin Plugin, long? UserId, string Operation, TimeSpan Timeout, bool Offload);

/// <summary>
/// The one place every call into plugin code goes through: it catches and attributes exceptions, applies the timeout
/// and the per-plugin concurrency limit, and logs with the plugin's module path, the user and the operation. Callers
/// decide what a failure means (disable the instance, answer 500, reject a config).
/// </summary>
internal sealed class PluginInvoker(ILogger<PluginInvoker> logger)
{
    /// <summary>Runs <paramref name="body"/> as <paramref name="call"/>.</summary>
    /// <exception cref="PluginCallException">The plugin threw, timed out, or had no free slot in time.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled (the caller went away).</exception>
    public async Task<T> InvokeAsync<T>(PluginCall call, Func<CancellationToken, Task<T>> body, CancellationToken cancellationToken)
    {
        Task<T>? task = null;
        await RunAsync(call, token => task = call.Offload ? Task.Run(() => body(token), CancellationToken.None) : body(token), cancellationToken);
        return await task!;
    }

    /// <summary>Runs a call without a result; the webhook path, so it avoids any wrapper around the plugin's task.</summary>
    public Task InvokeAsync(PluginCall call, Func<CancellationToken, Task> body, CancellationToken cancellationToken) =>
        RunAsync(call, call.Offload ? token => Task.Run(() => body(token), CancellationToken.None) : body, cancellationToken);

    private async Task RunAsync(PluginCall call, Func<CancellationToken, Task> start, CancellationToken cancellationToken)
    {
        var plugin = call.Plugin;
        if (!plugin.Gate.Wait(0, CancellationToken.None))
        {
            if (!await plugin.Gate.WaitAsync(call.Timeout, cancellationToken))
            {
                logger.LogWarning("Plugin {ModulePath} is busy: {Operation} for user {UserId} found all {Limit} call slots taken for {Timeout}", plugin.ModulePath, call.Operation, call.UserId, plugin.ConcurrencyLimit, call.Timeout);
                throw new PluginCallException(PluginCallFailure.Busy, plugin.ModulePath, call.Operation, $"the plugin is busy: {call.Operation} waited {Seconds(call.Timeout)} for one of its {plugin.ConcurrencyLimit} call slots");
            }
        }

        var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(call.Timeout);
        Task? task = null;
        try
        {
            task = start(timeout.Token);
            if (!task.IsCompletedSuccessfully)
            {
                await task.WaitAsync(timeout.Token);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            logger.LogWarning("Plugin {ModulePath} did not finish {Operation} for user {UserId} within {Timeout}; the call was abandoned", plugin.ModulePath, call.Operation, call.UserId, call.Timeout);
            throw new PluginCallException(PluginCallFailure.TimedOut, plugin.ModulePath, call.Operation, $"{call.Operation} did not finish within {Seconds(call.Timeout)}");
        }
        catch (BadHttpRequestException)
        {
            // Kestrel refused the request body a webhook was reading (over server.maxbodybytes, too slow, malformed):
            // the client's failure, not the plugin's. The error middleware answers it in Gotify's format (413 …).
            throw;
        }
        catch (Exception e)
        {
            var thrown = e is System.Reflection.TargetInvocationException { InnerException: { } inner } ? inner : e;
            logger.LogError(thrown, "Plugin {ModulePath} failed in {Operation} for user {UserId}", plugin.ModulePath, call.Operation, call.UserId);
            throw new PluginCallException(PluginCallFailure.Threw, plugin.ModulePath, call.Operation, thrown.Message) { ExceptionType = thrown.GetType().Name };
        }
        finally
        {
            if (task is null || task.IsCompleted)
            {
                plugin.Gate.Release();
                timeout.Dispose();
            }
            else
            {
                // The plugin still runs: its slot stays taken until it really ends, so a plugin that hangs in every call
                // runs out of slots instead of out of the server's threads.
                _ = task.ContinueWith(
                    static (t, state) =>
                    {
                        _ = t.Exception;
                        var (gate, cts) = ((SemaphoreSlim, CancellationTokenSource))state!;
                        gate.Release();
                        cts.Dispose();
                    },
                    (plugin.Gate, timeout),
                    CancellationToken.None,
                    TaskContinuationOptions.ExecuteSynchronously,
                    TaskScheduler.Default);
            }
        }
    }

    /// <summary>
    /// Runs long-lived background work of an instance: no timeout and no call slot (it runs for as long as the instance
    /// is enabled), but exceptions are caught and attributed like every other call, and reported to
    /// <paramref name="onFailure"/> with the sentence to show the user.
    /// </summary>
    public Task RunBackgroundAsync(LoadedPlugin plugin, long userId, string name, Func<CancellationToken, Task> work, Action<string> onFailure, CancellationToken stopping) =>
        Task.Run(
            async () =>
            {
                try
                {
                    await work(stopping);
                }
                catch (OperationCanceledException) when (stopping.IsCancellationRequested)
                {
                    // Stopped by the host.
                }
                catch (Exception e)
                {
                    logger.LogError(e, "Background work {Work} of plugin {ModulePath} failed for user {UserId}", name, plugin.ModulePath, userId);
                    onFailure($"background work '{name}' failed: {e.GetType().Name}: {e.Message}");
                }
            },
            CancellationToken.None);

    private static string Seconds(TimeSpan timeout) =>
        timeout.TotalSeconds >= 1 ? $"{timeout.TotalSeconds:0.#} s" : $"{timeout.TotalMilliseconds:0} ms";
}
