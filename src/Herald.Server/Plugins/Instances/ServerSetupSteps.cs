using System.Text;
using Herald.PluginApi;
using Herald.PluginHosting.Instances;
using Herald.Server.Model;
using Herald.Server.Plugins.Invocation;
using Herald.Server.Services;
using Herald.Server.Storage;

namespace Herald.Server.Plugins.Instances;

/// <summary>
/// The server's side of <see cref="InstanceSetup"/>: every call through the invoker with the config timeout, handlers
/// over the database and the message service, and Gotify's start-up handling of the stored configuration.
/// </summary>
internal sealed class ServerSetupSteps(
    InstanceRecords records,
    PluginConfWriter confs,
    IApplicationStore applications,
    MessageService messages,
    PluginInvoker invoker,
    TimeSpan timeout,
    ILogger logger)
{
    private readonly InstanceRecords records = records;
    private readonly PluginConfWriter confs = confs;
    private readonly IApplicationStore applications = applications;
    private readonly MessageService messages = messages;
    private readonly PluginInvoker invoker = invoker;
    private readonly TimeSpan timeout = timeout;
    private readonly ILogger logger = logger;

    /// <summary>Gotify's header for a stored config that the plugin rejected at start-up (line endings are literally CRLF).</summary>
    internal const string RejectedConfigHeader =
        "# Plugin initialization failed because it rejected the current config. It might be outdated.\r\n# A default plugin configuration is used:\r\n";

    /// <summary>The steps for <paramref name="instance"/>, whose row is <paramref name="conf"/>.</summary>
    public IInstanceSetupSteps For(PluginInstance instance, PluginConf conf) => new Steps(this, instance, conf);

    private sealed class Steps(ServerSetupSteps server, PluginInstance instance, PluginConf conf) : IInstanceSetupSteps
    {
        public Task CallAsync(string operation, Action call, CancellationToken cancellationToken) =>
            server.invoker.InvokeAsync(
                instance.Call(operation, server.timeout),
                _ =>
                {
                    call();
                    return Task.CompletedTask;
                },
                cancellationToken);

        public async Task<IMessageHandler> MessageHandlerAsync(CancellationToken cancellationToken)
        {
            if (instance.ApplicationId == 0)
            {
                // Gained Messenger after the conf was created (Gotify's back-fill, fix for its #653).
                var app = await server.records.CreateInternalApplicationAsync(instance.Plugin, instance.UserId, cancellationToken);
                instance.ApplicationId = app.Id;
                await server.confs.UpdateAsync(conf.Id, c => c with { ApplicationId = app.Id }, cancellationToken);
            }

            return new MessageHandler(instance, server.applications, server.messages);
        }

        public IStorageHandler StorageHandler() => new StorageHandler(conf.Id, server.confs);

        /// <summary>Gotify's start-up config handling; false when the stored config was rejected and the instance must stay disabled.</summary>
        public async Task<bool> ConfigureAsync(ConfigAdapter config, CancellationToken cancellationToken)
        {
            var stored = conf.Config;
            if (stored is null || stored.Length == 0)
            {
                // The plugin became a configurer after its conf was created.
                var defaults = await ResultOfAsync("DefaultConfig", () => config.Serialize(config.DefaultConfig()), cancellationToken);
                stored = Encoding.UTF8.GetBytes(defaults);
                await server.confs.UpdateAsync(conf.Id, c => c with { Config = stored }, cancellationToken);
            }

            var target = await ResultOfAsync("DefaultConfig", config.DefaultConfig, cancellationToken);
            string rejection;
            try
            {
                var parsed = config.Deserialize(stored, target);
                await server.invoker.InvokeAsync(instance.Call("ValidateAndSetConfigAsync", server.timeout), ct => config.ValidateAndSetAsync(parsed, ct), cancellationToken);
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

            await RejectStoredAsync(config, stored, target, rejection, cancellationToken);
            return false;
        }

        /// <summary>Stores the default config with the rejected one as comments below it, disabled, as Gotify does.</summary>
        private async Task RejectStoredAsync(ConfigAdapter config, byte[] stored, object defaults, string rejection, CancellationToken cancellationToken)
        {
            server.logger.LogWarning(
                "Plugin {ModulePath} failed to initialize for user {UserId} because it rejected the current config ({Reason}). It might be outdated. A default config is used and the user would need to enable it again.",
                instance.Plugin.ModulePath,
                instance.UserId,
                rejection);
            var text = new StringBuilder(RejectedConfigHeader);
            text.Append(config.Serialize(defaults));
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
            await server.confs.UpdateAsync(conf.Id, c => c with { Enabled = false, Config = rewritten }, cancellationToken);
            instance.Fault = $"The stored configuration was rejected at start-up ({rejection}); a default configuration is used, the old one is kept as comments below it. Check the configuration, then enable the plugin again.";
            try
            {
                await server.invoker.InvokeAsync(instance.Call("ValidateAndSetConfigAsync", server.timeout), ct => config.ValidateAndSetAsync(config.DefaultConfig(), ct), cancellationToken);
            }
            catch (PluginCallException)
            {
                // Gotify ignores this result too; the instance stays disabled either way.
            }
        }

        private Task<T> ResultOfAsync<T>(string operation, Func<T> call, CancellationToken cancellationToken) =>
            server.invoker.InvokeAsync(instance.Call(operation, server.timeout), _ => Task.FromResult(call()), cancellationToken);
    }
}
