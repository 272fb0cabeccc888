using System.Text;
using Herald.PluginApi;
using Herald.PluginHosting.Instances;
using Herald.Server.Auth;
using Herald.Server.Model;
using Herald.Server.Plugins.Instances;
using Herald.Server.Plugins.Invocation;
using Herald.Server.Plugins.Loading;
using Herald.Server.Storage;

namespace Herald.Server.Plugins;

internal sealed partial class PluginManager
{
    /// <summary>Gotify's header for a stored config that the plugin rejected at start-up (line endings are literally CRLF).</summary>
    internal const string RejectedConfigHeader =
        "# Plugin initialization failed because it rejected the current config. It might be outdated.\r\n# A default plugin configuration is used:\r\n";

    /// <summary>Creates the instances of a new user (Gotify: OnUserAdded → InitializeForUserID).</summary>
    public async Task OnUserCreatedAsync(User user, CancellationToken cancellationToken)
    {
        if (!IsEnabled)
        {
            return;
        }

        await mutex.WaitAsync(cancellationToken);
        try
        {
            foreach (var entry in entries.Values.Where(e => e.Plugin is not null))
            {
                await InitializeInstanceAsync(entry.Plugin!, user, cancellationToken);
            }

            await UpdateInternalApplicationsAsync(user.Id, cancellationToken);
        }
        finally
        {
            mutex.Release();
        }
    }

