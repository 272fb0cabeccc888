using System.Text.Json;
using System.Threading.Channels;
using Herald.PluginApi;
using Herald.Server.Model;
using Herald.Server.Plugins.Invocation;

namespace Herald.Server.Plugins.Instances;

/// <summary>
/// Delivers one enabled subscriber's messages in order on its own pump, so a slow plugin never slows the sender or
/// other plugins. Bounded: when the plugin falls behind by <see cref="Capacity"/> messages the oldest are dropped.
/// </summary>
internal sealed class SubscriptionQueue : IDisposable
{
    public const int Capacity = 256;

    private readonly Channel<Message> channel;
    private readonly CancellationTokenSource stop = new();
    private readonly Task pump;
    private long dropped;

    public SubscriptionQueue(PluginInstance instance, IMessageSubscriber subscriber, PluginInvoker invoker, TimeSpan timeout, ILogger logger)
    {
        channel = Channel.CreateBounded<Message>(
            new BoundedChannelOptions(Capacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
            _ =>
            {
                if (Interlocked.Increment(ref dropped) % 100 == 1)
                {
                    logger.LogWarning("Plugin {ModulePath} for user {UserId} falls behind on messages; dropped {Dropped} so far", instance.Plugin.ModulePath, instance.UserId, Interlocked.Read(ref dropped));
                }
            });
        pump = Task.Run(() => PumpAsync(instance, subscriber, invoker, timeout, stop.Token));
    }

    /// <summary>Queues <paramref name="message"/>; never blocks.</summary>
    public void Post(Message message) => channel.Writer.TryWrite(message);

    /// <summary>Stops delivery and waits briefly for the message in flight.</summary>
    public async Task StopAsync(TimeSpan timeout)
    {
        channel.Writer.TryComplete();
        await stop.CancelAsync();
        try
        {
            await pump.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            // The invoker already logged the abandoned call.
        }
    }

    public void Dispose() => stop.Dispose();

    private async Task PumpAsync(PluginInstance instance, IMessageSubscriber subscriber, PluginInvoker invoker, TimeSpan timeout, CancellationToken token)
    {
        try
        {
            await foreach (var message in channel.Reader.ReadAllAsync(token))
            {
                var received = ToReceived(message);
                try
                {
                    await invoker.InvokeAsync(
                        instance.Call("OnMessageAsync", timeout, offload: false),
                        ct => subscriber.OnMessageAsync(received, ct),
                        token);
                }
                catch (PluginCallException)
                {
                    // Logged and attributed by the invoker; one bad message must not stop delivery of the next.
                }
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // Stopped.
        }
    }

    private static ReceivedMessage ToReceived(Message message)
    {
        JsonElement? extras = null;
        if (message.Extras is { Length: > 0 } bytes)
        {
            using var document = JsonDocument.Parse(bytes);
            extras = document.RootElement.Clone();
        }

        return new ReceivedMessage
        {
            Id = message.Id,
            ApplicationId = message.ApplicationId,
            Message = message.Text,
            Title = message.Title,
            // The plugin API's priority is an int; Gotify's (Go int) and the stored one are 64-bit.
            Priority = (int)Math.Clamp(message.Priority, int.MinValue, int.MaxValue),
            Extras = extras,
            Date = message.Date,
        };
    }
}
