using System.Text.Json;

namespace Herald.Server.Tests.Infrastructure;

public sealed record TestUser(long Id, string Name, string Pass, bool Admin)
{
    public Credential Basic => Credential.Basic(Name, Pass);
}

public sealed record TestClientToken(long Id, string Token, string Name)
{
    public Credential Header => Credential.Header(Token);
}

public sealed record TestApp(long Id, string Token, string Name)
{
    public Credential Header => Credential.Header(Token);
}

/// <summary>A user with one client and one application: the usual starting point of a test.</summary>
public sealed record Account(TestUser User, TestClientToken Client, TestApp App)
{
    /// <summary>The client token in the X-Gotify-Key header.</summary>
    public Credential Auth => Client.Header;
}

/// <summary>Creates users, clients, applications and messages through the public API.</summary>
public static class Scenario
{
    private static int _counter;

    /// <summary>A name unique in this test run.</summary>
    public static string UniqueName(string prefix) =>
        $"{prefix}{Interlocked.Increment(ref _counter)}_{Guid.NewGuid().ToString("N")[..6]}";

    public static async Task<TestUser> NewUserAsync(this HeraldClient api, Credential admin, bool isAdmin = false, string? name = null, string? pass = null)
    {
        name ??= UniqueName("user");
        pass ??= "pw-" + name;
        var json = ApiAssert.Ok(await api.PostAsync("/user", admin, Body.Json(new { name, pass, admin = isAdmin })));
        return new TestUser(json.GetProperty("id").GetInt64(), name, pass, isAdmin);
    }

    public static async Task<TestClientToken> NewClientAsync(this HeraldClient api, Credential auth, string? name = null)
    {
        name ??= UniqueName("client");
        var json = ApiAssert.Ok(await api.PostAsync("/client", auth, Body.Json(new { name })));
        return new TestClientToken(json.GetProperty("id").GetInt64(), json.GetProperty("token").GetString()!, name);
    }

    public static async Task<TestApp> NewAppAsync(this HeraldClient api, Credential auth, string? name = null, int? defaultPriority = null, string? description = null)
    {
        name ??= UniqueName("app");
        var body = new Dictionary<string, object> { ["name"] = name };
        if (defaultPriority is not null)
        {
            body["defaultPriority"] = defaultPriority.Value;
        }

        if (description is not null)
        {
            body["description"] = description;
        }

        var json = ApiAssert.Ok(await api.PostAsync("/application", auth, Body.Json(body)));
        return new TestApp(json.GetProperty("id").GetInt64(), json.GetProperty("token").GetString()!, name);
    }

    /// <summary>A new non-admin user with a client (created with basic auth) and an application (created with the client token).</summary>
    public static async Task<Account> NewAccountAsync(this HeraldClient api, Credential admin, bool isAdmin = false)
    {
        var user = await api.NewUserAsync(admin, isAdmin);
        var client = await api.NewClientAsync(user.Basic);
        var app = await api.NewAppAsync(client.Header);
        return new Account(user, client, app);
    }

    /// <summary>POST /message with an application token; asserts 200 and returns the stored message.</summary>
    public static async Task<JsonElement> SendMessageAsync(this HeraldClient api, TestApp app, string message, string? title = null, int? priority = null)
    {
        var body = new Dictionary<string, object> { ["message"] = message };
        if (title is not null)
        {
            body["title"] = title;
        }

        if (priority is not null)
        {
            body["priority"] = priority.Value;
        }

        return ApiAssert.Ok(await api.PostAsync("/message", app.Header, Body.Json(body)));
    }

    /// <summary>GET /message (one page) as <paramref name="auth"/>; returns the message ids in the order given.</summary>
    public static async Task<long[]> MessageIdsAsync(this HeraldClient api, Credential auth, string path = "/message?limit=200")
    {
        var json = ApiAssert.Ok(await api.GetAsync(path, auth));
        return json.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("id").GetInt64()).ToArray();
    }

    /// <summary>Every message visible to <paramref name="auth"/>, following <c>since</c> page by page.</summary>
    public static async Task<List<JsonElement>> AllMessagesAsync(this HeraldClient api, Credential auth)
    {
        var all = new List<JsonElement>();
        long since = 0;
        while (true)
        {
            var path = since == 0 ? "/message?limit=200" : $"/message?limit=200&since={since}";
            var json = ApiAssert.Ok(await api.GetAsync(path, auth));
            all.AddRange(json.GetProperty("messages").EnumerateArray());
            since = json.GetProperty("paging").GetProperty("since").GetInt64();
            if (since == 0)
            {
                return all;
            }
        }
    }

    /// <summary>Finds one element of a JSON array by its <c>id</c>.</summary>
    public static JsonElement? ById(this JsonElement array, long id)
    {
        foreach (var item in array.EnumerateArray())
        {
            if (item.GetProperty("id").GetInt64() == id)
            {
                return item;
            }
        }

        return null;
    }
}
