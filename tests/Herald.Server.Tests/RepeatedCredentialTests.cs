using System.Text;
using System.Text.Json;
using Herald.Server.Tests.Infrastructure;

namespace Herald.Server.Tests;

/// <summary>
/// A credential source given twice counts with its first value, as Go reads it (<c>Query().Get</c>, <c>Header.Get</c>,
/// <c>Request.Cookie</c>), instead of joining the values into one unknown token.
/// </summary>
public sealed class RepeatedCredentialTests(ServerFixture fx) : IClassFixture<ServerFixture>
{
    private const string Bogus = "Cnotarealtoken0";

    public static TheoryData<string, bool> Cases => new()
    {
        { "query:valid,valid", true },
        { "query:valid,bogus", true },
        { "query:bogus,valid", false },
        { "query:empty,valid", false }, // Go's Get returns the empty first value: no token from the query at all
        { "header:valid,valid", true },
        { "header:valid,bogus", true },
        { "header:bogus,valid", false },
        { "bearer:valid,bogus", true },
        { "bearer:bogus,valid", false },
        { "basic:valid,bogus", true },
        { "basic:bogus,valid", false },
        { "cookie:valid,bogus", true },
        { "cookie:bogus,valid", false },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task CurrentUser_CredentialGivenTwice_FirstValueDecides(string repeated, bool firstIsValid)
    {
        // Whatever the source, the first of two values decides: 200 for the user when it is valid, Gotify's 401 when it is not.
        var acc = await fx.NewAccountAsync();
        var (source, values) = (repeated.Split(':')[0], repeated.Split(':')[1].Split(','));
        string Value(string which) => which switch
        {
            "valid" when source == "basic" => "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{acc.User.Name}:{acc.User.Pass}")),
            "bogus" when source == "basic" => "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{acc.User.Name}:wrong")),
            "valid" => acc.Client.Token,
            "bogus" => Bogus,
            _ => string.Empty,
        };

        var target = "/current/user";
        var headers = new List<KeyValuePair<string, string>>();
        switch (source)
        {
            case "query":
                target += $"?token={Value(values[0])}&token={Value(values[1])}";
                break;
            case "header":
                headers.AddRange(values.Select(v => new KeyValuePair<string, string>("X-Gotify-Key", Value(v))));
                break;
            case "bearer":
                headers.AddRange(values.Select(v => new KeyValuePair<string, string>("Authorization", "Bearer " + Value(v))));
                break;
            case "basic":
                headers.AddRange(values.Select(v => new KeyValuePair<string, string>("Authorization", Value(v))));
                break;
            case "cookie":
                headers.Add(new("Cookie", string.Join("; ", values.Select(v => "gotify-client-token=" + Value(v)))));
                break;
        }

        var (status, _, body) = await RawHttp.SendAsync(fx.Api.BaseUrl, "GET", target, headers);
        using var json = JsonDocument.Parse(body);
        if (firstIsValid)
        {
            Assert.Equal(200, status);
            Assert.Equal(acc.User.Name, json.RootElement.GetProperty("name").GetString());
        }
        else
        {
            Assert.Equal(401, status);
            Assert.Equal("{\"error\":\"Unauthorized\",\"errorCode\":401,\"errorDescription\":\"you need to provide a valid access token or user credentials to access this api\"}", Encoding.UTF8.GetString(body));
        }
    }
}
