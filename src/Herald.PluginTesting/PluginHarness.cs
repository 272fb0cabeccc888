using System.Text;
using Herald.PluginApi;
using Herald.PluginHosting.Instances;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using YamlDotNet.Core;

namespace Herald.PluginTesting;

/// <summary>
/// Runs one plugin instance in-process the way the Herald server does, without a server: the factory creates it, the
/// message and storage handlers are set, the configuration goes through the server's YAML bridge, webhooks are
/// registered, and the instance is enabled, in the server's order. Tests then call webhooks, read the display, change
/// the configuration and look at what was sent and stored.
/// </summary>
public sealed class PluginHarness : IAsyncDisposable
{
    private const string TestToken = "Ptestpluginharness";

    private readonly HarnessContext context;
    private readonly ConfigAdapter? config;
    private readonly PluginHarnessOptions options;
    private WebhookRoutes? routes;
    private string? configYaml;
    private volatile bool enabled;

    private PluginHarness(IPlugin plugin, HarnessContext context, PluginHarnessOptions options)
    {
        Plugin = plugin;
        this.context = context;
        this.options = options;
        config = ConfigAdapter.For(plugin);
        Messages = new FakeMessageHandler(() => enabled);
        Storage = new FakeStorageHandler(options.Storage);
    }

    /// <summary>The instance under test.</summary>
    public IPlugin Plugin { get; }

    /// <summary>The instance's user.</summary>
    public UserContext User => options.User;

    /// <summary>What the instance sent.</summary>
    public FakeMessageHandler Messages { get; }

    /// <summary>The instance's storage blob.</summary>
    public FakeStorageHandler Storage { get; }

    /// <summary>The webhook base path the instance was given, <c>/plugin/1/custom/&lt;token&gt;/</c>, as the server builds it.</summary>
    public string BasePath { get; } = $"/plugin/1/custom/{TestToken}/";

    /// <summary>The instance's data folder (a temp folder, deleted on dispose).</summary>
    public string DataDirectory => context.DataDirectory;

    /// <summary>Whether the instance is enabled.</summary>
    public bool IsEnabled => enabled;

    /// <summary>What the plugin logged, one line per entry (<c>Information: text</c>).</summary>
    public IReadOnlyList<string> Log => context.Log;

    /// <summary>Exceptions thrown by background work; the server disables the instance for each.</summary>
    public IReadOnlyList<Exception> BackgroundFailures => context.BackgroundFailures;

