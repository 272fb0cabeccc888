using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Herald.Web.Tests.Infrastructure;

/// <summary>The REST API as a script would use it (basic auth or an application token), to arrange and check state.</summary>
public sealed class HeraldApi : IDisposable
{
    private readonly HttpClient http;
    private readonly HttpClient anonymous;

    public HeraldApi(Uri baseAddress, string user = "admin", string password = "admin")
    {
        anonymous = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
        http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
    }

    public HttpClient Http => http;

    public async Task<JsonElement> SendAsync(HttpMethod method, string path, object? json = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (json is not null)
        {
            request.Content = JsonContent.Create(json);
        }

        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"{method} {path} -> {(int)response.StatusCode}: {body}", null, response.StatusCode);
        }

        return body.Length == 0 ? default : JsonDocument.Parse(body).RootElement.Clone();
    }

    public Task<JsonElement> GetAsync(string path) => SendAsync(HttpMethod.Get, path);

    public Task<JsonElement> CreateApplicationAsync(string name, string description = "", int defaultPriority = 0) =>
        SendAsync(HttpMethod.Post, "application", new { name, description, defaultPriority });

    public Task<JsonElement> CreateUserAsync(string name, string pass, bool admin = false) =>
        SendAsync(HttpMethod.Post, "user", new { name, pass, admin });

    /// <summary>Posts a message with an application token, as senders do.</summary>
    public async Task<JsonElement> PostMessageAsync(string appToken, string message, string? title = null, int? priority = null, object? extras = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "message");
        request.Headers.Add("X-Gotify-Key", appToken);
        request.Content = JsonContent.Create(new Dictionary<string, object?>
        {
            ["message"] = message,
            ["title"] = title,
            ["priority"] = priority,
            ["extras"] = extras,
        }.Where(kv => kv.Value is not null).ToDictionary(kv => kv.Key, kv => kv.Value));
        using var response = await anonymous.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"POST /message -> {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    public void Dispose()
    {
        http.Dispose();
        anonymous.Dispose();
    }
}
