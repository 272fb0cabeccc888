using System.Net.Sockets;
using System.Text;

namespace Herald.Server.Tests.Adversarial.Load;

/// <summary>
/// A TCP connection that stops reading (or writing) whenever the test says so, with a receive buffer of 4 KB so the
/// server's writes back up quickly instead of vanishing into the kernel's (several MB on loopback).
/// </summary>
public sealed class StalledSocket : IAsyncDisposable
{
    private readonly TcpClient tcp;

    private StalledSocket(TcpClient tcp) => this.tcp = tcp;

    public NetworkStream Stream => tcp.GetStream();

    public static async Task<StalledSocket> ConnectAsync(Uri baseUrl, CancellationToken cancellationToken)
    {
        // Set before connecting, so the advertised window stays small.
        var tcp = new TcpClient { ReceiveBufferSize = 4096 };
        await tcp.ConnectAsync(baseUrl.Host, baseUrl.Port, cancellationToken);
        return new StalledSocket(tcp);
    }

    /// <summary>Opens <c>/stream</c> and reads the upgrade answer's head only; from then on nothing is read until <see cref="DrainAsync"/>.</summary>
    public static async Task<StalledSocket> OpenStreamAsync(Uri baseUrl, string clientToken, CancellationToken cancellationToken)
    {
        var socket = await ConnectAsync(baseUrl, cancellationToken);
        await socket.WriteAsync(
            $"GET /stream?token={clientToken} HTTP/1.1\r\nHost: {baseUrl.Authority}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
            cancellationToken);
        var head = new StringBuilder();
        var one = new byte[1];
        while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal) && await socket.Stream.ReadAsync(one, cancellationToken) == 1)
        {
            head.Append((char)one[0]);
        }

        Assert.StartsWith("HTTP/1.1 101", head.ToString(), StringComparison.Ordinal);
        return socket;
    }

    public Task WriteAsync(string text, CancellationToken cancellationToken) => Stream.WriteAsync(Encoding.ASCII.GetBytes(text), cancellationToken).AsTask();

    /// <summary>Reads until the server closes the connection; returns the bytes received, or null if it was still open after <paramref name="timeout"/>.</summary>
    public async Task<long?> DrainAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var buffer = new byte[64 * 1024];
        long total = 0;
        try
        {
            while (true)
            {
                var n = await Stream.ReadAsync(buffer, cts.Token);
                if (n == 0)
                {
                    return total;
                }

                total += n;
            }
        }
        catch (IOException)
        {
            return total;
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    public ValueTask DisposeAsync()
    {
        tcp.Dispose();
        return ValueTask.CompletedTask;
    }
}
