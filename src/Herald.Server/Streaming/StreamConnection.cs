using System.Net.WebSockets;
using System.Threading.Channels;

namespace Herald.Server.Streaming;

/// <summary>
/// One open <c>/stream</c> websocket. Messages are queued per connection and written by its own loop, so a slow
/// or dead subscriber never delays the sender or other subscribers; one whose queue overflows is disconnected
/// (it can fetch what it missed through <c>GET /message</c>).
/// </summary>
internal sealed class StreamConnection
{
    private const int QueueCapacity = 64;

    // Gotify's limits: clients send nothing useful, so anything over 64 bytes is an error; each write gets 2 s.
    private const int ReadLimit = 64;
    private static readonly TimeSpan WriteTimeout = TimeSpan.FromSeconds(2);

    private (WebSocketCloseStatus Status, string Reason)? closeStatus;
    private readonly Channel<ReadOnlyMemory<byte>> queue = Channel.CreateBounded<ReadOnlyMemory<byte>>(
        new BoundedChannelOptions(QueueCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    /// <summary>A connection whose frames are queued from now on; the websocket comes with <see cref="RunAsync"/>.</summary>
    public StreamConnection(long userId, string? clientToken)
    {
        UserId = userId;
        ClientToken = clientToken;
    }

    public long UserId { get; }

    /// <summary>The client token the stream was opened with; null for basic auth, so deleting a client never matches it.</summary>
    public string? ClientToken { get; }

    /// <summary>Queues a frame; false (and the connection is closed) when the subscriber is too far behind.</summary>
    public bool TryEnqueue(ReadOnlyMemory<byte> frame)
    {
        if (queue.Writer.TryWrite(frame))
        {
            return true;
        }

        Close(WebSocketCloseStatus.PolicyViolation, "subscriber too slow");
        return false;
    }

    /// <summary>Ends the connection with a close frame; the loops finish and <see cref="RunAsync"/> returns.</summary>
    public void Close(WebSocketCloseStatus status, string reason)
    {
        closeStatus ??= (status, reason);
        queue.Writer.TryComplete();
    }

    /// <summary>
    /// Sends the queued frames and then every new one over <paramref name="socket"/> until the peer goes away, a write
    /// fails or times out, or <see cref="Close"/> is called.
    /// </summary>
    /// <param name="socket">The accepted websocket.</param>
    /// <param name="cancellationToken">The request's abort token: the peer's connection is gone.</param>
    public async Task RunAsync(WebSocket socket, CancellationToken cancellationToken)
    {
        // Per connection this holds only the two loops and the queue: it is multiplied by every open stream.
        var receiving = ReceiveAsync(socket, cancellationToken);
        await SendAsync(socket);
        try
        {
            if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                var (status, reason) = closeStatus ?? (WebSocketCloseStatus.NormalClosure, string.Empty);
                using var timeout = new CancellationTokenSource(WriteTimeout);
                await socket.CloseOutputAsync(status, reason, timeout.Token);
            }

            // Give the peer a moment to answer the close frame, then stop reading.
            await Task.WhenAny(receiving, Task.Delay(WriteTimeout, CancellationToken.None));
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The peer is gone already.
        }

        socket.Abort();
        try
        {
            await receiving;
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
        }

        socket.Dispose();
    }

    private async Task SendAsync(WebSocket socket)
    {
        // Created at the first frame and re-armed for each write; a write that does not finish in time ends the stream.
        CancellationTokenSource? timeout = null;
        var reader = queue.Reader;
        try
        {
            while (await reader.WaitToReadAsync())
            {
                while (reader.TryRead(out var frame))
                {
                    timeout ??= new CancellationTokenSource();
                    timeout.CancelAfter(WriteTimeout);
                    await socket.SendAsync(frame, WebSocketMessageType.Text, true, timeout.Token);
                    if (!timeout.TryReset())
                    {
                        return;
                    }
                }
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            // A failed or slow write ends the connection, as in Gotify.
        }
        finally
        {
            timeout?.Dispose();
            queue.Writer.TryComplete();
        }
    }

    private async Task ReceiveAsync(WebSocket socket, CancellationToken cancellationToken)
    {
        var buffer = new byte[ReadLimit + 1];
        try
        {
            while (true)
            {
                var length = 0;
                ValueWebSocketReceiveResult result;
                do
                {
                    result = await socket.ReceiveAsync(buffer.AsMemory(length), cancellationToken);
                    length += result.Count;
                    if (length > ReadLimit)
                    {
                        Close(WebSocketCloseStatus.MessageTooBig, "read limit exceeded");
                        return;
                    }
                }
                while (!result.EndOfMessage && result.MessageType != WebSocketMessageType.Close);

                if (result.MessageType == WebSocketMessageType.Close)
                {
                    Close(WebSocketCloseStatus.NormalClosure, string.Empty);
                    return;
                }
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            // Includes a missed pong: the keep-alive timeout aborts the socket.
            Close(WebSocketCloseStatus.NormalClosure, string.Empty);
        }
    }
}
