namespace Herald.Server.Plugins.Invocation;

/// <summary>What is being called, for attribution and limits.</summary>
/// <param name="ModulePath">The plugin whose code runs, for attribution.</param>
/// <param name="Slots">That plugin's call slots.</param>
/// <param name="UserId">The instance's user, whose share of the slots the call takes; null for plugin-wide calls (the factory's constructor).</param>
/// <param name="Operation">Names the call in logs and messages: "EnableAsync", "webhook GET /echo".</param>
/// <param name="Timeout">How long the host waits before abandoning the call.</param>
/// <param name="Offload">
/// Run the call on the thread pool, so that a plugin blocking synchronously before its first await can still be
/// abandoned. Lifecycle and configuration calls offload; webhooks do not (they are awaited directly for throughput,
/// and the call slots bound what a blocking handler can hold).
/// </param>
internal readonly record struct PluginCall(string ModulePath, CallSlots Slots, long? UserId, string Operation, TimeSpan Timeout, bool Offload)
{
    /// <summary>
    /// Tells exceptions that are the caller's failure, not the plugin's, from the plugin's own: they are rethrown as they
    /// are instead of being attributed to the plugin (a webhook's request body that the server refused).
    /// </summary>
    public Func<Exception, bool>? IsCallersFault { get; init; }
}

/// <summary>
/// The one place every call into plugin code goes through: it catches and attributes exceptions, applies the timeout
/// and the call slots (per plugin and per user, <see cref="CallSlots"/>), and logs with the plugin's module path, the
/// user and the operation. The timeout starts once the call has its slot: waiting for one is other callers' load, not
/// the plugin's time. What a failure means for the instance is <see cref="PluginCallException.DisablesInstance"/>.
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
        var slots = call.Slots;
        if (!await slots.EnterAsync(call.UserId, call.Timeout, cancellationToken))
        {
            logger.LogWarning("Plugin {ModulePath} is busy: {Operation} for user {UserId} found no free call slot for {Timeout} ({InstanceLimit} per user, {PluginLimit} for the plugin)", call.ModulePath, call.Operation, call.UserId, call.Timeout, slots.InstanceLimit, slots.PluginLimit);
            throw new PluginCallException(PluginCallFailure.Busy, call.ModulePath, call.Operation, $"the plugin is busy: {call.Operation} waited {Seconds(call.Timeout)} for a call slot (at most {slots.InstanceLimit} calls per user and {slots.PluginLimit} for the whole plugin run at once)");
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
            logger.LogWarning("Plugin {ModulePath} did not finish {Operation} for user {UserId} within {Timeout}; the call was abandoned", call.ModulePath, call.Operation, call.UserId, call.Timeout);
            throw new PluginCallException(PluginCallFailure.TimedOut, call.ModulePath, call.Operation, $"{call.Operation} did not finish within {Seconds(call.Timeout)}");
        }
        catch (Exception e) when (call.IsCallersFault?.Invoke(e) == true)
        {
            throw;
        }
        catch (Exception e)
        {
            var thrown = e is System.Reflection.TargetInvocationException { InnerException: { } inner } ? inner : e;
            logger.LogError(thrown, "Plugin {ModulePath} failed in {Operation} for user {UserId}", call.ModulePath, call.Operation, call.UserId);
            throw new PluginCallException(PluginCallFailure.Threw, call.ModulePath, call.Operation, thrown.Message) { ExceptionType = thrown.GetType().Name };
        }
        finally
        {
            if (task is null || task.IsCompleted)
            {
                slots.Exit(call.UserId);
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
                        var (abandoned, userId, cts) = ((CallSlots, long?, CancellationTokenSource))state!;
                        abandoned.Exit(userId);
                        cts.Dispose();
                    },
                    (slots, call.UserId, timeout),
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
    public Task RunBackgroundAsync(string modulePath, long userId, string name, Func<CancellationToken, Task> work, Action<string> onFailure, CancellationToken stopping) =>
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
                    logger.LogError(e, "Background work {Work} of plugin {ModulePath} failed for user {UserId}", name, modulePath, userId);
                    onFailure($"background work '{name}' failed: {e.GetType().Name}: {e.Message}");
                }
            },
            CancellationToken.None);

    private static string Seconds(TimeSpan timeout) =>
        timeout.TotalSeconds >= 1 ? $"{timeout.TotalSeconds:0.#} s" : $"{timeout.TotalMilliseconds:0} ms";
}
