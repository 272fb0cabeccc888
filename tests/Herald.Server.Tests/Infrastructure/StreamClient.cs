using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;

namespace Herald.Server.Tests.Infrastructure;

/// <summary>A <c>/stream</c> websocket opened with <see cref="ClientWebSocket"/>; frames are read in the background.</summary>
public sealed class StreamClient : IAsyncDisposable
{
    private readonly ClientWebSocket _ws;
    private readonly Channel<string?> _frames = Channel.CreateUnbounded<string?>();
    private readonly Task _reader;
    private readonly CancellationTokenSource _stop = new();

    private StreamClient(ClientWebSocket ws)
    {
        _ws = ws;
        _reader = Task.Run(ReadLoopAsync);
    }

    /// <summary>Why the stream ended, once it has (close status or exception text).</summary>
    public string? CloseReason { get; private set; }

    private static ClientWebSocket Create(Credential auth, string? origin)
    {
        var ws = new ClientWebSocket();
        ws.Options.CollectHttpResponseDetails = true;
        foreach (var (name, value) in auth.Headers)
        {
            ws.Options.SetRequestHeader(name, value);
        }

        if (origin is not null)
        {
            ws.Options.SetRequestHeader("Origin", origin);
        }

        return ws;
    }

    private static Uri StreamUri(Uri baseUrl, Credential auth, string path) =>
        new($"ws://{baseUrl.Authority}{auth.ApplyToPath(path)}");

    /// <summary>Opens the stream; fails the test with the HTTP status if the upgrade is refused.</summary>
    public static async Task<StreamClient> ConnectAsync(Uri baseUrl, Credential auth, string? origin = null, string path = "/stream")
    {
        var ws = Create(auth, origin);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        try
        {
            await ws.ConnectAsync(StreamUri(baseUrl, auth, path), cts.Token);
        }
        catch (WebSocketException ex)
        {
            var status = (int)ws.HttpStatusCode;
            ws.Dispose();
            throw new Xunit.Sdk.XunitException($"websocket upgrade with {auth} failed: HTTP {status} ({ex.Message})");
        }

        return new StreamClient(ws);
    }

    /// <summary>Tries the upgrade and returns the HTTP status: 101 when it succeeded, otherwise the refusal's status code.</summary>
    public static async Task<int> UpgradeStatusAsync(Uri baseUrl, Credential auth, string? origin = null)
    {
        using var ws = Create(auth, origin);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        try
        {
            await ws.ConnectAsync(StreamUri(baseUrl, auth, "/stream"), cts.Token);
            await ws.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
            return 101;
        }
        catch (WebSocketException)
        {
            return (int)ws.HttpStatusCode;
        }
    }

    private async Task ReadLoopAsync()
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                using var message = new MemoryStream();
                WebSocketReceiveResult result;
                do
                {
                    result = await _ws.ReceiveAsync(buffer, _stop.Token);
                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        CloseReason = $"close frame {result.CloseStatus} {result.CloseStatusDescription}";
                        _frames.Writer.TryWrite(null);
                        return;
                    }

                    message.Write(buffer, 0, result.Count);
                }
                while (!result.EndOfMessage);

                if (result.MessageType != WebSocketMessageType.Text)
                {
                    CloseReason = "received a non-text data frame";
                    _frames.Writer.TryWrite(null);
                    return;
                }

                _frames.Writer.TryWrite(Encoding.UTF8.GetString(message.ToArray()));
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException or IOException)
        {
            CloseReason ??= "connection ended: " + ex.Message;
            _frames.Writer.TryWrite(null);
        }
    }

    /// <summary>The next text frame parsed as JSON; fails if the stream closes or nothing arrives in time.</summary>
    public async Task<JsonElement> ReceiveJsonAsync(TimeSpan? timeout = null)
    {
        var text = await ReceiveTextAsync(timeout ?? TimeSpan.FromSeconds(10));
        using var doc = JsonDocument.Parse(text, ApiResponse.ClientJson);
        return doc.RootElement.Clone();
    }

    /// <summary>The next text frame; fails if the stream closes or nothing arrives in time.</summary>
    public async Task<string> ReceiveTextAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        string? frame;
        try
        {
            frame = await _frames.Reader.ReadAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new Xunit.Sdk.XunitException($"no websocket frame within {timeout}");
        }

        if (frame is null)
        {
            _frames.Writer.TryWrite(null);
            throw new Xunit.Sdk.XunitException("the stream was closed instead of delivering a frame: " + CloseReason);
        }

        return frame;
    }

    /// <summary>Waits for the server to end the stream; returns false if it is still open after <paramref name="timeout"/>. Frames that arrive meanwhile are skipped.</summary>
    public async Task<bool> WaitForCloseAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            while (true)
            {
                var frame = await _frames.Reader.ReadAsync(cts.Token);
                if (frame is null)
                {
                    _frames.Writer.TryWrite(null);
                    return true;
                }
            }
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_ws.State == WebSocketState.Open)
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await _ws.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", cts.Token);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException or IOException)
        {
        }

        await _stop.CancelAsync();
        try
        {
            await _reader;
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
        }

        _ws.Dispose();
        _stop.Dispose();
    }
}

