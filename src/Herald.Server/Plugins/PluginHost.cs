using Herald.Server.Configuration;
using Herald.Server.Model;
using Herald.Server.Plugins.Instances;
using Herald.Server.Plugins.Invocation;
using Herald.Server.Plugins.Loading;
using Herald.Server.Services;

namespace Herald.Server.Plugins;

/// <summary>Wires the plugin host into the server: services, start/stop with the host, user observer (the routes are Plugins/Http's).</summary>
internal static class PluginHost
{
    /// <summary>Registers the plugin host for <paramref name="settings"/>' <c>pluginsdir</c>.</summary>
    public static IServiceCollection AddHeraldPlugins(this IServiceCollection services, HeraldSettings settings)
    {
        services.AddSingleton(PluginHostOptions.For(settings.PluginsDir, settings.Host));
        services.AddSingleton<PluginInvoker>();
        services.AddSingleton<UnloadTracker>();
        services.AddSingleton<SubscriptionHub>();
        services.AddSingleton<IMessageObserver>(sp => sp.GetRequiredService<SubscriptionHub>());
        services.AddSingleton<PluginManager>();
        services.AddSingleton<IUserObserver, PluginUserObserver>();
        services.AddHostedService<PluginHostedService>();
        return services;
    }

    /// <summary>Loads plugins before the server accepts requests, and stops them on shutdown.</summary>
    private sealed class PluginHostedService(PluginManager manager) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => manager.StartAsync(cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => manager.StopAsync(cancellationToken);
    }

    /// <summary>Creates and drops per-user instances as users come and go.</summary>
    private sealed class PluginUserObserver(PluginManager manager) : IUserObserver
    {
        public Task OnUserCreatedAsync(User user, CancellationToken cancellationToken) => manager.OnUserCreatedAsync(user, cancellationToken);

        public Task OnUserDeletingAsync(User user, CancellationToken cancellationToken) => manager.OnUserDeletingAsync(user, cancellationToken);
    }
}
