using Herald.Server.Tests.Infrastructure;
using static Herald.Server.Tests.Infrastructure.ApiAssert;

namespace Herald.Server.Tests;

/// <summary>The plugin operations of gotify-spec.json exist and answer documented codes even with no plugin loaded (behaviour reference §3.10).</summary>
public sealed class PluginRoutesTests(ServerFixture fx) : IClassFixture<ServerFixture>
{
    private HeraldClient Api => fx.Api;

    [Fact]
    public async Task GetPlugins_NoPluginsLoaded_ReturnsEmptyArray()
    {
        // GET /plugin lists the caller's plugin instances: none when the plugins folder is empty.
        var acc = await fx.NewAccountAsync();
        var list = Ok(await Api.GetAsync("/plugin", acc.Auth));
        Assert.Equal(System.Text.Json.JsonValueKind.Array, list.ValueKind);
        Assert.Equal(0, list.GetArrayLength());
    }

    [Theory]
    [InlineData("GET", "/plugin/999999/config")]
    [InlineData("POST", "/plugin/999999/config")]
    [InlineData("GET", "/plugin/999999/display")]
    [InlineData("POST", "/plugin/999999/enable")]
    [InlineData("POST", "/plugin/999999/disable")]
    public async Task PluginRoute_UnknownId_Returns404UnknownPlugin(string method, string path)
    {
        // An unknown plugin id is 404 "unknown plugin".
        var acc = await fx.NewAccountAsync();
        Error(await Api.SendAsync(new HttpMethod(method), path, acc.Auth, Body.Raw("a: b\n", "application/x-yaml")), 404, "unknown plugin");
    }

    [Theory]
    [InlineData("GET", "/plugin/abc/config")]
    [InlineData("POST", "/plugin/abc/enable")]
    public async Task PluginRoute_InvalidId_Returns400(string method, string path)
    {
        // A non-numeric plugin id is 400 "invalid id".
        var acc = await fx.NewAccountAsync();
        Error(await Api.SendAsync(new HttpMethod(method), path, acc.Auth), 400, "invalid id");
    }
}