    /// <summary>
    /// Disables and drops a user's instances before the user's rows are deleted. As in Gotify, a plugin whose
    /// DisableAsync throws aborts the deletion; one that hangs does not (it is abandoned).
    /// </summary>
    public async Task OnUserDeletingAsync(User user, CancellationToken cancellationToken)
    {
        if (!IsEnabled)
        {
            return;
        }

        await mutex.WaitAsync(cancellationToken);
        try
        {
            foreach (var instance in instances.Values.Where(i => i.UserId == user.Id).ToList())
            {
                if (instance.Enabled && instance.Object is { } plugin)
                {
                    try
                    {
                        await invoker.InvokeAsync(Call(instance, "DisableAsync", options.LifecycleTimeout), plugin.DisableAsync, cancellationToken);
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

                await TeardownInstanceAsync(instance, callDisable: false, cancellationToken);
            }
        }
        finally
        {
            mutex.Release();
        }
    }

    /// <summary>
    /// Creates <paramref name="user"/>'s instance of <paramref name="plugin"/> in Gotify's order: create, find or create
    /// the conf (new confs start disabled), message handler, storage handler, configuration, webhooks, then enable
    /// when the conf says enabled. Failures disable the instance with the reason; they never stop the caller.
    /// </summary>
    private async Task InitializeInstanceAsync(LoadedPlugin plugin, User user, CancellationToken cancellationToken)
    {
        var factory = plugin.Factory!;
        var conf = await store.GetPluginConfAsync(user.Id, plugin.ModulePath, cancellationToken);
        PluginInstance? instance = null;
        var context = new InstanceContext(
            plugin,
            user.Id,
            loggerFactory.CreateLogger("Herald.Plugins." + plugin.ModulePath),
            invoker,
            reason => _ = FaultAsync(instance!, reason));

        IPlugin? created = null;
        string? createError = null;
        try
        {
            created = await invoker.InvokeAsync(
                new PluginCall(plugin, user.Id, "Create", options.LifecycleTimeout, Offload: true),
                _ => Task.FromResult(factory.Create(new UserContext(user.Id, user.Name, user.Admin), context)),
                cancellationToken);
            if (created is null)
            {
                createError = "Create returned null";
            }
        }
        catch (PluginCallException e)
        {
            createError = e.Failure == PluginCallFailure.Threw ? $"{e.ExceptionType}: {e.Message}" : e.Message;
        }

        var config = created is null ? null : ConfigAdapter.For(created);
        if (conf is null)
        {
            conf = await CreateConfAsync(plugin, user.Id, created, config, cancellationToken);
        }

        instance = new PluginInstance(conf.Id, user.Id, conf.Token, plugin, context) { Object = created, Config = config, ApplicationId = conf.ApplicationId };
        if (created is null)
        {
            instance.Fault = $"The plugin could not create this user's instance ({createError}); it stays disabled until the plugin is fixed.";
            await RegisterAsync(instance, conf, cancellationToken);
            return;
        }

        var enabled = conf.Enabled;
        if (crashedLastRun.TryGetValue(plugin.ModulePath, out var crash))
        {
            instance.Fault = $"Disabled because {crash}.";
            if (enabled)
            {
                enabled = false;
                await confs.UpdateAsync(conf.Id, c => c with { Enabled = false }, cancellationToken);
                logger.LogWarning("Plugin {ModulePath} starts disabled for user {UserId} because {Reason}", plugin.ModulePath, user.Id, crash);
            }
        }

        try
        {
            if (created is IMessenger messenger)
            {
                if (instance.ApplicationId == 0)
                {
                    // Gained Messenger after the conf was created (Gotify's back-fill, fix for its #653).
                    var app = await CreateInternalApplicationAsync(plugin, user.Id, cancellationToken);
                    instance.ApplicationId = app.Id;
                    await confs.UpdateAsync(conf.Id, c => c with { ApplicationId = app.Id }, cancellationToken);
                }

                var handler = new MessageHandler(instance, store, messages);
                await invoker.InvokeAsync(Call(instance, "SetMessageHandler", options.ConfigTimeout), _ => { messenger.SetMessageHandler(handler); return Task.CompletedTask; }, cancellationToken);
            }

            if (created is IStorager storager)
            {
                var handler = new StorageHandler(conf.Id, confs);
                await invoker.InvokeAsync(Call(instance, "SetStorageHandler", options.ConfigTimeout), _ => { storager.SetStorageHandler(handler); return Task.CompletedTask; }, cancellationToken);
            }

            if (config is not null && !await InitializeConfigAsync(instance, conf, cancellationToken))
            {
                enabled = false;
            }

            if (created is IWebhooker webhooker)
            {
                var routes = new WebhookRoutes();
                await invoker.InvokeAsync(Call(instance, "RegisterWebhook", options.ConfigTimeout), _ => { webhooker.RegisterWebhook(instance.BasePath, routes); return Task.CompletedTask; }, cancellationToken);
                routes.Freeze();
                instance.Routes = routes;
            }
        }
        catch (PluginCallException e)
        {
            instance.Fault = $"Setting up the instance failed in {e.Operation}: {e.Message}";
            enabled = false;
            await confs.UpdateAsync(conf.Id, c => c with { Enabled = false }, cancellationToken);
        }

        await RegisterAsync(instance, conf, cancellationToken);
        if (enabled)
        {
            try
            {
                await EnableInstanceAsync(instance, cancellationToken);
            }
            catch (PluginCallException e)
            {
                logger.LogWarning("Plugin {ModulePath} failed to initialize for user {UserId}, disabling now: {Reason}", plugin.ModulePath, user.Id, e.Message);
                instance.Fault = $"Enabling the instance at start-up failed: {e.Message}";
                await confs.UpdateAsync(conf.Id, c => c with { Enabled = false }, cancellationToken);
            }
        }
    }

    private Task RegisterAsync(PluginInstance instance, PluginConf conf, CancellationToken cancellationToken)
    {
        instances[conf.Id] = instance;
        instancesByToken[conf.Token] = instance;
        if (instance.Object is IMessageSubscriber)
        {
            subscriptions.Add(instance);
        }

        return Task.CompletedTask;
    }

    /// <summary>Gotify's start-up config handling; false when the stored config was rejected and the instance must stay disabled.</summary>
    private async Task<bool> InitializeConfigAsync(PluginInstance instance, PluginConf conf, CancellationToken cancellationToken)
    {
        var adapter = instance.Config!;
        var stored = conf.Config;
        if (stored is null || stored.Length == 0)
        {
            // The plugin became a configurer after its conf was created.
            var defaults = await invoker.InvokeAsync(Call(instance, "DefaultConfig", options.ConfigTimeout), _ => Task.FromResult(adapter.Serialize(adapter.DefaultConfig())), cancellationToken);
            stored = Encoding.UTF8.GetBytes(defaults);
            await confs.UpdateAsync(conf.Id, c => c with { Config = stored }, cancellationToken);
        }

        var target = await invoker.InvokeAsync(Call(instance, "DefaultConfig", options.ConfigTimeout), _ => Task.FromResult(adapter.DefaultConfig()), cancellationToken);
        string? rejection = null;
        try
        {
            var parsed = adapter.Deserialize(stored, target);
            await invoker.InvokeAsync(Call(instance, "ValidateAndSetConfigAsync", options.ConfigTimeout), ct => adapter.ValidateAndSetAsync(parsed, ct), cancellationToken);
            return true;
        }
        catch (YamlDotNet.Core.YamlException e)
        {
            rejection = e.Message;
        }
        catch (PluginCallException e) when (e.Failure == PluginCallFailure.Threw)
        {
            rejection = e.Message;
        }

        logger.LogWarning(
            "Plugin {ModulePath} failed to initialize for user {UserId} because it rejected the current config ({Reason}). It might be outdated. A default config is used and the user would need to enable it again.",
            instance.Plugin.ModulePath,
            instance.UserId,
            rejection);
        var text = new StringBuilder(RejectedConfigHeader);
        text.Append(adapter.Serialize(target));
        text.Append("\r\n");
        text.Append("# The original configuration: \r\n");
        using (var reader = new StringReader(Encoding.UTF8.GetString(stored)))
        {
            // Go's bufio.Scanner: one "# line" per line, without the line's own ending.
            while (reader.ReadLine() is { } line)
            {
                text.Append("# ").Append(line).Append("\r\n");
            }
        }

        var rewritten = Encoding.UTF8.GetBytes(text.ToString());
        await confs.UpdateAsync(conf.Id, c => c with { Enabled = false, Config = rewritten }, cancellationToken);
        instance.Fault = $"The stored configuration was rejected at start-up ({rejection}); a default configuration is used, the old one is kept as comments below it. Check the configuration, then enable the plugin again.";
        try
        {
            await invoker.InvokeAsync(Call(instance, "ValidateAndSetConfigAsync", options.ConfigTimeout), ct => adapter.ValidateAndSetAsync(adapter.DefaultConfig(), ct), cancellationToken);
        }
        catch (PluginCallException)
        {
            // Gotify ignores this result too; the instance stays disabled either way.
        }

        return false;
    }

    private async Task<PluginConf> CreateConfAsync(LoadedPlugin plugin, long userId, IPlugin? created, ConfigAdapter? config, CancellationToken cancellationToken)
    {
        byte[]? configYaml = null;
        if (config is not null)
        {
            try
            {
                configYaml = Encoding.UTF8.GetBytes(await invoker.InvokeAsync(
                    new PluginCall(plugin, userId, "DefaultConfig", options.ConfigTimeout, Offload: true),
                    _ => Task.FromResult(config.Serialize(config.DefaultConfig())),
                    cancellationToken));
            }
            catch (PluginCallException)
            {
                // Stored as empty: the start-up config step fills it once the plugin answers.
            }
        }

        long applicationId = 0;
        if (created is IMessenger)
        {
            applicationId = (await CreateInternalApplicationAsync(plugin, userId, cancellationToken)).Id;
        }

        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await store.CreatePluginConfAsync(
                    new PluginConf(0, userId, plugin.ModulePath, TokenGenerator.NewPluginToken(), applicationId, false, time.GetUtcNow(), configYaml, null),
                    cancellationToken);
            }
            catch (DuplicateKeyException) when (attempt < 10)
            {
                // Token collision; draw another, as Gotify's GenerateNotExistingToken does.
            }
        }
    }

