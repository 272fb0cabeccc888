using System.Globalization;
using System.Text;
using Herald.Server.Tests.Infrastructure;
using static Herald.Server.Tests.Infrastructure.ApiAssert;

namespace Herald.Server.Tests;

/// <summary>Broken multipart bodies get the same 400 on every route that reads a form, and change nothing.</summary>
public sealed class MultipartTests(ServerFixture fx) : IClassFixture<ServerFixture>
{
    private const string Refused = "invalid form data: the body ended before the closing multipart boundary";

    private HeraldClient Api => fx.Api;

    public static TheoryData<string, string, bool> FormRoutes
    {
        get
        {
            var data = new TheoryData<string, string, bool>();
            foreach (var (method, path) in new[] { ("POST", "/application/{app}/image"), ("POST", "/message"), ("POST", "/application"), ("PUT", "/application/{app}"), ("POST", "/client") })
            {
                data.Add(method, path, false);
                data.Add(method, path, true);
            }

            return data;
        }
    }

    /// <summary>A form with every field these routes read and an image file, in parts separated by <c>--XYZ</c>.</summary>
    private static byte[] Parts(bool closed)
    {
        var text = new StringBuilder();
        foreach (var (name, value) in new[] { ("name", "renamed"), ("message", "m"), ("description", "changed") })
        {
            text.Append("--XYZ\r\nContent-Disposition: form-data; name=\"").Append(name).Append("\"\r\n\r\n").Append(value).Append("\r\n");
        }

        text.Append("--XYZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"logo.png\"\r\nContent-Type: image/png\r\n\r\n");
        var bytes = Encoding.ASCII.GetBytes(text.ToString()).Concat(TestImages.Png);
        return (closed ? bytes.Concat("\r\n--XYZ--\r\n"u8.ToArray()) : bytes).ToArray();
    }

    private async Task<string> StateAsync(Account acc)
    {
        // Names, descriptions and images of the user's applications, client names and message count: what a form write could change.
        var apps = Ok(await Api.GetAsync("/application", acc.Auth)).EnumerateArray()
            .Select(a => $"{a.GetProperty("name")}|{a.GetProperty("description")}|{a.GetProperty("image")}");
        var clients = Ok(await Api.GetAsync("/client", acc.Auth)).EnumerateArray().Select(c => c.GetProperty("name").ToString());
        return string.Join(";", apps) + " / " + string.Join(";", clients) + " / " + (await Api.AllMessagesAsync(acc.Auth)).Count;
    }

    [Theory]
    [MemberData(nameof(FormRoutes))]
    public async Task AnyFormRoute_TruncatedOrForeignBoundaryMultipart_Returns400AndChangesNothing(string method, string path, bool foreignBoundary)
    {
        // A body cut before its closing boundary, or one whose parts use another boundary than the header names, is 400 on every form route (never 500) and stores nothing.
        var acc = await fx.NewAccountAsync();
        var before = await StateAsync(acc);
        var target = path.Replace("{app}", acc.App.Id.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);
        var body = foreignBoundary
            ? Body.Raw(Parts(closed: true), "multipart/form-data; boundary=OTHER")
            : Body.Raw(Parts(closed: false), "multipart/form-data; boundary=XYZ");
        var auth = path == "/message" ? acc.App.Header : acc.Auth;
        Error(await Api.SendAsync(new HttpMethod(method), target, auth, body), 400, Refused);
        Assert.Equal(before, await StateAsync(acc));
    }

    [Fact]
    public async Task UploadImage_WellFormedMultipart_StillAccepted()
    {
        // The same parts with their closing boundary are an ordinary upload: the refusal above is about the framing alone.
        var acc = await fx.NewAccountAsync();
        var app = Ok(await Api.PostAsync($"/application/{acc.App.Id}/image", acc.Auth, Body.Raw(Parts(closed: true), "multipart/form-data; boundary=XYZ")));
        Assert.StartsWith("image/", app.GetProperty("image").GetString(), StringComparison.Ordinal);
    }
}
