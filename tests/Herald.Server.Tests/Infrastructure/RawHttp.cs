using System.Net.Sockets;
using System.Text;

namespace Herald.Server.Tests.Infrastructure;

/// <summary>
/// Sends a request exactly as written (no client-side path normalisation), for path-trick tests. Request line and
/// headers are sent as Latin-1, one byte per character, so <c>"\u00ff"</c> in a header value is the byte 0xFF; a
/// header listed twice is sent as two lines.
/// </summary>
public static class RawHttp
{
    /// <summary>Sends <c>METHOD target HTTP/1.1</c> and returns the status code and the body bytes.</summary>
    public static async Task<(int Status, string Head, byte[] Body)> SendAsync(Uri baseUrl, string method, string target, IEnumerable<KeyValuePair<string, string>>? headers = null)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(baseUrl.Host, baseUrl.Port);
        await using var stream = tcp.GetStream();
        var request = new StringBuilder()
            .Append(method).Append(' ').Append(target).Append(" HTTP/1.1\r\n")
            .Append("Host: ").Append(baseUrl.Authority).Append("\r\n")
            .Append("Connection: close\r\n");
        foreach (var (name, value) in headers ?? [])
        {
            request.Append(name).Append(": ").Append(value).Append("\r\n");
        }

        request.Append("\r\n");
        await stream.WriteAsync(Encoding.Latin1.GetBytes(request.ToString()));

        using var all = new MemoryStream();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await stream.CopyToAsync(all, cts.Token);
        var bytes = all.ToArray();
        var split = IndexOf(bytes, "\r\n\r\n"u8.ToArray());
        var head = Encoding.ASCII.GetString(bytes, 0, split < 0 ? bytes.Length : split);
        var body = split < 0 ? [] : bytes[(split + 4)..];
        if (head.Contains("Transfer-Encoding: chunked", StringComparison.OrdinalIgnoreCase))
        {
            body = Dechunk(body);
        }

        var parts = head.Split(' ', 3);
        var status = parts.Length >= 2 && int.TryParse(parts[1], out var s) ? s : 0;
        return (status, head, body);
    }

    private static int IndexOf(byte[] haystack, byte[] needle)
    {
        for (var i = 0; i + needle.Length <= haystack.Length; i++)
        {
            if (haystack.AsSpan(i, needle.Length).SequenceEqual(needle))
            {
                return i;
            }
        }

        return -1;
    }

    private static byte[] Dechunk(byte[] body)
    {
        using var result = new MemoryStream();
        var pos = 0;
        while (pos < body.Length)
        {
            var lineEnd = IndexOf(body[pos..], "\r\n"u8.ToArray());
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
