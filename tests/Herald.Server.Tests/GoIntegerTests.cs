using Herald.Server.Tests.Infrastructure;
using static Herald.Server.Tests.Infrastructure.ApiAssert;

namespace Herald.Server.Tests;

/// <summary>
/// Integer fields take the range of Gotify's Go types, which are 64-bit: <c>priority</c> and <c>defaultPriority</c> are
/// <c>int</c> (int64), <c>since</c> and <c>appid</c> are <c>uint</c> (uint64); SQLite's INTEGER holds 64 bits.
/// </summary>
public sealed class GoIntegerTests(ServerFixture fx) : IClassFixture<ServerFixture>
{
    private HeraldClient Api => fx.Api;

    [Theory]
    [InlineData("2147483648", false)]
    [InlineData("9223372036854775807", false)]
    [InlineData("-9223372036854775808", false)]
    [InlineData("2147483648", true)]
    [InlineData("-9223372036854775808", true)]
    public async Task PostMessage_PriorityBeyondInt32_StoredAndListedAsInt64(string priority, bool form)
    {
        // A priority Go's int accepts is stored and listed exactly, from JSON and from forms.
        var acc = await fx.NewAccountAsync();
        var body = form ? Body.Form(("message", "m"), ("priority", priority)) : Body.RawJson($"{{\"message\":\"m\",\"priority\":{priority}}}");
        Assert.Equal(long.Parse(priority, System.Globalization.CultureInfo.InvariantCulture), Ok(await Api.PostAsync("/message", acc.App.Header, body)).GetProperty("priority").GetInt64());
        Assert.Equal(priority, (await Api.AllMessagesAsync(acc.Auth)).Single().GetProperty("priority").GetRawText());
    }

    [Theory]
    [InlineData(false, "json: cannot unmarshal number 9223372036854775808 into Go struct field CreateMessage.priority of type int")]
    [InlineData(true, "strconv.ParseInt: parsing \"9223372036854775808\": value out of range")]
    public async Task PostMessage_PriorityBeyondInt64_Returns400WithGoTextAndStoresNothing(bool form, string description)
    {
        // Past Go's int the decoder's own error is returned, as Gotify does, and nothing is stored.
        var acc = await fx.NewAccountAsync();
        const string TooBig = "9223372036854775808";
        var body = form ? Body.Form(("message", "m"), ("priority", TooBig)) : Body.RawJson($"{{\"message\":\"m\",\"priority\":{TooBig}}}");
        Error(await Api.PostAsync("/message", acc.App.Header, body), 400, description);
        Assert.Empty(await Api.AllMessagesAsync(acc.Auth));
    }

    [Fact]
    public async Task ApplicationDefaultPriority_BeyondInt32_StoredAndAppliedToMessages()
    {
        // defaultPriority is an int64 on create and update, and a message without priority gets it exactly.
        var acc = await fx.NewAccountAsync();
        var created = Ok(await Api.PostAsync("/application", acc.Auth, Body.RawJson("{\"name\":\"big\",\"defaultPriority\":1099511627776}")));
        Assert.Equal(1L << 40, created.GetProperty("defaultPriority").GetInt64());
        var id = created.GetProperty("id").GetInt64();
        var updated = Ok(await Api.PutAsync($"/application/{id}", acc.Auth, Body.Form(("name", "big"), ("defaultPriority", "-4611686018427387904"))));
        Assert.Equal(-(1L << 62), updated.GetProperty("defaultPriority").GetInt64());
        var token = created.GetProperty("token").GetString()!;
        Assert.Equal(-(1L << 62), Ok(await Api.PostAsync("/message", Credential.Header(token), Body.Json(new { message = "m" }))).GetProperty("priority").GetInt64());
        Assert.Equal(-(1L << 62), Ok(await Api.GetAsync("/application", acc.Auth)).ById(id)!.Value.GetProperty("defaultPriority").GetInt64());
    }

    [Theory]
    [InlineData("4294967296")]
    [InlineData("9223372036854775808")]
    [InlineData("18446744073709551615")]
    public async Task GetMessages_SinceBeyondUInt32_AcceptedAndExcludesNothing(string since)
    {
        // since is Go's uint64: any value above every id returns the whole first page, on both list routes.
        var acc = await fx.NewAccountAsync();
        var sent = (await Api.SendMessageAsync(acc.App, "m")).GetProperty("id").GetInt64();
        Assert.Equal([sent], await Api.MessageIdsAsync(acc.Auth, $"/message?since={since}"));
        Assert.Equal([sent], await Api.MessageIdsAsync(acc.Auth, $"/application/{acc.App.Id}/message?since={since}"));
    }

    [Theory]
    [InlineData("18446744073709551616", "strconv.ParseUint: parsing \"18446744073709551616\": value out of range")]
    [InlineData("-1", "strconv.ParseUint: parsing \"-1\": invalid syntax")]
    public async Task GetMessages_SinceOutsideUInt64_Returns400WithGoText(string since, string description)
    {
        // Past uint64, or signed, since is Go's strconv error.
        var acc = await fx.NewAccountAsync();
        Error(await Api.GetAsync($"/message?since={since}", acc.Auth), 400, description);
    }

    [Fact]
    public async Task PostMessage_AppIdBeyondInt64_Returns400AppIdNotFound()
    {
        // appid is Go's uint64: a value no row can have is "appid not found", not a type error or a 500, and nothing is stored.
        var acc = await fx.NewAccountAsync();
        Error(await Api.PostAsync("/message", acc.Auth, Body.RawJson("{\"message\":\"m\",\"appid\":18446744073709551615}")), 400, "appid not found");
        Assert.Empty(await Api.AllMessagesAsync(acc.Auth));
    }
}
