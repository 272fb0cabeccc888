using System.Net.Sockets;
using System.Text;
using Herald.Server.Tests.Infrastructure;

namespace Herald.Server.Tests.Adversarial.Http;

/// <summary>
/// One HTTP/1.1 request written byte for byte over its own TCP connection: repeated headers stay repeated, header
/// values may hold any byte (chars up to U+00FF are sent as that byte), the target is sent unnormalised and the body
/// may be chunked. No HTTP client library lets a test send all of that, and a hostile client sends exactly that.
/// </summary>
public sealed record RawRequest(string Method, string Target)
{
    /// <summary>Request headers in order, duplicates allowed; Host, Connection and Content-Length are added.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];

    public byte[]? Body { get; init; }

    /// <summary>Sends the body with <c>Transfer-Encoding: chunked</c> instead of a Content-Length.</summary>
    public bool Chunked { get; init; }

    /// <summary>Sends the request and reads the whole answer (the connection is closed after it).</summary>
    public async Task<ApiResponse> SendAsync(Uri baseUrl, CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(baseUrl.Host, baseUrl.Port, timeout.Token);
        await using var stream = tcp.GetStream();

        // The server may answer (413, 400) before the body is sent and close; read while writing so that answer is seen.
        var writing = WriteAsync(stream, baseUrl, timeout.Token);
        var answer = await ReadAnswerAsync(stream, timeout.Token);
        try
        {
            await writing;
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException)
        {
            // The server stopped reading (it had answered already).
        }

        return ToApiResponse(answer);
    }

    private async Task WriteAsync(NetworkStream stream, Uri baseUrl, CancellationToken cancellationToken)
    {
        var head = new StringBuilder()
            .Append(Method).Append(' ').Append(Target).Append(" HTTP/1.1\r\n")
            .Append("Host: ").Append(baseUrl.Authority).Append("\r\n")
            .Append("Connection: close\r\n");
        foreach (var (name, value) in Headers)
        {
            head.Append(name).Append(": ").Append(value).Append("\r\n");
        }

        if (Body is not null)
        {
            head.Append(Chunked ? "Transfer-Encoding: chunked\r\n" : $"Content-Length: {Body.Length}\r\n");
        }

        head.Append("\r\n");
        await stream.WriteAsync(Encoding.Latin1.GetBytes(head.ToString()), cancellationToken);
        if (Body is null)
        {
            return;
        }

        if (!Chunked)
        {
            await stream.WriteAsync(Body, cancellationToken);
            return;
        }

        const int chunk = 16 * 1024;
        for (var offset = 0; offset < Body.Length; offset += chunk)
        {
            var length = Math.Min(chunk, Body.Length - offset);
            await stream.WriteAsync(Encoding.ASCII.GetBytes($"{length:x}\r\n"), cancellationToken);
            await stream.WriteAsync(Body.AsMemory(offset, length), cancellationToken);
            await stream.WriteAsync("\r\n"u8.ToArray(), cancellationToken);
        }

        await stream.WriteAsync("0\r\n\r\n"u8.ToArray(), cancellationToken);
    }

    private static async Task<byte[]> ReadAnswerAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        using var all = new MemoryStream();
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                var n = await stream.ReadAsync(buffer, cancellationToken);
                if (n == 0)
                {
                    break;
                }

                all.Write(buffer, 0, n);
            }
        }
        catch (IOException) when (all.Length > 0)
        {
            // Reset after the answer: the server closed with our unread body bytes in its buffer.
        }

        return all.ToArray();
    }

    private ApiResponse ToApiResponse(byte[] bytes)
    {
        var split = bytes.AsSpan().IndexOf("\r\n\r\n"u8);
        if (split < 0)
        {
            throw new Xunit.Sdk.XunitException($"{Method} {Target}: no HTTP answer ({bytes.Length} bytes: {Encoding.Latin1.GetString(bytes)})");
        }

        var lines = Encoding.Latin1.GetString(bytes, 0, split).Split("\r\n");
        var statusParts = lines[0].Split(' ', 3);
        var status = int.Parse(statusParts[1], System.Globalization.CultureInfo.InvariantCulture);
        var body = bytes[(split + 4)..];
        using var message = new HttpResponseMessage((System.Net.HttpStatusCode)status) { Content = new ByteArrayContent([]) };
        var chunked = false;
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            var (name, value) = (line[..colon].Trim(), line[(colon + 1)..].Trim());
            chunked |= name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase) && value.Contains("chunked", StringComparison.OrdinalIgnoreCase);
            if (!message.Headers.TryAddWithoutValidation(name, value))
            {
                message.Content.Headers.TryAddWithoutValidation(name, value);
            }
        }

        if (chunked)
        {
            body = Dechunk(body);
        }

        return new ApiResponse(new HttpMethod(Method), Target, message.StatusCode, Encoding.UTF8.GetString(body), message.Headers, message.Content.Headers);
    }

    private static byte[] Dechunk(byte[] body)
    {
        using var result = new MemoryStream();
        var pos = 0;
        while (pos < body.Length)
        {
            var lineEnd = body.AsSpan(pos).IndexOf("\r\n"u8);
            if (lineEnd < 0)
            {
                break;
            }

            var size = Convert.ToInt32(Encoding.ASCII.GetString(body, pos, lineEnd).Split(';')[0].Trim(), 16);
            pos += lineEnd + 2;
            if (size == 0)
            {
                break;
            }

            result.Write(body, pos, Math.Min(size, body.Length - pos));
            pos += size + 2;
        }

        return result.ToArray();
    }
}
