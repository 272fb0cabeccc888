using Herald.PluginApi;
using Herald.Server.Api;
using Herald.Server.Plugins.Invocation;

namespace Herald.Server.Plugins;

internal sealed partial class PluginManager
{
    /// <summary>Gotify's text for enabling an enabled (or disabling a disabled) instance.</summary>
    internal const string AlreadyEnabledOrDisabled = "config is already enabled/disabled";

    /// <summary>
    /// The /plugin/{id} lookup with Gotify's errors: 404 <c>unknown plugin</c> for a missing conf or one of another user,
    /// 404 <c>plugin instance not found</c> for a conf whose plugin is not loaded.
    /// </summary>
    public async Task<Instances.PluginInstance> RequireInstanceAsync(long userId, long confId, CancellationToken cancellationToken)
    {
        var conf = await store.GetPluginConfByIdAsync(confId, cancellationToken);
        if (conf is null || conf.UserId != userId)
        {
            throw ApiException.NotFound("unknown plugin");
        }

        return FindInstance(confId) ?? throw ApiException.NotFound("plugin instance not found");
    }

    /// <summary>
    /// Enables or disables an instance, as Gotify's SetPluginEnabled: 400 when already in that state, 500 with the
    /// plugin's error text when its EnableAsync/DisableAsync throws (state unchanged). A call that times out disables
    /// the instance, with the reason shown to the user.
    /// </summary>
    public async Task SetEnabledAsync(Instances.PluginInstance instance, bool enable, CancellationToken cancellationToken)
    {
        await mutex.WaitAsync(cancellationToken);
        try
        {
            var conf = await confs.ReadAsync(instance.ConfId, cancellationToken) ?? throw ApiException.NotFound("unknown plugin");
            if (!instances.ContainsKey(instance.ConfId))
            {
                throw ApiException.NotFound("plugin instance not found");
            }

            if (conf.Enabled == enable)
            {
                throw ApiException.BadRequest(AlreadyEnabledOrDisabled);
            }

            if (instance.Object is not { } plugin)
            {
                throw new ApiException(StatusCodes.Status500InternalServerError, instance.Fault ?? "the plugin instance could not be created");
            }

            if (enable)
            {
                try
                {
                    await EnableInstanceAsync(instance, cancellationToken);
                }
                catch (PluginCallException e)
                {
                    if (e.Failure != PluginCallFailure.Threw)
                    {
                        instance.Fault = $"Disabled by Herald because {e.Message}.";
                    }

                    await StopRunningAsync(instance, close: false);
                    throw new ApiException(StatusCodes.Status500InternalServerError, e.Message);
                }

                instance.Fault = null;
            }
            else
            {
                try
                {
                    await invoker.InvokeAsync(Call(instance, "DisableAsync", options.LifecycleTimeout), plugin.DisableAsync, cancellationToken);
                }
                catch (PluginCallException e) when (e.Failure == PluginCallFailure.Threw)
                {
                    throw new ApiException(StatusCodes.Status500InternalServerError, e.Message);
                }
                catch (PluginCallException e)
                {
                    // It did not stop in time; it is stopped on the host's side regardless, which is what was asked.
                    instance.Fault = $"DisableAsync was abandoned because {e.Message}.";
                }

                await StopRunningAsync(instance, close: false);
            }

            // Re-read before writing: the plugin may have saved storage while enabling (Gotify's #188).
            await confs.UpdateAsync(instance.ConfId, c => c with { Enabled = enable }, cancellationToken);
        }
        finally
        {
            mutex.Release();
        }
    }

    /// <summary>The stored YAML, exactly as last saved; 400 when the plugin is not a configurer.</summary>
    public async Task<byte[]> GetConfigAsync(Instances.PluginInstance instance, CancellationToken cancellationToken)
    {
        if (instance.Config is null)
        {
            throw ApiException.BadRequest("plugin does not support configurer");
        }

        var conf = await confs.ReadAsync(instance.ConfId, cancellationToken) ?? throw ApiException.NotFound("unknown plugin");
        return conf.Config ?? [];
    }

    /// <summary>
    /// Gotify's config update: parse onto a fresh default (400 with the YAML error), let the live instance validate and
    /// apply it whether or not it is enabled (400 with the plugin's text), then store the raw body, comments included.
    /// </summary>
    public async Task UpdateConfigAsync(Instances.PluginInstance instance, byte[] yaml, CancellationToken cancellationToken)
    {
        var adapter = instance.Config ?? throw ApiException.BadRequest("plugin does not support configurer");
        object parsed;
        try
        {
            var target = await invoker.InvokeAsync(Call(instance, "DefaultConfig", options.ConfigTimeout), _ => Task.FromResult(adapter.DefaultConfig()), cancellationToken);
            parsed = adapter.Deserialize(yaml, target);
        }
        catch (YamlDotNet.Core.YamlException e)
        {
            throw ApiException.BadRequest(e.Message);
        }
        catch (PluginCallException e)
        {
            throw await FailedCallAsync(instance, e, StatusCodes.Status500InternalServerError);
        }

        try
        {
            await invoker.InvokeAsync(Call(instance, "ValidateAndSetConfigAsync", options.ConfigTimeout), ct => adapter.ValidateAndSetAsync(parsed, ct), cancellationToken);
        }
        catch (PluginCallException e)
        {
            throw await FailedCallAsync(instance, e, StatusCodes.Status400BadRequest);
        }

        var raw = yaml.ToArray();
        await confs.UpdateAsync(instance.ConfId, c => c with { Config = raw }, cancellationToken);
    }

    /// <summary>The plugin's markdown for its page; empty for plugins that are not displayers (enabled or not).</summary>
    public async Task<string> GetDisplayAsync(Instances.PluginInstance instance, Uri? location, CancellationToken cancellationToken)
    {
        if (instance.Object is not IDisplayer displayer)
        {
            return string.Empty;
        }

        try
        {
            return await invoker.InvokeAsync(Call(instance, "GetDisplayAsync", options.ConfigTimeout), ct => displayer.GetDisplayAsync(location, ct), cancellationToken) ?? string.Empty;
        }
        catch (PluginCallException e)
        {
            throw await FailedCallAsync(instance, e, StatusCodes.Status500InternalServerError);
        }
    }

    /// <summary>A timed-out or starved call disables the instance (the abandoned work may still run); a throw only answers.</summary>
    private async Task<ApiException> FailedCallAsync(Instances.PluginInstance instance, PluginCallException e, int status)
    {
        if (e.Failure != PluginCallFailure.Threw)
        {
            await FaultAsync(instance, e.Message);
            return new ApiException(StatusCodes.Status500InternalServerError, e.Message);
        }

        return new ApiException(status, e.Message);
    }
}