    private async Task<Application> CreateInternalApplicationAsync(LoadedPlugin plugin, long userId, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                var sortKey = FractionalIndex.KeyAfter(await store.GetMaxSortKeyAsync(userId, cancellationToken));
                return await store.CreateApplicationAsync(
                    new Application(0, TokenGenerator.NewApplicationToken(), userId, plugin.Name, $"auto generated application for {plugin.ModulePath}", true, string.Empty, 0, time.GetUtcNow(), null, sortKey),
                    cancellationToken);
            }
            catch (DuplicateKeyException) when (attempt < 10)
            {
                // Token or sort key taken concurrently; try again.
            }
        }
    }

    /// <summary>
    /// Gotify's start-up rule: an application is internal exactly when a conf of a currently loaded plugin points to
    /// it. Apps of removed plugins become normal, deletable apps; apps of loaded plugins are forced internal.
    /// </summary>
    private async Task UpdateInternalApplicationsAsync(long userId, CancellationToken cancellationToken)
    {
        var loaded = entries.Values.Where(e => e.Plugin is not null).Select(e => e.Plugin!.ModulePath).ToHashSet(StringComparer.Ordinal);
        var userConfs = await store.GetPluginConfsByUserAsync(userId, cancellationToken);
        var pluginApps = userConfs.Where(c => c.ApplicationId != 0 && loaded.Contains(c.ModulePath)).Select(c => c.ApplicationId).ToHashSet();
        foreach (var app in await store.GetApplicationsByUserAsync(userId, cancellationToken))
        {
            var shouldBeInternal = pluginApps.Contains(app.Id);
            if (app.Internal != shouldBeInternal)
            {
                await store.UpdateApplicationAsync(app with { Internal = shouldBeInternal }, cancellationToken);
            }
        }
    }

    /// <summary>Runs EnableAsync and starts what runs while enabled (message delivery). Does not persist.</summary>
    private async Task EnableInstanceAsync(PluginInstance instance, CancellationToken cancellationToken)
    {
        var plugin = instance.Object!;
        await invoker.InvokeAsync(Call(instance, "EnableAsync", options.LifecycleTimeout), plugin.EnableAsync, cancellationToken);
        if (plugin is IMessageSubscriber subscriber)
        {
            instance.Subscription = new SubscriptionQueue(instance, subscriber, invoker, options.MessageTimeout, logger);
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
            await subscription.StopAsync(options.BackgroundStopTimeout);
            subscription.Dispose();
        }

        await instance.Context.StopBackgroundAsync(options.BackgroundStopTimeout, close);
    }

    /// <summary>
    /// Removes an instance from the host: optionally calls DisableAsync (errors are logged, not raised), stops its
    /// work and drops every reference to plugin code it holds, so its plugin version can be unloaded.
    /// </summary>
    private async Task TeardownInstanceAsync(PluginInstance instance, bool callDisable, CancellationToken cancellationToken)
    {
        instances.TryRemove(instance.ConfId, out _);
        instancesByToken.TryRemove(instance.Token, out _);
        subscriptions.Remove(instance);
        if (callDisable && instance.Object is { } plugin)
        {
            try
            {
                await invoker.InvokeAsync(Call(instance, "DisableAsync", options.LifecycleTimeout), plugin.DisableAsync, cancellationToken);
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
    /// shown to its user. Runs on its own: it may be triggered from inside a call the manager is waiting on.
    /// </summary>
    private async Task FaultAsync(PluginInstance instance, string reason)
    {
        await Task.Yield();
        await mutex.WaitAsync(stopping.Token).ConfigureAwait(false);
        try
        {
            if (!instances.ContainsKey(instance.ConfId))
            {
                return;
            }

            logger.LogWarning("Disabling plugin {ModulePath} for user {UserId}: {Reason}", instance.Plugin.ModulePath, instance.UserId, reason);
            instance.Fault = $"Disabled by Herald because {reason}.";
            if (instance.Enabled && instance.Object is { } plugin)
            {
                try
                {
                    await invoker.InvokeAsync(Call(instance, "DisableAsync", options.LifecycleTimeout), plugin.DisableAsync, stopping.Token);
                }
                catch (PluginCallException)
                {
                    // Already failing; it is stopped regardless.
                }
            }

            await StopRunningAsync(instance, close: false);
            await confs.UpdateAsync(instance.ConfId, c => c with { Enabled = false }, stopping.Token);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Shutting down.
        }
        finally
        {
            mutex.Release();
        }
    }

    private static PluginCall Call(PluginInstance instance, string operation, TimeSpan timeout) =>
        new(instance.Plugin, instance.UserId, operation, timeout, Offload: true);
}
