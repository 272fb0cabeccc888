using System.Text;
using Herald.PluginApi;
using Herald.PluginTesting;
using Microsoft.AspNetCore.Http;

namespace Herald.PluginSdk.Tests;

/// <summary>Herald.PluginTesting behaves as the server does where a plugin could tell the difference.</summary>
public sealed class HarnessTests
{
    [Fact]
    public async Task StartAsync_Capabilities_AreWiredInTheServersOrder()
    {
        // Gotify's order (handlers, config, webhooks, enable) is part of the contract plugins rely on.
        await using var harness = await PluginHarness.StartAsync(new ProbeFactory());

        Assert.Equal(["messages", "storage", "config", "webhook", "enable"], ((Probe)harness.Plugin).Calls);
    }

    [Fact]
    public async Task SendMessage_WhileDisabled_IsRefused()
    {
        // The server refuses messages from a disabled instance; a test must see the same failure.
        await using var harness = await PluginHarness.StartAsync(new ProbeFactory());
        await harness.DisableAsync();

        await Assert.ThrowsAsync<InvalidOperationException>(() => ((Probe)harness.Plugin).Messages!.SendMessageAsync(new PluginMessage { Message = "late" }, CancellationToken.None));
    }

    [Fact]
    public async Task Disable_RunningBackgroundWork_IsCancelledAndAwaited()
    {
        // Background work belongs to the host: disabling the instance stops it before DisableAsync returns.
        await using var harness = await PluginHarness.StartAsync(new ProbeFactory());
        var probe = (Probe)harness.Plugin;
        await probe.BackgroundStarted.Task.WaitAsync(TimeSpan.FromSeconds(5));

        await harness.DisableAsync();

        Assert.True(probe.BackgroundStopped);
        Assert.Empty(harness.BackgroundFailures);
    }

    [Fact]
    public async Task SetConfig_PartialYaml_KeepsDefaultsForMissingKeys()
    {
        // The server parses onto a fresh DefaultConfig(): keys the user left out keep their defaults.
        await using var harness = await PluginHarness.StartAsync(new ProbeFactory());

        await harness.SetConfigAsync("greeting: hi");

        var config = ((Probe)harness.Plugin).Config;
        Assert.Equal("hi", config.Greeting);
        Assert.Equal(3, config.Repeat);
        Assert.Equal("greeting: hi", harness.GetConfig());
    }

    [Fact]
    public async Task SetConfig_MalformedYaml_IsRefusedAndOldConfigKept()
    {
        // Malformed YAML is a 400 on the server and must leave the running configuration alone.
        await using var harness = await PluginHarness.StartAsync(new ProbeFactory());

        await Assert.ThrowsAsync<PluginConfigException>(() => harness.SetConfigAsync("repeat: [not a number"));

        Assert.Equal("hello", ((Probe)harness.Plugin).Config.Greeting);
    }

    [Fact]
    public async Task CallWebhook_RouteValuesAndMethods_MatchTheServer()
    {
        // Route parameters, 405 for a wrong method, 404 for an unknown path, 400 while disabled: the server's answers.
        await using var harness = await PluginHarness.StartAsync(new ProbeFactory());

        var hello = await harness.CallWebhookAsync(HttpMethod.Get, "hello/world");
        var wrongMethod = await harness.CallWebhookAsync(HttpMethod.Delete, "hello/world");
        var unknown = await harness.CallWebhookAsync(HttpMethod.Get, "nowhere");
        await harness.DisableAsync();
        var disabled = await harness.CallWebhookAsync(HttpMethod.Get, "hello/world");

        Assert.Equal((200, "hello world"), (hello.StatusCode, hello.Body));
        Assert.Equal(405, wrongMethod.StatusCode);
        Assert.Equal(404, unknown.StatusCode);
        Assert.Equal((400, "plugin is disabled"), (disabled.StatusCode, disabled.Body));
    }

    public sealed class ProbeFactory : IPluginFactory
    {
        public IPlugin Create(UserContext user, IPluginContext context) => new Probe(context);
    }

    public sealed class ProbeConfig
    {
        public string Greeting { get; set; } = "hello";

        public int Repeat { get; set; } = 3;
    }

    public sealed class Probe(IPluginContext context) : IMessenger, IStorager, IConfigurer<ProbeConfig>, IWebhooker
    {
        public List<string> Calls { get; } = [];

        public IMessageHandler? Messages { get; private set; }

        public ProbeConfig Config { get; private set; } = new();

        public TaskCompletionSource BackgroundStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool BackgroundStopped { get; private set; }

        public void SetMessageHandler(IMessageHandler handler)
        {
            Messages = handler;
            Calls.Add("messages");
        }

        public void SetStorageHandler(IStorageHandler handler) => Calls.Add("storage");

        public ProbeConfig DefaultConfig() => new();

        public Task ValidateAndSetConfigAsync(ProbeConfig config, CancellationToken cancellationToken)
        {
            Config = config;
            Calls.Add("config");
            return Task.CompletedTask;
        }

        public void RegisterWebhook(string basePath, IWebhookRouter router)
        {
            Calls.Add("webhook");
            router.Map("GET", "hello/{name}", (http, ct) => http.Response.WriteAsync($"hello {http.Request.RouteValues["name"]}", Encoding.UTF8, ct));
        }

        public Task EnableAsync(CancellationToken cancellationToken)
        {
            Calls.Add("enable");
            context.RunInBackground("probe", async token =>
            {
                BackgroundStarted.TrySetResult();
                try
                {
                    await Task.Delay(Timeout.Infinite, token);
                }
                finally
                {
                    BackgroundStopped = true;
                }
            });
            return Task.CompletedTask;
        }

        public Task DisableAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
