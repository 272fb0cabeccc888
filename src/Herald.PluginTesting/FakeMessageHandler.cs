using System.Threading.Channels;
using Herald.PluginApi;

namespace Herald.PluginTesting;

/// <summary>
/// An <see cref="IMessageHandler"/> that records what the plugin sends. Like the server's, it refuses to send while the
/// instance is disabled (<see cref="InvalidOperationException"/>), so a plugin that sends after DisableAsync fails its test.
/// </summary>
public sealed class FakeMessageHandler : IMessageHandler
{
    private readonly Func<bool> isEnabled;
    private readonly List<PluginMessage> sent = [];
    private readonly Lock gate = new();
    private readonly Channel<PluginMessage> arrivals = Channel.CreateUnbounded<PluginMessage>();

    internal FakeMessageHandler(Func<bool> isEnabled) => this.isEnabled = isEnabled;

    /// <summary>Every message sent so far, in order.</summary>
    public IReadOnlyList<PluginMessage> Sent
    {
        get
        {
            lock (gate)
            {
                return sent.ToList();
            }
        }
    }

    /// <inheritdoc />
    public Task SendMessageAsync(PluginMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        cancellationToken.ThrowIfCancellationRequested();
        if (!isEnabled())
        {
            throw new InvalidOperationException("The plugin instance is not enabled, so it cannot send messages.");
        }

        lock (gate)
        {
            sent.Add(message);
        }

        arrivals.Writer.TryWrite(message);
        return Task.CompletedTask;
    }

    /// <summary>Waits for the next message sent from now on (or already waiting to be taken), e.g. by background work.</summary>
    /// <param name="timeout">How long to wait.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The message.</returns>
    /// <exception cref="TimeoutException">No message within <paramref name="timeout"/>.</exception>
    public async Task<PluginMessage> WaitForMessageAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        try
        {
            return await arrivals.Reader.ReadAsync(cts.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"The plugin sent no message within {timeout.TotalSeconds} s.");
        }
    }
}
