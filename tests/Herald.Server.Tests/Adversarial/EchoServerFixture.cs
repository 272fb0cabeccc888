using System.Text.Json;
using Herald.Server.Tests.Infrastructure;
using static Herald.Server.Tests.Infrastructure.ApiAssert;

namespace Herald.Server.Tests.Adversarial;

/// <summary>A user's instance of the echo plugin.</summary>
public sealed record EchoInstance(long Id, string Token)
{
    /// <summary>The webhook path of <paramref name="route"/> (<c>message</c>: the body becomes a message; <c>state</c>: no side effect).</summary>
    public string Webhook(string route) => $"/plugin/{Id}/custom/{Token}/{route}";
}

/// <summary>
/// A server whose plugins folder holds the echo fixture plugin (tests/fixtures/plugins/Echo, built with this project
/// into <c>fixture-plugins/</c>), so plugin configuration, display and webhooks are reachable with real plugin code.
/// </summary>
public class EchoServerFixture : ServerFixture
{
    public override async Task InitializeAsync()
    {
        var plugins = Directory.CreateDirectory(Path.Combine(WorkDir, "plugins"));
        File.Copy(Path.Combine(AppContext.BaseDirectory, "fixture-plugins", "Herald.Fixture.Echo.dll"), Path.Combine(plugins.FullName, "echo.dll"));
        await base.InitializeAsync();
    }

    /// <summary>The echo instance of the user behind <paramref name="user"/>, enabled.</summary>
    public async Task<EchoInstance> EnableEchoAsync(Credential user)
    {
        var instance = await EchoAsync(user);
        Status(await Api.PostAsync($"/plugin/{instance.Id}/enable", user), 200);
        return instance;
    }

    /// <summary>The echo instance of the user behind <paramref name="user"/> (every user gets one).</summary>
    public async Task<EchoInstance> EchoAsync(Credential user)
    {
        var echo = Ok(await Api.GetAsync("/plugin", user)).EnumerateArray().Single(p => p.GetProperty("modulePath").GetString() == "herald.test/echo");
        return new EchoInstance(echo.GetProperty("id").GetInt64(), echo.GetProperty("token").GetString()!);
    }

    /// <summary>The instance as GET /plugin lists it (enabled, status, statusMessage).</summary>
    public async Task<JsonElement> PluginStateAsync(Credential user, long id) =>
        Ok(await Api.GetAsync("/plugin", user)).ById(id) ?? throw new Xunit.Sdk.XunitException($"plugin {id} is not listed");
}
