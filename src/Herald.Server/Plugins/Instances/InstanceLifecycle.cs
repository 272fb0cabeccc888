using System.Text;
using Herald.PluginApi;
using Herald.PluginHosting.Instances;
using Herald.Server.Model;
using Herald.Server.Plugins.Invocation;
using Herald.Server.Plugins.Loading;

namespace Herald.Server.Plugins.Instances;

/// <summary>How long the host waits for each kind of call into an instance.</summary>
/// <param name="Lifecycle">Create, EnableAsync, DisableAsync.</param>
/// <param name="Config">Default config, validation, display, the set-up calls.</param>
/// <param name="Message">Delivering one message to a subscriber.</param>
/// <param name="BackgroundStop">How long background work gets to end after its token is cancelled.</param>
internal sealed record InstanceTimeouts(TimeSpan Lifecycle, TimeSpan Config, TimeSpan Message, TimeSpan BackgroundStop);

/// <summary>
/// One instance's life on the host: initialisation in named steps (create, find or create the conf, the crash record,
/// the shared set-up, register, enable), enabling and disabling on request, stopping, tearing down and faulting. The
/// manager calls it under its lock; <paramref name="requestFault"/> is how the instance's own failures (background
/// work, a call that timed out) come back to the manager, which takes the lock and calls <see cref="DisableFaultedAsync"/>.
/// </summary>
internal sealed class InstanceLifecycle(
    InstanceRegistry registry,
    InstanceRecords records,
    PluginConfWriter confs,
    ServerSetupSteps setup,
    PluginInvoker invoker,
    InstanceTimeouts timeouts,
    ILoggerFactory loggerFactory,
    Func<PluginInstance, string, Task> requestFault)
{
    private readonly ILogger logger = loggerFactory.CreateLogger<InstanceLifecycle>();

    /// <summary>
    /// Creates <paramref name="user"/>'s instance of <paramref name="plugin"/> in Gotify's order: create, find or create
    /// the conf (new confs start disabled), the set-up of <see cref="InstanceSetup"/>, then enable when the conf says
    /// enabled. Failures disable the instance with the reason; they never stop the caller.
    /// </summary>
    /// <param name="crashedLastRun">Why the plugin crashed the previous run, if it did: the instance then starts disabled.</param>
    public async Task InitializeAsync(LoadedPlugin plugin, User user, string? crashedLastRun, CancellationToken cancellationToken)
    {
        var conf = await records.FindConfAsync(user.Id, plugin.ModulePath, cancellationToken);
        PluginInstance? instance = null;
        var context = new InstanceContext(
            plugin,
            user.Id,
            loggerFactory.CreateLogger("Herald.Plugins." + plugin.ModulePath),
            invoker,
            reason => _ = requestFault(instance!, reason));
        var (created, createError) = await CreateObjectAsync(plugin, user, context, cancellationToken);
        var config = created is null ? null : ConfigAdapter.For(created);
        conf ??= await CreateConfAsync(plugin, user.Id, created, config, cancellationToken);
        instance = new PluginInstance(conf.Id, user.Id, conf.Token, plugin, context) { Object = created, Config = config, ApplicationId = conf.ApplicationId };
        if (created is null)
        {
            instance.Fault = $"The plugin could not create this user's instance ({createError}); it stays disabled until the plugin is fixed.";
            registry.Add(instance);
            return;
        }

        var enabled = await ApplyCrashRecordAsync(instance, conf, crashedLastRun, cancellationToken);
        if (!await SetUpAsync(instance, conf, cancellationToken))
        {
            enabled = false;
        }

        registry.Add(instance);
        if (enabled)
        {
            await EnableAtStartAsync(instance, cancellationToken);
        }
    }

    /// <summary>Enables on the user's request; a failure stops the instance again and is the answer. Does not persist.</summary>
    public async Task EnableRequestedAsync(PluginInstance instance, CancellationToken cancellationToken)
    {
        RequireObject(instance);
        try
        {
            await EnableAsync(instance, cancellationToken);
        }
        catch (PluginCallException e)
        {
            if (e.DisablesInstance)
            {
                instance.Fault = $"Disabled by Herald because {e.Message}.";
            }

            await StopRunningAsync(instance, close: false);
            throw PluginRequestException.For(e, PluginRefusal.Failed);
        }

        instance.Fault = null;
    }

    /// <summary>
    /// Disables on the user's request: a throwing DisableAsync is the answer and changes nothing; one that does not
    /// finish (or never gets a slot) is stopped on the host's side regardless, which is what was asked. Does not persist.
    /// </summary>
    public async Task DisableRequestedAsync(PluginInstance instance, CancellationToken cancellationToken)
    {
        var plugin = RequireObject(instance);
        try
        {
            await invoker.InvokeAsync(instance.Call("DisableAsync", timeouts.Lifecycle), plugin.DisableAsync, cancellationToken);
        }
        catch (PluginCallException e) when (e.Failure == PluginCallFailure.Threw)
        {
            throw new PluginRequestException(PluginRefusal.Failed, e.Message);
        }
        catch (PluginCallException e)
        {
            // Only the timeout is the plugin's doing and shown as its fault.
            if (e.DisablesInstance)
            {
                instance.Fault = $"DisableAsync was abandoned because {e.Message}.";
            }
        }

        await StopRunningAsync(instance, close: false);
    }

    /// <summary>
    /// Disables and drops an instance of a user about to be deleted. As in Gotify, a DisableAsync that throws aborts
    /// the deletion (<see cref="InvalidOperationException"/>); one that hangs does not (it is abandoned).
    /// </summary>
    public async Task RemoveForDeletedUserAsync(PluginInstance instance, CancellationToken cancellationToken)
    {
        if (instance.Enabled && instance.Object is { } plugin)
        {
            try
            {
                await invoker.InvokeAsync(instance.Call("DisableAsync", timeouts.Lifecycle), plugin.DisableAsync, cancellationToken);
            }
            catch (PluginCallException e) when (e.Failure == PluginCallFailure.Threw)
            {
                throw new InvalidOperationException(e.Message, e);
            }
            catch (PluginCallException)
            {
                // Abandoned; the user is deleted anyway.
            }
        }

        await TeardownAsync(instance, callDisable: false, cancellationToken);
    }

    /// <summary>
    /// Removes an instance from the host: optionally calls DisableAsync (errors are logged, not raised), stops its
    /// work and drops every reference to plugin code it holds, so its plugin version can be unloaded.
    /// </summary>
    public async Task TeardownAsync(PluginInstance instance, bool callDisable, CancellationToken cancellationToken)
    {
        registry.Remove(instance);
        if (callDisable && instance.Object is { } plugin)
        {
            try
            {
                await invoker.InvokeAsync(instance.Call("DisableAsync", timeouts.Lifecycle), plugin.DisableAsync, cancellationToken);
            }
            catch (PluginCallException)
            {
                // Attributed and logged by the invoker; the instance goes away regardless.
            }
            catch (OperationCanceledException)
            {
                // Shutdown ran out of time; the instance goes away regardless.
            }
        }

        await StopRunningAsync(instance, close: true);
        instance.Object = null;
        instance.Config = null;
        instance.Routes = null;
        instance.Context.Dispose();
    }

    /// <summary>
    /// Disables a misbehaving instance (background work failed, a call timed out) and persists it, with the reason
    /// shown to its user. The manager calls it under its lock, for an instance that is still registered.
    /// </summary>
    public async Task DisableFaultedAsync(PluginInstance instance, string reason, CancellationToken cancellationToken)
    {
        logger.LogWarning("Disabling plugin {ModulePath} for user {UserId}: {Reason}", instance.Plugin.ModulePath, instance.UserId, reason);
        instance.Fault = $"Disabled by Herald because {reason}.";
        if (instance.Enabled && instance.Object is { } plugin)
        {
            try
            {
                await invoker.InvokeAsync(instance.Call("DisableAsync", timeouts.Lifecycle), plugin.DisableAsync, cancellationToken);
            }
            catch (PluginCallException)
            {
                // Already failing; it is stopped regardless.
            }
        }

        await StopRunningAsync(instance, close: false);
        await confs.UpdateAsync(instance.ConfId, c => c with { Enabled = false }, cancellationToken);
    }

    /// <summary>Step 1: the plugin object, or why there is none.</summary>
    private async Task<(IPlugin? Created, string? Error)> CreateObjectAsync(LoadedPlugin plugin, User user, InstanceContext context, CancellationToken cancellationToken)
    {
        var factory = plugin.Factory!;
        try
        {
            var created = await invoker.InvokeAsync(
                plugin.Call(user.Id, "Create", timeouts.Lifecycle),
                _ => Task.FromResult(factory.Create(new UserContext(user.Id, user.Name, user.Admin), context)),
                cancellationToken);
            return created is null ? (null, "Create returned null") : (created, null);
        }
        catch (PluginCallException e)
        {
            return (null, e.Failure == PluginCallFailure.Threw ? $"{e.ExceptionType}: {e.Message}" : e.Message);
        }
    }

    /// <summary>Step 2, for a user without a conf of the plugin: a new, disabled one with the plugin's default config.</summary>
    private async Task<PluginConf> CreateConfAsync(LoadedPlugin plugin, long userId, IPlugin? created, ConfigAdapter? config, CancellationToken cancellationToken)
    {
        byte[]? configYaml = null;
        if (config is not null)
        {
            try
            {
                configYaml = Encoding.UTF8.GetBytes(await invoker.InvokeAsync(
                    plugin.Call(userId, "DefaultConfig", timeouts.Config),
                    _ => Task.FromResult(config.Serialize(config.DefaultConfig())),
                    cancellationToken));
            }
            catch (PluginCallException)
            {
                // Stored as empty: the start-up config step fills it once the plugin answers.
            }
        }

        return await records.CreateConfAsync(plugin, userId, configYaml, created is IMessenger, cancellationToken);
    }

    /// <summary>Step 3: a plugin that crashed the previous run starts disabled, with the reason; whether to enable.</summary>
    private async Task<bool> ApplyCrashRecordAsync(PluginInstance instance, PluginConf conf, string? crashedLastRun, CancellationToken cancellationToken)
    {
        if (crashedLastRun is null)
        {
            return conf.Enabled;
        }

        instance.Fault = $"Disabled because {crashedLastRun}.";
        if (conf.Enabled)
        {
            await confs.UpdateAsync(conf.Id, c => c with { Enabled = false }, cancellationToken);
            logger.LogWarning("Plugin {ModulePath} starts disabled for user {UserId} because {Reason}", instance.Plugin.ModulePath, instance.UserId, crashedLastRun);
        }

        return false;
    }

    /// <summary>Step 4: the shared set-up; false when the instance must stay disabled (config rejected, a call failed).</summary>
    private async Task<bool> SetUpAsync(PluginInstance instance, PluginConf conf, CancellationToken cancellationToken)
    {
        try
        {
            var wiring = await InstanceSetup.WireAsync(instance.Object!, instance.Config, instance.BasePath, setup.For(instance, conf), cancellationToken);
            instance.Routes = wiring.Routes;
            return wiring.ConfigAccepted;
        }
        catch (PluginCallException e)
        {
            instance.Fault = $"Setting up the instance failed in {e.Operation}: {e.Message}";
            await confs.UpdateAsync(conf.Id, c => c with { Enabled = false }, cancellationToken);
            return false;
        }
    }

    /// <summary>Step 5, once registered: enable an instance its user left enabled; a failure disables it with the reason.</summary>
    private async Task EnableAtStartAsync(PluginInstance instance, CancellationToken cancellationToken)
    {
        try
        {
            await EnableAsync(instance, cancellationToken);
        }
        catch (PluginCallException e)
        {
            logger.LogWarning("Plugin {ModulePath} failed to initialize for user {UserId}, disabling now: {Reason}", instance.Plugin.ModulePath, instance.UserId, e.Message);
            instance.Fault = $"Enabling the instance at start-up failed: {e.Message}";
            await confs.UpdateAsync(instance.ConfId, c => c with { Enabled = false }, cancellationToken);
        }
    }

    /// <summary>Runs EnableAsync and starts what runs while enabled (message delivery). Does not persist.</summary>
    private async Task EnableAsync(PluginInstance instance, CancellationToken cancellationToken)
    {
        var plugin = instance.Object!;
        await invoker.InvokeAsync(instance.Call("EnableAsync", timeouts.Lifecycle), plugin.EnableAsync, cancellationToken);
        if (plugin is IMessageSubscriber subscriber)
        {
            instance.Subscription = new SubscriptionQueue(instance, subscriber, invoker, timeouts.Message, logger);
        }

        instance.Enabled = true;
    }

    /// <summary>Stops what runs while enabled: delivery, background work. Does not call DisableAsync and does not persist.</summary>
    private async Task StopRunningAsync(PluginInstance instance, bool close)
    {
        instance.Enabled = false;
        if (instance.Subscription is { } subscription)
        {
            instance.Subscription = null;
            await subscription.StopAsync(timeouts.BackgroundStop);
            subscription.Dispose();
        }

        await instance.Context.StopBackgroundAsync(timeouts.BackgroundStop, close);
    }

    /// <summary>The plugin object to call; an instance whose object could not be created answers with why.</summary>
    private static IPlugin RequireObject(PluginInstance instance) =>
        instance.Object ?? throw new PluginRequestException(PluginRefusal.Failed, instance.Fault ?? "the plugin instance could not be created");
}
