using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Xunit;

namespace Herald.Testing;

/// <summary>Small helpers over the /plugin API as a Gotify client would call it (the plugin host and SDK tests share them).</summary>
public static class PluginApiClient
{
    /// <summary>GET /plugin, asserted to answer 200.</summary>
    public static async Task<JsonElement[]> ListAsync(HttpClient client)
    {
        using var response = await client.GetAsync("plugin");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement[]>())!;
    }

    /// <summary>The list item whose modulePath (or, for plugins that did not load, name) is <paramref name="key"/>.</summary>
    public static async Task<JsonElement> FindAsync(HttpClient client, string key)
    {
        var items = await ListAsync(client);
        return items.Single(i => i.GetProperty("modulePath").GetString() == key || i.GetProperty("name").GetString() == key);
    }

    /// <summary>Polls the listing until <paramref name="predicate"/> holds (folder changes apply within 2 s).</summary>
    public static async Task<JsonElement[]> WaitForListAsync(HttpClient client, Func<JsonElement[], bool> predicate, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        JsonElement[] items;
        do
        {
            items = await ListAsync(client);
            if (predicate(items))
            {
                return items;
            }

            await Task.Delay(50);
        }
        while (DateTime.UtcNow < deadline);

        Assert.Fail($"The plugin list did not reach the expected state within {timeout.TotalSeconds} s: {JsonSerializer.Serialize(items)}");
        return items;
    }

    /// <summary>Sends <paramref name="body"/> (if any) to <paramref name="path"/>; the status and the body as text.</summary>
    public static async Task<(HttpStatusCode Status, string Body)> SendAsync(HttpClient client, HttpMethod method, string path, string? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body);
        }

        using var response = await client.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Creates a non-admin user through <paramref name="admin"/>; returns a client logged in as that user (basic auth).</summary>
    public static async Task<HttpClient> CreateUserAsync(HttpClient admin, string name, string pass)
    {
        using (var created = await admin.PostAsJsonAsync("user", new { name, pass, admin = false }))
        {
            Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        }

        var client = new HttpClient { BaseAddress = admin.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.ASCII.GetBytes($"{name}:{pass}")));
        return client;
    }

    /// <summary>The errorDescription of a Gotify error body.</summary>
    public static string ErrorDescription(string body) => JsonDocument.Parse(body).RootElement.GetProperty("errorDescription").GetString()!;
}