/// <summary>A hand-made websocket client over TCP, to see control frames (pings) that ClientWebSocket hides.</summary>
public sealed class RawWebSocket : IAsyncDisposable
{
    private readonly TcpClient _tcp;
    private readonly NetworkStream _stream;

    private RawWebSocket(TcpClient tcp, int status, string responseHead)
    {
        _tcp = tcp;
        _stream = tcp.GetStream();
        Status = status;
        ResponseHead = responseHead;
    }

    public int Status { get; }

    public string ResponseHead { get; }

    /// <summary>Sends the upgrade request for <paramref name="pathAndQuery"/> and reads the response head.</summary>
    public static async Task<RawWebSocket> ConnectAsync(Uri baseUrl, string pathAndQuery, IEnumerable<KeyValuePair<string, string>>? headers = null)
    {
        var tcp = new TcpClient();
        await tcp.ConnectAsync(baseUrl.Host, baseUrl.Port);
        var stream = tcp.GetStream();
        var request = new StringBuilder()
            .Append("GET ").Append(pathAndQuery).Append(" HTTP/1.1\r\n")
            .Append("Host: ").Append(baseUrl.Authority).Append("\r\n")
            .Append("Upgrade: websocket\r\nConnection: Upgrade\r\n")
            .Append("Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n");
        foreach (var (name, value) in headers ?? [])
        {
            request.Append(name).Append(": ").Append(value).Append("\r\n");
        }

        request.Append("\r\n");
        var bytes = Encoding.ASCII.GetBytes(request.ToString());
        await stream.WriteAsync(bytes);

        // Read the response head byte by byte so no frame bytes are consumed.
        var head = new StringBuilder();
        var one = new byte[1];
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
        {
            var n = await stream.ReadAsync(one, cts.Token);
            if (n == 0)
            {
                break;
            }

            head.Append((char)one[0]);
        }

        var text = head.ToString();
        var parts = text.Split(' ', 3);
        var status = parts.Length >= 2 && int.TryParse(parts[1], out var s) ? s : 0;
        return new RawWebSocket(tcp, status, text);
    }

    /// <summary>Reads the next frame (opcode, payload); returns null when the connection ends or nothing arrives in time.</summary>
    public async Task<(int Opcode, byte[] Payload, DateTime At)?> ReadFrameAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            var header = await ReadExactAsync(2, cts.Token);
            if (header is null)
            {
                return null;
            }

            var opcode = header[0] & 0x0F;
            long length = header[1] & 0x7F;
            var masked = (header[1] & 0x80) != 0;
            if (length == 126)
            {
                var ext = await ReadExactAsync(2, cts.Token);
                length = (ext![0] << 8) | ext[1];
            }
            else if (length == 127)
            {
                var ext = await ReadExactAsync(8, cts.Token);
                length = 0;
                foreach (var b in ext!)
                {
                    length = (length << 8) | b;
                }
            }

            var mask = masked ? await ReadExactAsync(4, cts.Token) : null;
            var payload = length == 0 ? [] : await ReadExactAsync((int)length, cts.Token) ?? [];
            if (mask is not null)
            {
                for (var i = 0; i < payload.Length; i++)
                {
                    payload[i] ^= mask[i % 4];
                }
            }

            return (opcode, payload, DateTime.UtcNow);
        }
        catch (OperationCanceledException)
        {
            return null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>Sends one small masked client frame (e.g. opcode 0xA, a Pong echoing a Ping's payload; 0x1, a text frame).</summary>
    public async Task SendFrameAsync(int opcode, byte[] payload)
    {
        if (payload.Length > 125)
        {
            throw new ArgumentException("this helper sends at most 125 bytes per frame", nameof(payload));
        }

        var mask = System.Security.Cryptography.RandomNumberGenerator.GetBytes(4);
        var frame = new byte[2 + 4 + payload.Length];
        frame[0] = (byte)(0x80 | opcode);
        frame[1] = (byte)(0x80 | payload.Length);
        mask.CopyTo(frame, 2);
        for (var i = 0; i < payload.Length; i++)
        {
            frame[6 + i] = (byte)(payload[i] ^ mask[i % 4]);
        }

        await _stream.WriteAsync(frame);
    }

    private async Task<byte[]?> ReadExactAsync(int count, CancellationToken ct)
    {
        var buffer = new byte[count];
        var read = 0;
        while (read < count)
        {
            var n = await _stream.ReadAsync(buffer.AsMemory(read), ct);
            if (n == 0)
            {
                return null;
            }

            read += n;
        }

        return buffer;
    }

    public ValueTask DisposeAsync()
    {
        _stream.Dispose();
        _tcp.Dispose();
        return ValueTask.CompletedTask;
    }
}
