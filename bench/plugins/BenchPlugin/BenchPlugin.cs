using Herald.PluginApi;
using Microsoft.AspNetCore.Http;

namespace Herald.Bench.Plugin;

/// <summary>The handler measured both ways: as a plugin webhook and as a route built into the server.</summary>
public static class BenchHandlers
{
    public static Task HookAsync(HttpContext context, CancellationToken cancellationToken)
    {
        context.Response.ContentType = "text/plain";
        var name = context.Request.Query["name"].ToString();
        return context.Response.WriteAsync(name.Length == 0 ? "ok" : "ok " + name, cancellationToken);
    }
}

[PluginInfo(BenchIdentity.ModulePath, Name = "bench", Version = "1.0.0", Description = "Webhook benchmark plugin")]
public sealed class BenchFactory : IPluginFactory
{
    public IPlugin Create(UserContext user, IPluginContext context) => new BenchPlugin();
}

public sealed class BenchPlugin : IWebhooker
{
    public Task EnableAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task DisableAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void RegisterWebhook(string basePath, IWebhookRouter router) => router.Map("GET", "hook", BenchHandlers.HookAsync);
}
