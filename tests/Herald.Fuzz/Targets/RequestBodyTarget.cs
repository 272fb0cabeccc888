using Microsoft.AspNetCore.Http;
using Herald.Server.Http;

namespace Herald.Fuzz.Targets;

/// <summary>
/// The request-body reader (<see cref="RequestBody"/>: JSON, urlencoded and multipart forms, the query string) and the
/// binding of every API contract on top of it. Input: the Content-Type on the first line, the query string (without
/// <c>?</c>) on the second, the body after it. Each input is bound as every contract in turn.
/// Allowed outcomes: the contract binds and its answer can be written, or <see cref="ApiException"/> with a 4xx
/// (the error middleware writes it in Gotify's format), or <see cref="BadHttpRequestException"/> with a 4xx.
/// </summary>
internal sealed class RequestBodyTarget : IFuzzTarget
{
    public string Name => "body";

    public async Task RunAsync(byte[] input, CancellationToken cancellationToken)
    {
        var (contentType, query, body) = Split(input);
        if (contentType is not null && contentType.Contains('\r', StringComparison.Ordinal))
        {
            // A header value cannot hold a line break: Kestrel answers 400 before any reader runs.
            return;
        }

        foreach (var (structName, bindAndAnswer) in BodyContracts.All)
        {
            var context = new DefaultHttpContext();
            context.Request.Method = HttpMethods.Post;
            context.Request.ContentType = contentType;
            context.Request.QueryString = query;
            context.Request.ContentLength = body.Length;
            context.Request.Body = new MemoryStream(body, writable: false);
            context.RequestAborted = cancellationToken;
            try
            {
                var read = await RequestBody.ReadAsync(context, structName);
                bindAndAnswer(read);
            }
            catch (ApiException e) when (e.StatusCode is >= 400 and < 500)
            {
                // Refused with a Gotify error: the documented outcome for bad input.
            }
            catch (BadHttpRequestException e) when (e.StatusCode is >= 400 and < 500)
            {
                // Refused by the framework with a 4xx; the error middleware writes it in Gotify's format.
            }
        }
    }

    public IEnumerable<KeyValuePair<string, byte[]>> GeneratedSeeds() => [];

    /// <summary>Content-Type line, query line, body; a missing line is empty.</summary>
    internal static (string? ContentType, QueryString Query, byte[] Body) Split(byte[] input)
    {
        var first = Array.IndexOf(input, (byte)'\n');
        if (first < 0)
        {
            return (Header(input), QueryString.Empty, []);
        }

        var second = Array.IndexOf(input, (byte)'\n', first + 1);
        var queryEnd = second < 0 ? input.Length : second;
        var query = System.Text.Encoding.UTF8.GetString(input, first + 1, queryEnd - first - 1).TrimEnd('\r');
        var body = second < 0 ? [] : input[(second + 1)..];
        return (Header(input.AsSpan(0, first)), query.Length == 0 ? QueryString.Empty : new QueryString("?" + query), body);
    }

    // As the server's Kestrel decodes header values (ListenerSetup): UTF-8 with U+FFFD for invalid bytes, NUL passed on.
    private static string? Header(ReadOnlySpan<byte> line)
    {
        var text = System.Text.Encoding.UTF8.GetString(line).TrimEnd('\r');
        return text.Length == 0 ? null : text;
    }
}
