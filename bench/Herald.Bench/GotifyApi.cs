using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Herald.Bench;

/// <summary>The few Gotify REST calls the benchmark needs (setup, message counting).</summary>
internal sealed class GotifyApi : IDisposable
{
    private readonly HttpClient _http;
    private readonly AuthenticationHeaderValue _basic;

    public Uri BaseUri { get; }

    public GotifyApi(int port, string user, string pass)
    {
        BaseUri = new Uri($"http://127.0.0.1:{port}/");
        _http = new HttpClient(new SocketsHttpHandler { PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5) })
        {
            BaseAddress = BaseUri,
            Timeout = TimeSpan.FromSeconds(30),
        };
        _basic = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{pass}")));
    }

    public HttpClient Http => _http;

    /// <summary>Polls GET /health until it answers 200 or the process dies or the time is up.</summary>
    public async Task WaitHealthyAsync(ChildProcess process, TimeSpan timeout, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + timeout;
        string last = "no answer";
        while (DateTime.UtcNow < deadline)
        {
            ct.ThrowIfCancellationRequested();
            if (process.HasExited)
            {
                throw new BenchException($"{process.Name} exited with {process.ExitCode} before /health answered; log tail:\n{process.LogTail()}");
            }
            try
            {
                using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
                cts.CancelAfter(TimeSpan.FromSeconds(2));
                using var resp = await _http.GetAsync(new Uri("health", UriKind.Relative), cts.Token);
                if (resp.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
                last = $"HTTP {(int)resp.StatusCode}";
            }
            catch (HttpRequestException e)
            {
                last = e.Message;
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                last = "timeout";
            }
            await Task.Delay(100, ct);
        }
        throw new BenchException($"{process.Name}: GET /health not 200 after {timeout.TotalSeconds:0} s ({last}); log tail:\n{process.LogTail()}");
    }

    /// <summary>POST /application with basic auth; returns (id, token).</summary>
    public Task<(long Id, string Token)> CreateApplicationAsync(string name, CancellationToken ct) =>
        CreateAsync("application", name, ct);

    /// <summary>POST /client with basic auth; returns (id, token).</summary>
    public Task<(long Id, string Token)> CreateClientAsync(string name, CancellationToken ct) =>
        CreateAsync("client", name, ct);

    private async Task<(long Id, string Token)> CreateAsync(string path, string name, CancellationToken ct)
    {
        using var req = new HttpRequestMessage(HttpMethod.Post, new Uri(path, UriKind.Relative))
        {
            Content = new StringContent(JsonSerializer.Serialize(new Dictionary<string, string> { ["name"] = name }), Encoding.UTF8, "application/json"),
        };
        req.Headers.Authorization = _basic;
        using var resp = await _http.SendAsync(req, ct);
        var body = await resp.Content.ReadAsStringAsync(ct);
        if (resp.StatusCode != HttpStatusCode.OK)
        {
            throw new BenchException($"POST /{path} answered {(int)resp.StatusCode}: {body}");
        }
        try
        {
            using var doc = JsonDocument.Parse(body);
            var id = doc.RootElement.GetProperty("id").GetInt64();
            var token = doc.RootElement.GetProperty("token").GetString();
            if (string.IsNullOrEmpty(token))
            {
                throw new BenchException($"POST /{path} returned no token: {body}");
            }
            return (id, token);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new BenchException($"POST /{path} returned unexpected JSON ({e.Message}): {body}");
        }
    }

    /// <summary>
    /// Counts the messages of application <paramref name="appId"/> by paging GET /application/{id}/message
    /// (limit 200, following paging.since) with basic auth. Also returns the newest id seen.
    /// </summary>
    public async Task<(long Count, long NewestId, int Pages)> CountApplicationMessagesAsync(long appId, TimeSpan timeout, CancellationToken ct)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout);
        long count = 0, newest = 0, since = 0;
        var pages = 0;
        while (true)
        {
            var url = $"application/{appId}/message?limit=200" + (since > 0 ? $"&since={since}" : "");
            using var req = new HttpRequestMessage(HttpMethod.Get, new Uri(url, UriKind.Relative));
            req.Headers.Authorization = _basic;
            using var resp = await _http.SendAsync(req, cts.Token);
            var body = await resp.Content.ReadAsByteArrayAsync(cts.Token);
            if (resp.StatusCode != HttpStatusCode.OK)
            {
                throw new BenchException($"GET /{url} answered {(int)resp.StatusCode}: {Encoding.UTF8.GetString(body)}");
            }
            pages++;
            using var doc = JsonDocument.Parse(body);
            var messages = doc.RootElement.GetProperty("messages");
            var n = messages.GetArrayLength();
            if (n > 0 && newest == 0)
            {
                newest = messages[0].GetProperty("id").GetInt64();
            }
            count += n;
            var paging = doc.RootElement.GetProperty("paging");
            var next = paging.GetProperty("since").GetInt64();
            if (next <= 0 || n == 0)
            {
                return (count, newest, pages);
            }
            since = next;
        }
    }

    /// <summary>GET /application/{id}/message?limit=N with basic auth, read whole; returns the messages and bytes listed.</summary>
    public async Task<(int Messages, long Bytes)> ListApplicationMessagesAsync(long appId, int limit, CancellationToken ct)
    {
        var url = $"application/{appId}/message?limit={limit}";
        using var req = new HttpRequestMessage(HttpMethod.Get, new Uri(url, UriKind.Relative));
        req.Headers.Authorization = _basic;
        using var resp = await _http.SendAsync(req, ct);
        var body = await resp.Content.ReadAsByteArrayAsync(ct);
        if (resp.StatusCode != HttpStatusCode.OK)
        {
            throw new BenchException($"GET /{url} answered {(int)resp.StatusCode}");
        }
        using var doc = JsonDocument.Parse(body);
        return (doc.RootElement.GetProperty("messages").GetArrayLength(), body.Length);
    }

    public void Dispose() => _http.Dispose();
}