    /// <summary>Creates and starts an instance of <paramref name="factory"/>'s plugin.</summary>
    /// <param name="factory">The plugin's factory (the class with <see cref="PluginInfoAttribute"/>).</param>
    /// <param name="options">User, starting config and storage, whether to enable.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running harness; dispose it to disable the instance and stop its background work.</returns>
    /// <exception cref="PluginConfigException">The starting configuration is refused.</exception>
    public static async Task<PluginHarness> StartAsync(IPluginFactory factory, PluginHarnessOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(factory);
        options ??= new PluginHarnessOptions();
        var dataDirectory = Path.Combine(Path.GetTempPath(), "herald-plugin-harness-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dataDirectory);
        var context = new HarnessContext(dataDirectory);
        var harness = new PluginHarness(factory.Create(options.User, context), context, options);
        try
        {
            await harness.InitializeAsync(cancellationToken);
            return harness;
        }
        catch
        {
            await harness.DisposeAsync();
            throw;
        }
    }

    /// <summary>Enables the instance, as <c>POST /plugin/{id}/enable</c> does.</summary>
    /// <exception cref="InvalidOperationException">It is already enabled (the server answers 400).</exception>
    public async Task EnableAsync(CancellationToken cancellationToken = default)
    {
        if (enabled)
        {
            throw new InvalidOperationException(PluginTexts.AlreadyEnabledOrDisabled);
        }

        await Plugin.EnableAsync(cancellationToken);
        enabled = true;
    }

    /// <summary>Disables the instance and stops its background work, as <c>POST /plugin/{id}/disable</c> does.</summary>
    /// <exception cref="InvalidOperationException">It is already disabled (the server answers 400).</exception>
    public async Task DisableAsync(CancellationToken cancellationToken = default)
    {
        if (!enabled)
        {
            throw new InvalidOperationException(PluginTexts.AlreadyEnabledOrDisabled);
        }

        enabled = false;
        await Plugin.DisableAsync(cancellationToken);
        await context.StopBackgroundAsync(options.BackgroundStopTimeout);
    }

    /// <summary>The stored configuration, as <c>GET /plugin/{id}/config</c> returns it.</summary>
    /// <exception cref="InvalidOperationException">The plugin is not a configurer (the server answers 400).</exception>
    public string GetConfig() => config is null ? throw new InvalidOperationException(PluginTexts.NotAConfigurer) : configYaml ?? string.Empty;

    /// <summary>Submits <paramref name="yaml"/>, as <c>POST /plugin/{id}/config</c> does: parsed onto a fresh default, validated by the plugin, stored as typed.</summary>
    /// <exception cref="PluginConfigException">Malformed YAML or rejected by the plugin; the previous configuration stays.</exception>
    public async Task SetConfigAsync(string yaml, CancellationToken cancellationToken = default)
    {
        var adapter = config ?? throw new InvalidOperationException(PluginTexts.NotAConfigurer);
        await ApplyAsync(adapter, yaml, cancellationToken);
        configYaml = yaml;
    }

    /// <summary>Calls the webhook at <paramref name="relativePath"/> below <see cref="BasePath"/>, as a client of <c>/plugin/{id}/custom/{token}/…</c> would.</summary>
    /// <param name="method">The HTTP method.</param>
    /// <param name="relativePath">The path below the base path, e.g. <c>message</c>; may carry a query string.</param>
    /// <param name="body">The request body, if any.</param>
    /// <param name="contentType">The request's Content-Type.</param>
    /// <param name="cancellationToken">Passed to the handler.</param>
    /// <returns>The response; 400 <c>plugin is disabled</c>, 404 or 405 as the server answers them. A handler's exception propagates (the server answers 500).</returns>
    public async Task<WebhookResponse> CallWebhookAsync(HttpMethod method, string relativePath, string? body = null, string? contentType = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(relativePath);
        if (!enabled)
        {
            return new WebhookResponse(400, PluginTexts.Disabled, null);
        }

        var query = string.Empty;
        var path = relativePath;
        var q = relativePath.IndexOf('?', StringComparison.Ordinal);
        if (q >= 0)
        {
            query = relativePath[q..];
            path = relativePath[..q];
        }

        var http = new DefaultHttpContext();
        http.Request.Method = method.Method;
        http.Request.Scheme = options.Location.Scheme;
        http.Request.Host = new HostString(options.Location.Authority);
        http.Request.Path = BasePath + path.TrimStart('/');
        http.Request.QueryString = new QueryString(query);
        if (body is not null)
        {
            var bytes = Encoding.UTF8.GetBytes(body);
            http.Request.Body = new MemoryStream(bytes);
            http.Request.ContentLength = bytes.Length;
        }

        http.Request.ContentType = contentType;
        using var response = new MemoryStream();
        http.Response.Body = response;

        var values = new RouteValueDictionary();
        var methodMismatch = false;
        var match = routes?.Match(method.Method.ToUpperInvariant(), path, values, out methodMismatch);
        if (match is null)
        {
            return new WebhookResponse(methodMismatch ? 405 : 404, methodMismatch ? "method not allowed" : PluginTexts.PageNotFound, null);
        }

        http.Request.RouteValues = values;
        await match.Value.Handler(http, cancellationToken);
        return new WebhookResponse(http.Response.StatusCode, Encoding.UTF8.GetString(response.ToArray()), http.Response.ContentType);
    }

    /// <summary>The display, as <c>GET /plugin/{id}/display</c> returns it (empty for a plugin without one).</summary>
    /// <param name="location">The server's public base URL as the client sees it; <see cref="PluginHarnessOptions.Location"/> by default.</param>
    /// <param name="cancellationToken">Passed to the plugin.</param>
    public Task<string> GetDisplayAsync(Uri? location = null, CancellationToken cancellationToken = default) =>
        Plugin is IDisplayer displayer ? displayer.GetDisplayAsync(location ?? options.Location, cancellationToken) : Task.FromResult(string.Empty);

    /// <summary>Disables the instance if enabled, stops its background work and deletes its data folder.</summary>
    public async ValueTask DisposeAsync()
    {
        if (enabled)
        {
            await DisableAsync();
        }

        await context.StopBackgroundAsync(options.BackgroundStopTimeout);
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A handle the plugin still holds; the temp folder is cleaned up by the system later.
        }
    }

    /// <summary>The server's per-instance set-up, in its order (<see cref="InstanceSetup"/>), then enabling.</summary>
    private async Task InitializeAsync(CancellationToken cancellationToken)
    {
        var wiring = await InstanceSetup.WireAsync(Plugin, config, BasePath, new Steps(this), cancellationToken);
        routes = wiring.Routes;
        if (options.Enabled)
        {
            await EnableAsync(cancellationToken);
        }
    }

    private static async Task ApplyAsync(ConfigAdapter adapter, string yaml, CancellationToken cancellationToken)
    {
        object parsed;
        try
        {
            parsed = adapter.Deserialize(Encoding.UTF8.GetBytes(yaml), adapter.DefaultConfig());
        }
        catch (YamlException e)
        {
            throw new PluginConfigException(e.Message, e);
        }

        try
        {
            await adapter.ValidateAndSetAsync(parsed, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new PluginConfigException(e.Message, e);
        }
    }

    /// <summary>The harness's side of set-up: direct calls, the fake handlers, the starting YAML.</summary>
    private sealed class Steps(PluginHarness harness) : IInstanceSetupSteps
    {
        public Task CallAsync(string operation, Action call, CancellationToken cancellationToken)
        {
            call();
            return Task.CompletedTask;
        }

        public Task<IMessageHandler> MessageHandlerAsync(CancellationToken cancellationToken) => Task.FromResult<IMessageHandler>(harness.Messages);

        public IStorageHandler StorageHandler() => harness.Storage;

        public async Task<bool> ConfigureAsync(ConfigAdapter config, CancellationToken cancellationToken)
        {
            var yaml = harness.options.ConfigYaml ?? config.Serialize(config.DefaultConfig());
            await ApplyAsync(config, yaml, cancellationToken);
            harness.configYaml = yaml;
            return true;
        }
    }
}
