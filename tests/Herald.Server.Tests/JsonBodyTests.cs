using System.Text;
using Herald.Server.Tests.Infrastructure;
using static Herald.Server.Tests.Infrastructure.ApiAssert;

namespace Herald.Server.Tests;

/// <summary>
/// The JSON body reader's two rules, checked on every field and route they reach: a document it accepts can always be
/// listed again (nesting), and a lone surrogate escape is stored as U+FFFD, as Go's decoder stores it.
/// </summary>
public sealed class JsonBodyTests(ServerFixture fx) : IClassFixture<ServerFixture>
{
    /// <summary>
    /// One JSON string body covering Go's surrogate rules: lone high, lone low, a valid pair, a high before a pair
    /// (only the first is lost) and an escaped backslash (no escape at all, left alone).
    /// </summary>
    private const string Escaped = @"a\ud800b\udc00c\ud83d\ude00d\ud800\ud800\udc00e\\ud800";

    /// <summary>What Go's decoder stores for <see cref="Escaped"/>.</summary>
    private const string Decoded = "a\uFFFDb\uFFFDc\U0001F600d\uFFFD\U00010000e\\ud800";

    private HeraldClient Api => fx.Api;

    /// <summary>An extras object nested <paramref name="depth"/> levels deep, compact as Herald stores it.</summary>
    private static string Nested(int depth) => new StringBuilder().Insert(0, "{\"a\":", depth).Append('1').Append('}', depth).ToString();

    [Theory]
    [InlineData(62)] // the reported message that broke its owner's list
    [InlineData(63)] // the deepest extras a body of 64 levels (the reader's limit) can hold
    public async Task PostMessage_ExtrasAsDeepAsAccepted_ListedOnEveryRouteAndStreamed(int depth)
    {
        // Accepted ⇒ listable: extras as deep as POST /message accepts come back unchanged from the answer, the stream and both list routes.
        var acc = await fx.NewAccountAsync();
        var extras = Nested(depth);
        await using var stream = await StreamClient.ConnectAsync(Api.BaseUrl, Credential.Query(acc.Client.Token));
        var created = Ok(await Api.PostAsync("/message", acc.App.Header, Body.RawJson($"{{\"message\":\"deep\",\"extras\":{extras}}}")));
        var pushed = await stream.ReceiveJsonAsync();
        var listed = Ok(await Api.GetAsync("/message", acc.Auth)).GetProperty("messages");
        var listedByApp = Ok(await Api.GetAsync($"/application/{acc.App.Id}/message", acc.Auth)).GetProperty("messages");
        Assert.Equal(1, listed.GetArrayLength());
        foreach (var message in new[] { created, pushed, listed[0], listedByApp[0] })
        {
            Assert.Equal(extras, message.GetProperty("extras").GetRawText());
        }
    }

    [Fact]
    public async Task PostMessage_BodyDeeperThanReaderLimit_Returns400AndStoresNothing()
    {
        // One level past the limit (extras of 64 levels in a body of 65) is a 400 naming the limit, and nothing is stored.
        var acc = await fx.NewAccountAsync();
        var response = await Api.PostAsync("/message", acc.App.Header, Body.RawJson($"{{\"message\":\"too deep\",\"extras\":{Nested(64)}}}"));
        Error(response, 400);
        Assert.Contains("maximum configured depth of 64", response.Json.GetProperty("errorDescription").GetString(), StringComparison.Ordinal);
        Assert.Empty(await Api.AllMessagesAsync(acc.Auth));
    }

    public static TheoryData<string> StringFields => new()
    {
        "message.message",
        "message.title",
        "application.name",
        "application.description",
        "application.sortKey",
        "client.name",
        "user.name",
        "user.pass",
        "login.name",
        "extras.key",
        "extras.value",
    };

    [Theory]
    [MemberData(nameof(StringFields))]
    public async Task AnyStringField_LoneSurrogateEscape_StoredAsReplacementCharacterLikeGo(string field)
    {
        // A lone surrogate escape is never a 500: every string field stores U+FFFD in its place, as Gotify (Go) does, and reads back so.
        var acc = await fx.NewAccountAsync();
        var json = $"\"{Escaped}\"";
        switch (field)
        {
            case "message.message" or "message.title":
                var name = field.Split('.')[1];
                var body = name == "message" ? $"{{\"message\":{json}}}" : $"{{\"message\":\"m\",\"title\":{json}}}";
                Assert.Equal(Decoded, Ok(await Api.PostAsync("/message", acc.App.Header, Body.RawJson(body))).GetProperty(name).GetString());
                Assert.Equal(Decoded, (await Api.AllMessagesAsync(acc.Auth)).Single().GetProperty(name).GetString());
                break;
            case "application.name" or "application.description" or "application.sortKey":
                var property = field.Split('.')[1];
                var created = Ok(await Api.PostAsync("/application", acc.Auth, Body.RawJson(property == "name" ? $"{{\"name\":{json}}}" : $"{{\"name\":\"n\",\"{property}\":{json}}}")));
                Assert.Equal(Decoded, created.GetProperty(property).GetString());
                var listed = Ok(await Api.GetAsync("/application", acc.Auth)).ById(created.GetProperty("id").GetInt64())!.Value;
                Assert.Equal(Decoded, listed.GetProperty(property).GetString());
                break;
            case "client.name":
                var client = Ok(await Api.PostAsync("/client", acc.Auth, Body.RawJson($"{{\"name\":{json}}}")));
                Assert.Equal(Decoded, Ok(await Api.GetAsync("/client", acc.Auth)).ById(client.GetProperty("id").GetInt64())!.Value.GetProperty("name").GetString());
                break;
            case "user.name" or "user.pass":
                var userName = Scenario.UniqueName("surrogate");
                var user = field == "user.name"
                    ? $"{{\"name\":\"{userName}{Escaped}\",\"pass\":\"pw\",\"admin\":false}}"
                    : $"{{\"name\":\"{userName}\",\"pass\":{json},\"admin\":false}}";
                Ok(await Api.PostAsync("/user", fx.Admin, Body.RawJson(user)));
                var basic = field == "user.name" ? Credential.Basic(userName + Decoded, "pw") : Credential.Basic(userName, Decoded);
                Assert.Equal(field == "user.name" ? userName + Decoded : userName, Ok(await Api.GetAsync("/current/user", basic)).GetProperty("name").GetString());
                break;
            case "login.name":
                Ok(await Api.PostAsync("/auth/local/login", acc.User.Basic, Body.RawJson($"{{\"name\":{json}}}")));
                Assert.Contains(Ok(await Api.GetAsync("/client", acc.Auth)).EnumerateArray(), c => c.GetProperty("name").GetString() == Decoded);
                break;
            case "extras.key" or "extras.value":
                var extras = field == "extras.key" ? $"{{{json}:1}}" : $"{{\"k\":{{\"nested\":{json}}}}}";
                Ok(await Api.PostAsync("/message", acc.App.Header, Body.RawJson($"{{\"message\":\"m\",\"extras\":{extras}}}")));
                var stored = (await Api.AllMessagesAsync(acc.Auth)).Single().GetProperty("extras");
                Assert.Equal(Decoded, field == "extras.key" ? stored.EnumerateObject().Single().Name : stored.GetProperty("k").GetProperty("nested").GetString());
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(field), field, "no such case");
        }
    }
}
