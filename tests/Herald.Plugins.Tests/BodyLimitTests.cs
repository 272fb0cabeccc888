using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Herald.Plugins.Tests.Infrastructure;

namespace Herald.Plugins.Tests;

/// <summary>
/// Bodies over <c>server.maxbodybytes</c> (10 MiB by default) on the plugin routes get Gotify's 413 like every other route,
/// whoever reads them (the host for a config, the plugin for a webhook), and cost the plugin instance nothing.
/// </summary>
[Collection(PluginCollection.Name)]
public sealed class BodyLimitTests(FixturePlugins fixtures) : PluginServerTest(fixtures)
{
    private const string TooLarge = "{\"error\":\"Request Entity Too Large\",\"errorCode\":413,\"errorDescription\":\"request body too large\"}";
    private static readonly byte[] OverLimit = CreateOverLimit();

    protected override void Deploy(string pluginsDirectory)
    {
        Fixtures.DeployZip("Echo", pluginsDirectory, "echo.zip");
    }

    /// <summary>10 MiB and one byte of YAML-ish text: one byte over the default limit.</summary>
    private static byte[] CreateOverLimit()
    {
        var bytes = new byte[(10 * 1024 * 1024) + 1];
        Array.Fill(bytes, (byte)'x');
        return bytes;
    }

    /// <summary>
    /// With <c>Expect: 100-continue</c>, as curl sends for large bodies: a declared length over the limit is refused before
    /// the body is sent, and a chunked body is sent as Kestrel reads it.
    /// </summary>
    private static HttpClient NewClient(Uri baseAddress, HttpClient? authenticated = null)
    {
        var client = new HttpClient(new SocketsHttpHandler { Expect100ContinueTimeout = TimeSpan.FromSeconds(10) }) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.ExpectContinue = true;
        if (authenticated?.DefaultRequestHeaders.Authorization is { } authorization)
        {
            client.DefaultRequestHeaders.Authorization = authorization;
        }

        return client;
    }

    private static HttpContent Content(bool chunked)
    {
        HttpContent content = chunked ? new StreamContent(new MemoryStream(OverLimit)) : new ByteArrayContent(OverLimit);
        if (chunked)
        {
            content.Headers.ContentLength = null; // no length known up front: Kestrel counts while the body arrives
        }

        return content;
    }

    // Invariant: an oversized plugin config is 413 in Gotify's format, never a 500 with the exception's text, and the config is unchanged.
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task UpdateConfig_BodyOverMaxBodyBytes_Returns413AndKeepsConfig(bool chunked)
    {
        var id = (await PluginApiClient.FindAsync(Server.Client, "herald.test/echo")).GetProperty("id").GetInt64();
        using var client = NewClient(Server.BaseAddress, Server.Client);
        using var response = await client.PostAsync($"plugin/{id}/config", Content(chunked));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal(TooLarge, await response.Content.ReadAsStringAsync());
        Assert.Equal("magic_string: hello world\n", await Server.Client.GetStringAsync($"plugin/{id}/config"));
    }

    // Invariant: a webhook body over the limit, which the plugin is reading when Kestrel refuses it, is 413 in Gotify's
    // format (not an empty 500); nothing is sent, and the instance stays enabled and keeps answering.
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Webhook_BodyOverMaxBodyBytes_Returns413AndInstanceStaysEnabled(bool chunked)
    {
        var item = await PluginApiClient.FindAsync(Server.Client, "herald.test/echo");
        var id = item.GetProperty("id").GetInt64();
        var token = item.GetProperty("token").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await PluginApiClient.SendAsync(Server.Client, HttpMethod.Post, $"plugin/{id}/enable")).Status);
        using var anonymous = NewClient(Server.BaseAddress);

        using (var response = await anonymous.PostAsync($"plugin/{id}/custom/{token}/message", Content(chunked)))
        {
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
            Assert.Equal(TooLarge, await response.Content.ReadAsStringAsync());
        }

        item = await PluginApiClient.FindAsync(Server.Client, "herald.test/echo");
        Assert.True(item.GetProperty("enabled").GetBoolean(), item.ToString());
        Assert.Equal("ok", item.GetProperty("status").GetString());
        var app = (await Server.Client.GetFromJsonAsync<JsonElement[]>("application"))!.Single(a => a.GetProperty("internal").GetBoolean());
        var messages = $"application/{app.GetProperty("id").GetInt64()}/message";
        Assert.Equal(0, (await Server.Client.GetFromJsonAsync<JsonElement>(messages)).GetProperty("messages").GetArrayLength());

        using (var small = await anonymous.PostAsync($"plugin/{id}/custom/{token}/message", new StringContent("fits")))
        {
            Assert.Equal(HttpStatusCode.OK, small.StatusCode);
        }

        Assert.Equal("fits", (await Server.Client.GetFromJsonAsync<JsonElement>(messages)).GetProperty("messages")[0].GetProperty("message").GetString());
    }
}
