using System.Net;
using Herald.Server.Api;
using Herald.Server.Auth;
using Herald.Server.Configuration;
using Herald.Server.Http;
using Herald.Server.Model;
using Herald.Server.Plugins;
using Herald.Server.Plugins.Http;
using Herald.Server.Security;
using Herald.Server.Services;
using Herald.Server.Storage;
using Herald.Server.Streaming;
using Microsoft.AspNetCore.HttpOverrides;

namespace Herald.Server.Hosting;

/// <summary>The composition root: wires settings, storage, services, middleware and routes into one web application.</summary>
public static class HeraldServer
{
    /// <summary>Runs the server until SIGINT/SIGTERM; returns the process exit code.</summary>
    public static async Task<int> RunAsync(HeraldSettings settings, CancellationToken cancellationToken)
    {
        NativeHeap.KeepLargeBlocksSeparate();
        using var loggerFactory = LoggerFactory.Create(logging => Logging.Configure(logging, settings));
        var logger = loggerFactory.CreateLogger("Herald");

        IHeraldStore store;
        try
        {
            StartupTasks.CreateFolders(settings);
            store = await StartupTasks.OpenStoreAsync(settings, TimeProvider.System, logger, cancellationToken);
            await StartupTasks.PrepareDatabaseAsync(store, settings, TimeProvider.System, logger, cancellationToken);
        }
        catch (Exception e) when (e is ConfigurationException or IOException or UnauthorizedAccessException or System.Data.Common.DbException)
        {
            logger.LogCritical("Cannot start: {Reason}", e.Message);
            return 1;
        }

        await using (store)
        {
            WebApplication app;
            try
            {
                app = Build(settings, store);
            }
            catch (ConfigurationException e)
            {
                logger.LogCritical("Cannot start: {Reason}", e.Message);
                return 1;
            }

            await using (app)
            {
                try
                {
                    await app.StartAsync(cancellationToken);
                }
                catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or ConfigurationException)
                {
                    logger.LogCritical("Cannot listen: {Reason}", e.Message);
                    return 1;
                }

                logger.LogInformation("Herald {Version} listening on {Addresses}", app.Services.GetRequiredService<BuildInfo>().Version, string.Join(", ", app.Urls));
                // Start-up (configuration, migration, hashing the default password, plugin loading) leaves garbage
                // that an idle server would otherwise keep resident until the next collection; give it back now.
                GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
                await app.WaitForShutdownAsync(cancellationToken);
            }
        }

        return 0;
    }

    /// <summary>Builds the application around an opened store; exposed for tests that host Herald in-process.</summary>
    public static WebApplication Build(HeraldSettings settings, IHeraldStore store)
    {
        // The empty builder: no appsettings files and no file watcher on the working directory (where the
        // database lives and changes with every write); everything Herald needs is added explicitly.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions
        {
            Args = [],
            ContentRootPath = Directory.GetCurrentDirectory(),
        });
        builder.WebHost.UseKestrelCore();
        Logging.Configure(builder.Logging, settings);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(10));
        builder.Services.Configure<Microsoft.AspNetCore.Http.Features.FormOptions>(o => o.MultipartBodyLengthLimit = settings.Server.MaxBodyBytes);
        ListenerSetup.Configure(builder, settings);
        AddServices(builder.Services, settings, store);

        var app = builder.Build();
        UsePipeline(app, settings);
        MapRoutes(app);

        var lifetime = app.Services.GetRequiredService<IHostApplicationLifetime>();
        var hub = app.Services.GetRequiredService<StreamHub>();
        lifetime.ApplicationStopping.Register(hub.CloseAll);
        return app;
    }

    private static void AddServices(IServiceCollection services, HeraldSettings settings, IHeraldStore store)
    {
        services.AddSingleton(settings);
        services.AddSingleton(store);
        services.AddSingleton<IUserStore>(store);
        services.AddSingleton<IApplicationStore>(store);
        services.AddSingleton<IClientStore>(store);
        services.AddSingleton<IMessageStore>(store);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(BuildInfo.FromAssembly());
        services.AddSingleton<PasswordHasher>();
        services.AddSingleton<Authenticator>();
        services.AddSingleton<ImageStore>();
        services.AddSingleton<StreamHub>();
        services.AddSingleton<IMessageObserver>(sp => sp.GetRequiredService<StreamHub>());
        services.AddSingleton<IClientObserver>(sp => sp.GetRequiredService<StreamHub>());
        services.AddSingleton<IUserObserver, StreamUserObserver>();
        services.AddSingleton<MessageService>();
        services.AddSingleton<UserService>();
        services.AddSingleton<ApplicationService>();
        services.AddSingleton<ClientService>();
        services.AddHostedService<ClientJanitor>();
        services.AddHostedService<IdleMemoryTrimmer>();
        if (settings.Server.Ssl.UsesLetsEncrypt)
        {
            services.AddSingleton<Tls.Http01ChallengeStore>();
            services.AddSingleton<Tls.AcmeCertificateManager>();
            services.AddHostedService(sp => sp.GetRequiredService<Tls.AcmeCertificateManager>());
        }
        services.AddHeraldPlugins(settings);
        services.AddRoutingCore();
        services.Configure<ForwardedHeadersOptions>(options =>
        {
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor;
            options.KnownProxies.Clear();
            options.KnownIPNetworks.Clear();
            foreach (var proxy in settings.Server.TrustedProxies)
            {
                if (System.Net.IPNetwork.TryParse(proxy, out var network))
                {
                    options.KnownIPNetworks.Add(network);
                }
                else if (IPAddress.TryParse(proxy, out var address))
                {
                    options.KnownProxies.Add(address);
                }
            }
        });
    }

    private static void UsePipeline(WebApplication app, HeraldSettings settings)
    {
        app.UseMiddleware<AccessLogMiddleware>();
        app.UseMiddleware<ErrorHandlingMiddleware>();
        if (settings.Server.Ssl.UsesLetsEncrypt)
        {
            // Before the HTTPS redirect: the CA validates HTTP-01 over plain HTTP.
            app.UseMiddleware<Tls.AcmeChallengeMiddleware>();
        }

        if (settings.Server.Ssl.Enabled && settings.Server.Ssl.RedirectToHttps)
        {
            app.UseMiddleware<HttpsRedirectMiddleware>();
        }

        app.UseMiddleware<PathNormalizationMiddleware>();
        if (settings.Server.TrustedProxies.Count > 0)
        {
            app.UseForwardedHeaders();
        }
        app.UseMiddleware<CorsMiddleware>();
        app.UseMiddleware<ResponseHeadersMiddleware>();
        app.UseWebSockets();
        app.UseRouting();
    }

    private static void MapRoutes(WebApplication app)
    {
        InfoEndpoints.Map(app);
        MessageEndpoints.Map(app);
        ApplicationEndpoints.Map(app);
        ClientEndpoints.Map(app);
        UserEndpoints.Map(app);
        SessionEndpoints.Map(app);
        ImageEndpoints.Map(app);
        StreamEndpoint.Map(app);
        app.MapHeraldPlugins();
        Web.WebUi.Map(app);
    }
}
