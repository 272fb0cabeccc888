using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Herald.Server.Tests.Infrastructure;

/// <summary>One way of presenting a credential; applies to HTTP requests and websocket upgrades alike.</summary>
public sealed class Credential
{
    private Credential(string name, string? queryToken, IReadOnlyList<KeyValuePair<string, string>> headers)
    {
        Name = name;
        QueryToken = queryToken;
        Headers = headers;
    }

    /// <summary>Short description, shown in theory display names.</summary>
    public string Name { get; }

    /// <summary>Value for <c>?token=</c>, if this credential is sent in the query.</summary>
    public string? QueryToken { get; }

    /// <summary>Request headers carrying the credential.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; }

    public static Credential None { get; } = new("none", null, []);

    public static Credential Query(string token) => new("query", token, []);

    public static Credential Header(string token) => new("X-Gotify-Key", null, [new("X-Gotify-Key", token)]);

    public static Credential Bearer(string token, string scheme = "Bearer") => new(scheme, null, [new("Authorization", scheme + " " + token)]);

    public static Credential Basic(string user, string pass) =>
        new("basic", null, [new("Authorization", "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(user + ":" + pass)))]);

    public static Credential Cookie(string token) => new("cookie", null, [new("Cookie", "gotify-client-token=" + token)]);

    /// <summary>Several credentials at once (e.g. a wrong basic auth plus a valid token header).</summary>
    public static Credential Combine(params Credential[] parts) =>
        new(string.Join("+", parts.Select(p => p.Name)), parts.Select(p => p.QueryToken).FirstOrDefault(t => t is not null), parts.SelectMany(p => p.Headers).ToList());

    /// <summary>This credential plus extra headers (Origin, Sec-Fetch-Site, ...).</summary>
    public Credential With(string header, string value) => new(Name, QueryToken, Headers.Append(new(header, value)).ToList());

    /// <summary>Appends <c>token=</c> to <paramref name="pathAndQuery"/> when this credential uses the query.</summary>
    public string ApplyToPath(string pathAndQuery)
    {
        if (QueryToken is null)
        {
            return pathAndQuery;
        }

        var sep = pathAndQuery.Contains('?', StringComparison.Ordinal) ? "&" : "?";
        return pathAndQuery + sep + "token=" + Uri.EscapeDataString(QueryToken);
    }

    public override string ToString() => Name;
}

/// <summary>Request bodies in the encodings Gotify accepts.</summary>
public abstract class Body
{
    public abstract HttpContent ToContent();

    public static Body Json(object value) => new RawBody(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(value)), "application/json");

    public static Body RawJson(string json) => new RawBody(Encoding.UTF8.GetBytes(json), "application/json");

    public static Body Raw(byte[] bytes, string? contentType) => new RawBody(bytes, contentType);

    public static Body Raw(string text, string? contentType) => new RawBody(Encoding.UTF8.GetBytes(text), contentType);

    public static Body Form(params (string Key, string Value)[] fields) => new FormBody(fields);

    public static Body Multipart(IEnumerable<(string Key, string Value)> fields, IEnumerable<(string Field, string FileName, byte[] Content)>? files = null) =>
        new MultipartBody(fields.ToList(), (files ?? []).ToList());

    public static Body File(string field, string fileName, byte[] content) =>
        new MultipartBody([], [(field, fileName, content)]);

    private sealed class RawBody(byte[] bytes, string? contentType) : Body
    {
        public override HttpContent ToContent()
        {
            var content = new ByteArrayContent(bytes);
            if (contentType is not null)
            {
                content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
            }

            return content;
        }
    }

    private sealed class FormBody((string Key, string Value)[] fields) : Body
    {
        public override HttpContent ToContent() => new FormUrlEncodedContent(fields.Select(f => new KeyValuePair<string, string>(f.Key, f.Value)));
    }

    private sealed class MultipartBody(List<(string Key, string Value)> fields, List<(string Field, string FileName, byte[] Content)> files) : Body
    {
        public override HttpContent ToContent()
        {
            var content = new MultipartFormDataContent();
            foreach (var (key, value) in fields)
            {
                content.Add(new StringContent(value), key);
            }

            foreach (var (field, fileName, bytes) in files)
            {
                var part = new ByteArrayContent(bytes);
                part.Headers.ContentType = MediaTypeHeaderValue.Parse("application/octet-stream");
                content.Add(part, field, fileName);
            }

            return content;
        }
    }
}

/// <summary>A response read completely, with helpers to look at its JSON.</summary>
public sealed class ApiResponse
{
    public ApiResponse(HttpMethod method, string path, HttpStatusCode status, string body, HttpResponseHeaders headers, HttpContentHeaders contentHeaders)
    {
        Method = method;
        Path = path;
        Status = status;
        Body = body;
        Headers = headers;
        ContentHeaders = contentHeaders;
    }

    public HttpMethod Method { get; }

    public string Path { get; }

    public HttpStatusCode Status { get; }

    public int StatusCode => (int)Status;

    public string Body { get; }

    public HttpResponseHeaders Headers { get; }

    public HttpContentHeaders ContentHeaders { get; }

    public string? MediaType => ContentHeaders.ContentType?.MediaType;

    /// <summary>
    /// Deeper than anything Herald serves: message extras come back as deep as they were stored (Gotify's decoder
    /// stored up to 10 000 levels), with a page's three levels above them, far beyond System.Text.Json's default of 64.
    /// </summary>
    public static JsonDocumentOptions ClientJson { get; } = new() { MaxDepth = 100_000 };

    /// <summary>The body parsed as JSON (fails the test with the body if it is not JSON).</summary>
    public JsonElement Json
    {
        get
        {
            try
            {
                using var doc = JsonDocument.Parse(Body, ClientJson);
                return doc.RootElement.Clone();
            }
            catch (JsonException ex)
            {
                throw new Xunit.Sdk.XunitException($"{this}: body is not JSON ({ex.Message})");
            }
        }
    }

    /// <summary>All Set-Cookie header values.</summary>
    public IReadOnlyList<string> SetCookies => Headers.TryGetValues("Set-Cookie", out var values) ? values.ToList() : [];

    public string? Header(string name)
    {
        if (Headers.TryGetValues(name, out var values) || ContentHeaders.TryGetValues(name, out values))
        {
            return string.Join(", ", values);
        }

        return null;
    }

    public override string ToString()
    {
        var body = Body.Length > 2000 ? Body[..2000] + "..." : Body;
        return $"{Method} {Path} -> {StatusCode} [{MediaType}] {body}";
    }
}

/// <summary>Typed HTTP access to one server. Cookies and redirects are never handled automatically.</summary>
public sealed class HeraldClient : IDisposable
{
    private readonly HttpClient _http;

    public HeraldClient(Uri baseUrl)
    {
        BaseUrl = baseUrl;
        _http = new HttpClient(new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false, ConnectTimeout = TimeSpan.FromSeconds(10) })
        {
            BaseAddress = baseUrl,
            Timeout = TimeSpan.FromSeconds(60),
        };
    }

    public Uri BaseUrl { get; }

    /// <summary>The Host header value the client sends (127.0.0.1:port).</summary>
    public string HostAndPort => BaseUrl.Authority;

    public Task<ApiResponse> GetAsync(string path, Credential? auth = null) => SendAsync(HttpMethod.Get, path, auth);

    public Task<ApiResponse> PostAsync(string path, Credential? auth = null, Body? body = null) => SendAsync(HttpMethod.Post, path, auth, body);

    public Task<ApiResponse> PutAsync(string path, Credential? auth = null, Body? body = null) => SendAsync(HttpMethod.Put, path, auth, body);

    public Task<ApiResponse> DeleteAsync(string path, Credential? auth = null, Body? body = null) => SendAsync(HttpMethod.Delete, path, auth, body);

    public async Task<ApiResponse> SendAsync(HttpMethod method, string path, Credential? auth = null, Body? body = null, IEnumerable<KeyValuePair<string, string>>? headers = null)
    {
        auth ??= Credential.None;
        var fullPath = auth.ApplyToPath(path);
        using var request = new HttpRequestMessage(method, new Uri(BaseUrl, fullPath));
        foreach (var (name, value) in auth.Headers.Concat(headers ?? []))
        {
            if (!request.Headers.TryAddWithoutValidation(name, value))
            {
                throw new InvalidOperationException("cannot set header " + name);
            }
        }

        if (body is not null)
        {
            request.Content = body.ToContent();
        }

        using var response = await _http.SendAsync(request).ConfigureAwait(false);
        var text = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
        return new ApiResponse(method, fullPath, response.StatusCode, text, response.Headers, response.Content.Headers);
    }

    /// <summary>Sends raw bytes with an exact Content-Type (or none) to <paramref name="path"/>.</summary>
    public async Task<ApiResponse> SendRawAsync(HttpMethod method, string path, Credential auth, HttpContent? content)
    {
        var fullPath = auth.ApplyToPath(path);
        using var request = new HttpRequestMessage(method, new Uri(BaseUrl, fullPath)) { Content = content };
        foreach (var (name, value) in auth.Headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        using var response = await _http.SendAsync(request).ConfigureAwait(false);
        var text = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
        return new ApiResponse(method, fullPath, response.StatusCode, text, response.Headers, response.Content.Headers);
    }

    /// <summary>GET returning the raw bytes (for served images).</summary>
    public async Task<(HttpStatusCode Status, byte[] Bytes, string? MediaType)> GetBytesAsync(string path)
    {
        using var response = await _http.GetAsync(new Uri(BaseUrl, path)).ConfigureAwait(false);
        var bytes = await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
        return (response.StatusCode, bytes, response.Content.Headers.ContentType?.MediaType);
    }

    public void Dispose() => _http.Dispose();
}
