using Herald.Server.Model;
using Herald.Server.Plugins.Loading;
using Herald.Server.Security;
using Herald.Server.Services;
using Herald.Server.Storage;

namespace Herald.Server.Plugins.Instances;

/// <summary>
/// The database rows behind instances, outside plugin code: a user's <c>plugin_confs</c> row of a plugin, the internal
/// application a messenger sends as, and Gotify's rule for which applications are internal.
/// </summary>
internal sealed class InstanceRecords(IHeraldStore store, ApplicationService applications, TimeProvider time)
{
    public Task<PluginConf?> FindConfAsync(long userId, string modulePath, CancellationToken cancellationToken) =>
        store.GetPluginConfAsync(userId, modulePath, cancellationToken);

    /// <summary>A new conf, disabled as in Gotify, with <paramref name="configYaml"/> and, for a messenger, its internal application.</summary>
    public async Task<PluginConf> CreateConfAsync(LoadedPlugin plugin, long userId, byte[]? configYaml, bool messenger, CancellationToken cancellationToken)
    {
        long applicationId = 0;
        if (messenger)
        {
            applicationId = (await CreateInternalApplicationAsync(plugin, userId, cancellationToken)).Id;
        }

        return await FreshToken.WriteAsync(
            TokenGenerator.NewPluginToken,
            token => store.CreatePluginConfAsync(
                new PluginConf(0, userId, plugin.ModulePath, token, applicationId, false, time.GetUtcNow(), configYaml, null),
                cancellationToken));
    }

    /// <summary>The application a messenger's messages arrive in: internal, named after the plugin, last in the user's order.</summary>
    public Task<Application> CreateInternalApplicationAsync(LoadedPlugin plugin, long userId, CancellationToken cancellationToken) =>
        applications.CreateInternalAsync(userId, plugin.Name, $"auto generated application for {plugin.ModulePath}", cancellationToken);

    /// <summary>
    /// Gotify's start-up rule: an application is internal exactly when a conf of a currently loaded plugin points to
    /// it. Apps of removed plugins become normal, deletable apps; apps of loaded plugins are forced internal.
    /// </summary>
    public async Task UpdateInternalApplicationsAsync(long userId, IReadOnlySet<string> loadedModulePaths, CancellationToken cancellationToken)
    {
        var userConfs = await store.GetPluginConfsByUserAsync(userId, cancellationToken);
        var pluginApps = userConfs.Where(c => c.ApplicationId != 0 && loadedModulePaths.Contains(c.ModulePath)).Select(c => c.ApplicationId).ToHashSet();
        foreach (var app in await store.GetApplicationsByUserAsync(userId, cancellationToken))
        {
            var shouldBeInternal = pluginApps.Contains(app.Id);
            if (app.Internal != shouldBeInternal)
            {
                await store.UpdateApplicationAsync(app with { Internal = shouldBeInternal }, cancellationToken);
            }
        }
    }
}
