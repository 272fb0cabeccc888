using System.Text;
using System.Text.Json;
using Herald.Server.Tests.Infrastructure;
using static Herald.Server.Tests.Infrastructure.ApiAssert;

namespace Herald.Server.Tests.IdleMemory;

/// <summary>
/// Large messages through the readers and writers that keep their buffers out of the shared pools: the body read in
/// pieces, the JSON fields walked one by one, long strings written in segments, answers written in 64 KB pieces.
/// </summary>
public sealed class LargeMessageTests(ServerFixture fx) : IClassFixture<ServerFixture>
{
    // The most a message or title holds on every engine (MySQL's text column); larger payloads ride in extras.
    private const int TextLimit = 65_535;

    /// <summary>
    /// Text up to <paramref name="bytes"/> UTF-8 bytes: several 8 K-character segments and 64 KB pieces, with escapes,
    /// quotes, backslashes, control characters, markup and surrogate pairs at and around every segment boundary.
    /// </summary>
    private static string Text(int bytes = TextLimit)
    {
        var text = new StringBuilder();
        var parts = new[] { "line\n", "\"quoted\" ", "back\\slash ", "tab\t", "\u0001", "<b>&amp;</b> ", "é ", "😀", "中文 " };
        var i = 0;
        var size = 0;
        while (true)
        {
            // Land a surrogate pair across each 8,192-character boundary of the segmented writer.
            var part = (text.Length + 1) % 8192 == 0 ? "😀" : parts[i++ % parts.Length];
            size += Encoding.UTF8.GetByteCount(part);
            if (size > bytes)
            {
                return text.ToString();
            }

            text.Append(part);
        }
    }

    // Invariant: a large message with every kind of escape reads back from the list and from a stream exactly as
    // posted, and the stream frame equals the POST answer byte for byte.
    [Fact]
    public async Task PostAndList_LargeTextWithEscapes_RoundTripsExactly()
    {
        var acc = await fx.NewAccountAsync();
        var text = Text();
        var title = Text(20_000);
        var bulk = Text(400_000);
        await using var stream = await StreamClient.ConnectAsync(fx.Api.BaseUrl, Credential.Query(acc.Client.Token));

        var posted = await fx.Api.PostAsync("/message", acc.App.Header, Body.Json(new { message = text, title, extras = new { big = new { value = bulk } } }));
        var answer = Ok(posted);
        Assert.Equal(text, answer.GetProperty("message").GetString());
        Assert.Equal(title, answer.GetProperty("title").GetString());
        Assert.Equal(Encoding.UTF8.GetByteCount(posted.Body), posted.ContentHeaders.ContentLength);

        var frame = await stream.ReceiveTextAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(posted.Body, frame);

        var listed = Ok(await fx.Api.GetAsync("/message?limit=1", acc.Auth)).GetProperty("messages")[0];
        Assert.Equal(text, listed.GetProperty("message").GetString());
        Assert.Equal(title, listed.GetProperty("title").GetString());
        Assert.Equal(bulk, listed.GetProperty("extras").GetProperty("big").GetProperty("value").GetString());
        Assert.Equal(answer.GetProperty("id").GetInt64(), listed.GetProperty("id").GetInt64());
    }

    // Invariant: a body sent without a length (chunked) is read whole, as one with a Content-Length is.
    [Fact]
    public async Task Post_ChunkedLargeBody_StoresWholeText()
    {
        var acc = await fx.NewAccountAsync();
        var text = Text();
        var bulk = Text(400_000);
        var json = JsonSerializer.SerializeToUtf8Bytes(new { message = text, extras = new { big = new { value = bulk } } });
        using var content = new StreamContent(new MemoryStream(json));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(fx.Api.BaseUrl, "message")) { Content = content };
        request.Headers.Add("X-Gotify-Key", acc.App.Token);
        request.Headers.TransferEncodingChunked = true;
        using var http = new HttpClient();
        using var response = await http.SendAsync(request);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);

        var listed = Ok(await fx.Api.GetAsync("/message?limit=1", acc.Auth)).GetProperty("messages")[0];
        Assert.Equal(text, listed.GetProperty("message").GetString());
        Assert.Equal(bulk, listed.GetProperty("extras").GetProperty("big").GetProperty("value").GetString());
    }
}
