using System.Net.Sockets;
using System.Text;

namespace Herald.Plugins.Tests.Infrastructure;

/// <summary>
/// A client that sends its request body slowly, over a raw loopback socket (an HTTP client library would send it at
/// once): the headers, then <c>piece</c> bytes at a time with a pause between pieces, optionally stopping short of the
/// declared length (a stalled client), then reads the answer until the server closes the connection.
/// </summary>
internal static class SlowClient
{
    /// <summary>POSTs a body of <paramref name="body"/>.Length declared bytes, of which only the first <paramref name="send"/> are sent.</summary>
    /// <returns>The status code (0 when the server closed without answering) and the body as text.</returns>
    public static async Task<(int Status, string Body)> PostAsync(Uri baseUrl, string path, byte[] body, int send, int piece, TimeSpan pause, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(baseUrl.Host, baseUrl.Port, cts.Token);
        await using var stream = tcp.GetStream();
        var head = $"POST {path} HTTP/1.1\r\nHost: {baseUrl.Authority}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: {body.Length}\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head), cts.Token);
        for (var sent = 0; sent < send; sent += piece)
        {
            await Task.Delay(pause, cts.Token);
            await stream.WriteAsync(body.AsMemory(sent, Math.Min(piece, send - sent)), cts.Token);
        }

        using var answer = new MemoryStream();
        try
        {
            await stream.CopyToAsync(answer, cts.Token);
        }
        catch (IOException)
        {
            // A reset after the answer (the server closes a connection whose body it did not read to the end).
        }

        return Parse(answer.ToArray());
    }

    private static (int Status, string Body) Parse(byte[] bytes)
    {
        var text = Encoding.UTF8.GetString(bytes);
        var split = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (split < 0)
        {
            return (0, text);
        }

        var head = text[..split];
        var body = text[(split + 4)..];
        var parts = head.Split(' ', 3);
        var status = parts.Length >= 2 && int.TryParse(parts[1], out var s) ? s : 0;
        return (status, head.Contains("Transfer-Encoding: chunked", StringComparison.OrdinalIgnoreCase) ? Dechunk(body) : body);
    }

    private static string Dechunk(string body)
    {
        var result = new StringBuilder();
        var pos = 0;
        while (pos < body.Length)
        {
            var lineEnd = body.IndexOf("\r\n", pos, StringComparison.Ordinal);
            if (lineEnd < 0)
            {
                break;
            }

            var size = Convert.ToInt32(body[pos..lineEnd].Split(';')[0].Trim(), 16);
            pos = lineEnd + 2;
            if (size == 0)
            {
                break;
            }

            result.Append(body, pos, Math.Min(size, body.Length - pos));
            pos += size + 2;
        }

        return result.ToString();
    }
}
