using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Herald.Server.Tests.Infrastructure;
using static Herald.Server.Tests.Infrastructure.ApiAssert;

namespace Herald.Server.Tests;

/// <summary>/application CRUD, token regeneration and images (behaviour reference §3.6).</summary>
public sealed partial class ApplicationsTests(ServerFixture fx) : IClassFixture<ServerFixture>
{
    private HeraldClient Api => fx.Api;

    [GeneratedRegex(@"^A[a-zA-Z0-9.\-_]{14}$")]
    private static partial Regex AppToken();

    [GeneratedRegex(@"^image/[A-Za-z0-9.\-_]+\.png$")]
    private static partial Regex PngImagePath();

    [Fact]
    public async Task CreateApp_Json_ReturnsDocumentedApplication()
    {
        // POST /application returns the full Application with a 2.x-format token, default image, createdAt and lastUsed null.
        var user = await fx.NewUserAsync();
        var before = DateTimeOffset.UtcNow;
        var app = Ok(await Api.PostAsync("/application", user.Basic, Body.Json(new { name = "backup", description = "nightly", defaultPriority = 4 })));
        HasShape(app, Shape.Application);
        Assert.Matches(AppToken(), app.GetProperty("token").GetString());
        Assert.Equal("backup", app.GetProperty("name").GetString());
        Assert.Equal("nightly", app.GetProperty("description").GetString());
        Assert.Equal(4, app.GetProperty("defaultPriority").GetInt32());
        Assert.False(app.GetProperty("internal").GetBoolean());
        Assert.Equal("static/defaultapp.png", app.GetProperty("image").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, app.GetProperty("lastUsed").ValueKind);
        Near(before, Timestamp(app.GetProperty("createdAt")), TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task CreateAndUpdate_TextOverMySqlTextSize_Refused400NothingChanged()
    {
        // Names and descriptions hold at most 65,535 UTF-8 bytes on every engine (MySQL's text): a longer one is a 400
        // in Gotify's format and neither creates an application nor changes one; a client name follows the same rule.
        var user = await fx.NewUserAsync();
        var tooLong = new string('ü', 32_768);
        const string Rule = " is 65536 bytes long; a text field holds at most 65535 bytes on every database engine (the size of MySQL's text column)";
        Error(await Api.PostAsync("/application", user.Basic, Body.Json(new { name = "n", description = tooLong })), 400, "the description" + Rule);
        Error(await Api.PostAsync("/application", user.Basic, Body.Json(new { name = tooLong })), 400, "the name" + Rule);
        Assert.Equal(0, Ok(await Api.GetAsync("/application", user.Basic)).GetArrayLength());

        var app = Ok(await Api.PostAsync("/application", user.Basic, Body.Json(new { name = "kept", description = "as is" })));
        var id = app.GetProperty("id").GetInt64();
        Error(await Api.PutAsync($"/application/{id}", user.Basic, Body.Json(new { name = "kept", description = tooLong })), 400, "the description" + Rule);
        var listed = Ok(await Api.GetAsync("/application", user.Basic))[0];
        Assert.Equal("as is", listed.GetProperty("description").GetString());

        Error(await Api.PostAsync("/client", user.Basic, Body.Json(new { name = tooLong })), 400, "the name" + Rule);
        var fits = new string('ü', 32_767);
        Assert.Equal(fits, Ok(await Api.PostAsync("/client", user.Basic, Body.Json(new { name = fits }))).GetProperty("name").GetString());
    }

    [Fact]
    public async Task CreateApp_OnlyName_DefaultsDescriptionAndPriority()
    {
        // Missing description and defaultPriority default to "" and 0.
        var user = await fx.NewUserAsync();
        var app = Ok(await Api.PostAsync("/application", user.Basic, Body.Json(new { name = "n" })));
        Assert.Equal(string.Empty, app.GetProperty("description").GetString());
        Assert.Equal(0, app.GetProperty("defaultPriority").GetInt32());
    }

    [Fact]
    public async Task CreateApp_MultipartForm_Accepted()
    {
        // curl -F name=... -F description=... creates an application (docs/pushmsg.md).
        var user = await fx.NewUserAsync();
        var app = Ok(await Api.PostAsync("/application", user.Basic, Body.Multipart([("name", "test"), ("description", "tutorial")])));
        Assert.Equal("test", app.GetProperty("name").GetString());
        Assert.Equal("tutorial", app.GetProperty("description").GetString());
    }

    [Fact]
    public async Task CreateApp_UrlEncodedForm_Accepted()
    {
        // Form bodies bind like JSON.
        var user = await fx.NewUserAsync();
        var app = Ok(await Api.PostAsync("/application", user.Basic, Body.Form(("name", "formapp"), ("defaultPriority", "3"))));
        Assert.Equal("formapp", app.GetProperty("name").GetString());
        Assert.Equal(3, app.GetProperty("defaultPriority").GetInt32());
    }

    [Fact]
    public async Task CreateApp_QueryParametersWithoutBody_Accepted()
    {
        // Form binding reads the URL query too: POST /application?name=...&defaultPriority=... works without a body.
        var user = await fx.NewUserAsync();
        var app = Ok(await Api.PostAsync("/application?name=queryapp&description=q&defaultPriority=2", user.Basic));
        Assert.Equal("queryapp", app.GetProperty("name").GetString());
        Assert.Equal("q", app.GetProperty("description").GetString());
        Assert.Equal(2, app.GetProperty("defaultPriority").GetInt32());
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("{\"name\":\"\"}")]
    [InlineData("{\"description\":\"d\"}")]
    public async Task CreateApp_MissingName_Returns400FieldRequired(string json)
    {
        // name is required; nothing is created.
        var user = await fx.NewUserAsync();
        Error(await Api.PostAsync("/application", user.Basic, Body.RawJson(json)), 400, "Field 'name' is required");
        Assert.Equal(0, Ok(await Api.GetAsync("/application", user.Basic)).GetArrayLength());
    }

    [Fact]
    public async Task CreateApp_NoSortKey_AssignsIncreasingFracdexKeys()
    {
        // An empty sortKey is auto-assigned after the user's last key: a0, a1, a2.
        var user = await fx.NewUserAsync();
        var keys = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            keys.Add(Ok(await Api.PostAsync("/application", user.Basic, Body.Json(new { name = "a" + i }))).GetProperty("sortKey").GetString()!);
        }

        Assert.Equal(["a0", "a1", "a2"], keys);
    }

    [Fact]
    public async Task CreateApp_Concurrent_AllSucceedWithDistinctSortKeys()
    {
        // Many simultaneous creations for one user without sortKey all succeed and get distinct sort keys and tokens.
        var user = await fx.NewUserAsync();
        var responses = await Task.WhenAll(Enumerable.Range(0, 12).Select(i => Api.PostAsync("/application", user.Basic, Body.Json(new { name = "c" + i }))));
        var apps = responses.Select(Ok).ToList();
        Assert.Equal(12, apps.Select(a => a.GetProperty("sortKey").GetString()).Distinct().Count());
        Assert.Equal(12, apps.Select(a => a.GetProperty("token").GetString()).Distinct().Count());
        Assert.Equal(12, Ok(await Api.GetAsync("/application", user.Basic)).GetArrayLength());
    }

    [Fact]
    public async Task CreateApp_DuplicateSortKey_Returns400()
    {
        // Sort keys are unique per user.
        var user = await fx.NewUserAsync();
        Ok(await Api.PostAsync("/application", user.Basic, Body.Json(new { name = "one", sortKey = "a5" })));
        Error(await Api.PostAsync("/application", user.Basic, Body.Json(new { name = "two", sortKey = "a5" })), 400, "sort key is not unique");
        Assert.Equal(1, Ok(await Api.GetAsync("/application", user.Basic)).GetArrayLength());
    }

    [Fact]
    public async Task CreateApp_SameSortKeyOtherUser_Accepted()
    {
        // Sort key uniqueness is per user, not global.
        var a = await fx.NewUserAsync();
        var b = await fx.NewUserAsync();
        Ok(await Api.PostAsync("/application", a.Basic, Body.Json(new { name = "one", sortKey = "a5" })));
        Ok(await Api.PostAsync("/application", b.Basic, Body.Json(new { name = "one", sortKey = "a5" })));
    }

    [Fact]
    public async Task GetApps_ListsOwnAppsWithTokensOrderedBySortKey()
    {
        // 2.9 behaviour: GET /application includes tokens; the list is ordered by sortKey then id.
        var user = await fx.NewUserAsync();
        var c = Ok(await Api.PostAsync("/application", user.Basic, Body.Json(new { name = "c", sortKey = "a9" })));
        var a = Ok(await Api.PostAsync("/application", user.Basic, Body.Json(new { name = "a", sortKey = "a1" })));
        var b = Ok(await Api.PostAsync("/application", user.Basic, Body.Json(new { name = "b", sortKey = "a5" })));
        var list = Ok(await Api.GetAsync("/application", user.Basic));
        Assert.Equal(["a", "b", "c"], list.EnumerateArray().Select(x => x.GetProperty("name").GetString()));
        foreach (var item in list.EnumerateArray())
        {
            HasShape(item, Shape.Application);
        }

        Assert.Equal(a.GetProperty("token").GetString(), list[0].GetProperty("token").GetString());
        Assert.Equal(b.GetProperty("token").GetString(), list[1].GetProperty("token").GetString());
        Assert.Equal(c.GetProperty("token").GetString(), list[2].GetProperty("token").GetString());
    }

    [Fact]
    public async Task UpdateApp_AllFields_ChangedAndTokenKept()
    {
        // PUT /application/{id} sets name, description, defaultPriority, sortKey and keeps token and image.
        var acc = await fx.NewAccountAsync();
        var updated = Ok(await Api.PutAsync($"/application/{acc.App.Id}", acc.Auth, Body.Json(new { name = "renamed", description = "desc", defaultPriority = 8, sortKey = "b0" })));
        HasShape(updated, Shape.Application);
        Assert.Equal("renamed", updated.GetProperty("name").GetString());
        Assert.Equal("desc", updated.GetProperty("description").GetString());
        Assert.Equal(8, updated.GetProperty("defaultPriority").GetInt32());
        Assert.Equal("b0", updated.GetProperty("sortKey").GetString());
        var listed = Ok(await Api.GetAsync("/application", acc.Auth)).ById(acc.App.Id)!.Value;
        Assert.Equal("renamed", listed.GetProperty("name").GetString());
        Assert.Equal(acc.App.Token, listed.GetProperty("token").GetString());
        Status(await Api.PostAsync("/message", acc.App.Header, Body.Json(new { message = "still works" })), 200);
    }

    [Fact]
    public async Task UpdateApp_OnlyName_ResetsDescriptionAndPriorityKeepsSortKey()
    {
        // PUT replaces: missing description → "", missing defaultPriority → 0; an empty sortKey keeps the old one.
        var user = await fx.NewUserAsync();
        var app = Ok(await Api.PostAsync("/application", user.Basic, Body.Json(new { name = "x", description = "d", defaultPriority = 5, sortKey = "a3" })));
        var id = app.GetProperty("id").GetInt64();
        var updated = Ok(await Api.PutAsync($"/application/{id}", user.Basic, Body.Json(new { name = "y" })));
        Assert.Equal("y", updated.GetProperty("name").GetString());
        Assert.Equal(string.Empty, updated.GetProperty("description").GetString());
        Assert.Equal(0, updated.GetProperty("defaultPriority").GetInt32());
        Assert.Equal("a3", updated.GetProperty("sortKey").GetString());
    }

    [Fact]
    public async Task UpdateApp_MissingName_Returns400AndUnchanged()
    {
        // name is required on update too; the application stays as it was.
        var acc = await fx.NewAccountAsync();
        Error(await Api.PutAsync($"/application/{acc.App.Id}", acc.Auth, Body.Json(new { description = "d" })), 400, "Field 'name' is required");
        Assert.Equal(acc.App.Name, Ok(await Api.GetAsync("/application", acc.Auth)).ById(acc.App.Id)!.Value.GetProperty("name").GetString());
    }

    [Fact]
    public async Task UpdateApp_ForeignOrUnknown_Returns404()
    {
        // Another user's application is reported as not existing and is not changed.
        var a = await fx.NewAccountAsync();
        var b = await fx.NewAccountAsync();
        Error(await Api.PutAsync($"/application/{b.App.Id}", a.Auth, Body.Json(new { name = "stolen" })), 404, $"app with id {b.App.Id} doesn't exists");
        Error(await Api.PutAsync("/application/99999999", a.Auth, Body.Json(new { name = "x" })), 404, "app with id 99999999 doesn't exists");
        Assert.Equal(b.App.Name, Ok(await Api.GetAsync("/application", b.Auth)).ById(b.App.Id)!.Value.GetProperty("name").GetString());
    }

    [Fact]
    public async Task UpdateApp_DuplicateSortKey_Returns400()
    {
        // Updating onto another application's sort key is rejected.
        var user = await fx.NewUserAsync();
        Ok(await Api.PostAsync("/application", user.Basic, Body.Json(new { name = "one", sortKey = "a1" })));
        var two = Ok(await Api.PostAsync("/application", user.Basic, Body.Json(new { name = "two", sortKey = "a2" })));
        Error(await Api.PutAsync($"/application/{two.GetProperty("id").GetInt64()}", user.Basic, Body.Json(new { name = "two", sortKey = "a1" })), 400, "sort key is not unique");
    }

    [Fact]
    public async Task DeleteApp_NonElevatedClientToken_RemovesAppMessagesAndToken()
    {
        // 2.9 behaviour: a plain client token may delete; the app's messages go with it and its token stops working.
        var acc = await fx.NewAccountAsync();
        await Api.SendMessageAsync(acc.App, "gone");
        Status(await Api.DeleteAsync($"/application/{acc.App.Id}", acc.Auth), 200);
        Assert.Null(Ok(await Api.GetAsync("/application", acc.Auth)).ById(acc.App.Id));
        Assert.Empty(await Api.MessageIdsAsync(acc.Auth));
        Error(await Api.GetAsync($"/application/{acc.App.Id}/message", acc.Auth), 404, "application does not exist");
        Error(await Api.PostAsync("/message", acc.App.Header, Body.Json(new { message = "x" })), 401, "you need to provide a valid access token or user credentials to access this api");
    }

    [Fact]
    public async Task DeleteApp_ForeignOrUnknown_Returns404AndKeepsIt()
    {
        // A user cannot delete another user's application.
        var a = await fx.NewAccountAsync();
        var b = await fx.NewAccountAsync();
        Error(await Api.DeleteAsync($"/application/{b.App.Id}", a.Auth), 404, $"app with id {b.App.Id} doesn't exists");
        Error(await Api.DeleteAsync("/application/99999999", a.Auth), 404, "app with id 99999999 doesn't exists");
        Assert.NotNull(Ok(await Api.GetAsync("/application", b.Auth)).ById(b.App.Id));
    }

    [Fact]
    public async Task UpdateSecurity_RegenerateToken_NewTokenWorksOldFails()
    {
        // PUT /application/{id}/security {"regenerateToken":true} returns a new 2.x-format token; the old one stops working.
        var acc = await fx.NewAccountAsync();
        var json = Ok(await Api.PutAsync($"/application/{acc.App.Id}/security", acc.User.Basic, Body.Json(new { regenerateToken = true })));
        var token = json.GetProperty("regenerateToken").GetProperty("token").GetString()!;
        Assert.Matches(AppToken(), token);
        Assert.NotEqual(acc.App.Token, token);
        Status(await Api.PostAsync("/message", Credential.Header(token), Body.Json(new { message = "new token" })), 200);
        Error(await Api.PostAsync("/message", acc.App.Header, Body.Json(new { message = "old token" })), 401, "you need to provide a valid access token or user credentials to access this api");
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("{\"regenerateToken\":false}")]
    public async Task UpdateSecurity_NoAction_Returns200EmptyObjectAndKeepsToken(string json)
    {
        // Without regenerateToken:true the call is a no-op answering {}.
        var acc = await fx.NewAccountAsync();
        var response = Ok(await Api.PutAsync($"/application/{acc.App.Id}/security", acc.User.Basic, Body.RawJson(json)));
        Assert.Equal(System.Text.Json.JsonValueKind.Object, response.ValueKind);
        Assert.Empty(response.EnumerateObject());
        Status(await Api.PostAsync("/message", acc.App.Header, Body.Json(new { message = "old token still works" })), 200);
    }

    [Fact]
    public async Task UpdateSecurity_ForeignApp_Returns404AndKeepsToken()
    {
        // A user cannot rotate another user's token.
        var a = await fx.NewAccountAsync();
        var b = await fx.NewAccountAsync();
        Error(await Api.PutAsync($"/application/{b.App.Id}/security", a.User.Basic, Body.Json(new { regenerateToken = true })), 404);
        Status(await Api.PostAsync("/message", b.App.Header, Body.Json(new { message = "still mine" })), 200);
    }

    [Fact]
    public async Task UploadImage_Png_SetsRandomNameAndServesBytes()
    {
        // POST /application/{id}/image stores the file under a random name, sets image:"image/<name>" and GET /image/<name> serves it.
        var acc = await fx.NewAccountAsync();
        var app = Ok(await Api.PostAsync($"/application/{acc.App.Id}/image", acc.Auth, Body.File("file", "logo.png", TestImages.Png)));
        HasShape(app, Shape.Application);
        var image = app.GetProperty("image").GetString()!;
        Assert.Matches(PngImagePath(), image);
        Assert.NotEqual("image/logo.png", image);
        var (status, bytes, mediaType) = await Api.GetBytesAsync("/" + image);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(TestImages.Png, bytes);
        Assert.Equal("image/png", mediaType);
        Assert.Equal(image, Ok(await Api.GetAsync("/application", acc.Auth)).ById(acc.App.Id)!.Value.GetProperty("image").GetString());
    }

    [Theory]
    [InlineData("pic.gif", "gif")]
    [InlineData("pic.jpg", "jpeg")]
    [InlineData("pic.jpeg", "jpeg")]
    [InlineData("PIC.PNG", "png")]
    public async Task UploadImage_AllowedExtensions_Accepted(string fileName, string kind)
    {
        // .gif/.png/.jpg/.jpeg are accepted, case-insensitively, when the content is an image.
        var acc = await fx.NewAccountAsync();
        var content = kind switch { "gif" => TestImages.Gif, "jpeg" => TestImages.Jpeg, _ => TestImages.Png };
        var app = Ok(await Api.PostAsync($"/application/{acc.App.Id}/image", acc.Auth, Body.File("file", fileName, content)));
        Assert.StartsWith("image/", app.GetProperty("image").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UploadImage_SecondUpload_ReplacesAndDeletesOldFile()
    {
        // A new upload gets a new name and the old file is no longer served.
        var acc = await fx.NewAccountAsync();
        var first = Ok(await Api.PostAsync($"/application/{acc.App.Id}/image", acc.Auth, Body.File("file", "a.png", TestImages.Png))).GetProperty("image").GetString()!;
        var second = Ok(await Api.PostAsync($"/application/{acc.App.Id}/image", acc.Auth, Body.File("file", "a.png", TestImages.Png))).GetProperty("image").GetString()!;
        Assert.NotEqual(first, second);
        Assert.Equal(HttpStatusCode.NotFound, (await Api.GetBytesAsync("/" + first)).Status);
        Assert.Equal(HttpStatusCode.OK, (await Api.GetBytesAsync("/" + second)).Status);
    }

    [Fact]
    public async Task UploadImage_TextContent_Returns400NotAnImage()
    {
        // The content is sniffed: a text file named .png is rejected and nothing changes.
        var acc = await fx.NewAccountAsync();
        Error(await Api.PostAsync($"/application/{acc.App.Id}/image", acc.Auth, Body.File("file", "fake.png", TestImages.Text)), 400, "file must be an image");
        Assert.Equal("static/defaultapp.png", Ok(await Api.GetAsync("/application", acc.Auth)).ById(acc.App.Id)!.Value.GetProperty("image").GetString());
    }

    [Theory]
    [InlineData("evil.html")]
    [InlineData("evil.svg")]
    [InlineData("evil.png.exe")]
    [InlineData("noextension")]
    public async Task UploadImage_ImageContentWrongExtension_Returns400InvalidExtension(string fileName)
    {
        // Image content with an extension outside .gif/.png/.jpg/.jpeg is rejected (e.g. HTML with a PNG header).
        var acc = await fx.NewAccountAsync();
        Error(await Api.PostAsync($"/application/{acc.App.Id}/image", acc.Auth, Body.File("file", fileName, TestImages.Png)), 400, "invalid file extension");
        Assert.Equal("static/defaultapp.png", Ok(await Api.GetAsync("/application", acc.Auth)).ById(acc.App.Id)!.Value.GetProperty("image").GetString());
    }

    [Fact]
    public async Task UploadImage_WrongFieldName_Returns400FileRequired()
    {
        // The multipart field must be called "file".
        var acc = await fx.NewAccountAsync();
        Error(await Api.PostAsync($"/application/{acc.App.Id}/image", acc.Auth, Body.File("image", "a.png", TestImages.Png)), 400, "file with key 'file' must be present");
    }

    [Fact]
    public async Task UploadImage_ForeignApp_Returns404()
    {
        // Nobody can change another user's application image.
        var a = await fx.NewAccountAsync();
        var b = await fx.NewAccountAsync();
        Error(await Api.PostAsync($"/application/{b.App.Id}/image", a.Auth, Body.File("file", "a.png", TestImages.Png)), 404);
        Assert.Equal("static/defaultapp.png", Ok(await Api.GetAsync("/application", b.Auth)).ById(b.App.Id)!.Value.GetProperty("image").GetString());
    }

    [Fact]
    public async Task UploadImage_FileNameWithPath_StoredInsideImagesFolder()
    {
        // A client-supplied file name with path segments cannot place the file outside the images folder.
        var acc = await fx.NewAccountAsync();
        var app = Ok(await Api.PostAsync($"/application/{acc.App.Id}/image", acc.Auth, Body.File("file", "../../escaped.png", TestImages.Png)));
        Assert.Matches(PngImagePath(), app.GetProperty("image").GetString());
        Assert.False(File.Exists(Path.Combine(fx.WorkDir, "escaped.png")), "upload escaped the images folder");
        Assert.False(File.Exists(Path.Combine(Path.GetDirectoryName(fx.WorkDir)!, "escaped.png")), "upload escaped the images folder");
    }

    [Fact]
    public async Task DeleteImage_CustomImage_ResetsToDefaultAndRemovesFile()
    {
        // DELETE /application/{id}/image restores static/defaultapp.png and the file is no longer served.
        var acc = await fx.NewAccountAsync();
        var image = Ok(await Api.PostAsync($"/application/{acc.App.Id}/image", acc.Auth, Body.File("file", "a.png", TestImages.Png))).GetProperty("image").GetString()!;
        var app = Ok(await Api.DeleteAsync($"/application/{acc.App.Id}/image", acc.Auth));
        HasShape(app, Shape.Application);
        Assert.Equal("static/defaultapp.png", app.GetProperty("image").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await Api.GetBytesAsync("/" + image)).Status);
    }

    [Fact]
    public async Task DeleteImage_NoCustomImage_Returns400()
    {
        // Removing a default image is a bad request.
        var acc = await fx.NewAccountAsync();
        Error(await Api.DeleteAsync($"/application/{acc.App.Id}/image", acc.Auth), 400, $"app with id {acc.App.Id} does not have a customized image");
    }

    [Fact]
    public async Task DeleteApp_WithImage_RemovesImageFile()
    {
        // Deleting an application deletes its image file too.
        var acc = await fx.NewAccountAsync();
        var image = Ok(await Api.PostAsync($"/application/{acc.App.Id}/image", acc.Auth, Body.File("file", "a.png", TestImages.Png))).GetProperty("image").GetString()!;
        Status(await Api.DeleteAsync($"/application/{acc.App.Id}", acc.Auth), 200);
        Assert.Equal(HttpStatusCode.NotFound, (await Api.GetBytesAsync("/" + image)).Status);
    }

    [Theory]
    [InlineData("/image/..%2Fsecret.png")]
    [InlineData("/image/..%2fsecret.png")]
    [InlineData("/image/%2e%2e%2fsecret.png")]
    [InlineData("/image/%2E%2E/secret.png")]
    [InlineData("/image/..%5Csecret.png")]
    [InlineData("/image/....//secret.png")]
    [InlineData("/image//..//secret.png")]
    [InlineData("/image/../secret.png")]
    [InlineData("/image/%252e%252e%252fsecret.png")]
    public async Task GetImage_PathEscape_NeverServesFileOutsideFolder(string target)
    {
        // No request path can read a file outside the uploaded-images folder (here: <workdir>/secret.png).
        var secret = Encoding.ASCII.GetBytes("SECRET-MARKER").Concat(TestImages.Png).ToArray();
        await File.WriteAllBytesAsync(Path.Combine(fx.WorkDir, "secret.png"), secret);
        var (status, head, body) = await RawHttp.SendAsync(fx.Api.BaseUrl, "GET", target);
        Assert.False(Encoding.ASCII.GetString(body).Contains("SECRET-MARKER", StringComparison.Ordinal), $"{target} served a file outside the images folder: {head}");
        Assert.True(status is 400 or 404 or 301 or 307 or 308, $"{target} answered {status}");
        Assert.True(status < 500, head);
    }

    [Fact]
    public async Task GetImage_DatabaseFile_NotServed()
    {
        // Neither the database nor other non-image files are reachable below /image.
        var (status, _, body) = await RawHttp.SendAsync(fx.Api.BaseUrl, "GET", "/image/..%2Fgotify.db");
        Assert.DoesNotContain("SQLite format", Encoding.ASCII.GetString(body), StringComparison.Ordinal);
        Assert.True(status is 400 or 404, $"answered {status}");
    }

    [Fact]
    public async Task GetImage_UnknownFile_Returns404Json()
    {
        // A missing image is a 404 with the Gotify error body.
        Error(await Api.GetAsync("/image/doesnotexist.png"), 404);
    }

    [Fact]
    public async Task GetImage_NonImageExtensionInFolder_Returns404()
    {
        // Only .gif/.png/.jpg/.jpeg files are served from the images folder.
        var imagesDir = Path.Combine(fx.WorkDir, "images");
        Directory.CreateDirectory(imagesDir);
        await File.WriteAllTextAsync(Path.Combine(imagesDir, "notes.txt"), "TEXT-MARKER");
        var response = await Api.GetAsync("/image/notes.txt");
        Assert.DoesNotContain("TEXT-MARKER", response.Body, StringComparison.Ordinal);
        Error(response, 404);
    }
}
