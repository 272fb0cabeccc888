using System.Diagnostics;
using System.Text.Json;
using Herald.Web.Tests.Infrastructure;

namespace Herald.Web.Tests;

/// <summary>The messages pages: live arrival, markdown and its sanitizing, extras, paging, deleting, notifications.</summary>
public sealed class MessageTests : IClassFixture<UiFixture>
{
    private static readonly Dictionary<string, object> Markdown = new() { ["client::display"] = new { contentType = "text/markdown" } };
    private readonly UiFixture ui;

    public MessageTests(UiFixture ui)
    {
        this.ui = ui;
    }

    private static string Token(JsonElement app) => app.GetProperty("token").GetString()!;

    private static long Id(JsonElement entity) => entity.GetProperty("id").GetInt64();

    // Invariant: a message posted through the REST API appears on the open page within 1 s, without a reload, on
    // All messages and on its application's page, and not on another application's page.
    [BrowserFact]
    public async Task Message_PostedThroughApi_AppearsLiveWithinOneSecond()
    {
        var app = await ui.Api.CreateApplicationAsync("Live app");
        var other = await ui.Api.CreateApplicationAsync("Quiet app");
        await using var ui2 = await ui.NewPageAsync();
        await ui2.LoginAsync();
        await ui2.WaitForStreamAsync();

        // The first message after start-up also pays for just-in-time compilation on both sides; the timed one does not.
        var warmUp = await ui.Api.PostMessageAsync(Token(app), "warm-up", "Warm-up");
        await Expect(ui2.Page.Locator($"#messages article[data-id='{Id(warmUp)}']")).ToBeVisibleAsync();

        var stopwatch = Stopwatch.StartNew();
        var message = await ui.Api.PostMessageAsync(Token(app), "the backup finished", "Backup", 5);
        var article = ui2.Page.Locator($"#messages article[data-id='{Id(message)}']");
        await Expect(article).ToBeVisibleAsync(new() { Timeout = 1000 });
        Assert.True(stopwatch.ElapsedMilliseconds < 1000, $"took {stopwatch.ElapsedMilliseconds} ms");
        await Expect(article.Locator("h2")).ToHaveTextAsync("Backup");
        await Expect(article.Locator(".body")).ToHaveTextAsync("the backup finished");
        await Expect(article.Locator(".app")).ToHaveTextAsync("Live app");
        await Expect(article).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("prio-mid"));

        await ui2.Page.Locator($"nav.side a[href='#/messages/{Id(other)}']").ClickAsync();
        await Expect(ui2.Page.Locator("main h1")).ToHaveTextAsync("Quiet app");
        await Expect(ui2.Page.Locator("#messages-empty")).ToBeVisibleAsync();
        var elsewhere = await ui.Api.PostMessageAsync(Token(app), "not for this page", "Elsewhere");
        var mine = await ui.Api.PostMessageAsync(Token(other), "for this page", "Here");
        await Expect(ui2.Page.Locator($"#messages article[data-id='{Id(mine)}']")).ToBeVisibleAsync(new() { Timeout = 1000 });
        await Expect(ui2.Page.Locator($"#messages article[data-id='{Id(elsewhere)}']")).ToHaveCountAsync(0);
        ui2.AssertNoScriptErrors();
    }

    // Invariant: markdown is rendered only when client::display says text/markdown, and nothing in a message can
    // run script: raw HTML stays text, javascript: links and images lose their URL, and no handler attribute survives.
    [BrowserFact]
    public async Task Markdown_MessageWithScriptAndHtml_RenderedButNothingExecuted()
    {
        var app = await ui.Api.CreateApplicationAsync("Markdown app");
        await using var ui2 = await ui.NewPageAsync();
        await ui2.LoginAsync(path: "/#/messages/" + Id(app));
        await ui2.WaitForStreamAsync();

        const string hostile = "**bold** and _soft_\n\n- one\n- two\n\n`code`\n\n<script>window.__pwned = 'script'</script>\n\n" +
            "<img src=x onerror=\"window.__pwned = 'onerror'\">\n\n[click](javascript:window.__pwned='link')\n\n![pic](javascript:window.__pwned='img')";
        var md = await ui.Api.PostMessageAsync(Token(app), hostile, "Markdown", extras: Markdown);
        var plain = await ui.Api.PostMessageAsync(Token(app), "**not bold** <b>not html</b>", "Plain");

        var body = ui2.Page.Locator($"article[data-id='{Id(md)}'] .body.markdown");
        await Expect(body.Locator("strong")).ToHaveTextAsync("bold");
        await Expect(body.Locator("em")).ToHaveTextAsync("soft");
        await Expect(body.Locator("li")).ToHaveCountAsync(2);
        await Expect(body.Locator("code")).ToHaveTextAsync("code");
        await Expect(body).ToContainTextAsync("<script>window.__pwned = 'script'</script>");
        Assert.Equal(0, await ui2.Page.Locator("#messages script, #messages [onerror], #messages iframe").CountAsync());
        var link = body.Locator("a", new() { HasText = "click" });
        await Expect(link).ToHaveCountAsync(1);
        Assert.DoesNotContain("javascript", await link.GetAttributeAsync("href") ?? string.Empty, StringComparison.OrdinalIgnoreCase);
        foreach (var src in await body.Locator("img").EvaluateAllAsync<string[]>("els => els.map(e => e.getAttribute('src') || '')"))
        {
            Assert.DoesNotContain("javascript", src, StringComparison.OrdinalIgnoreCase);
        }

        await link.ClickAsync();
        await Expect(ui2.Page.Locator($"article[data-id='{Id(plain)}'] .body.plain")).ToHaveTextAsync("**not bold** <b>not html</b>");
        Assert.Equal(0, await ui2.Page.Locator($"article[data-id='{Id(plain)}'] strong, article[data-id='{Id(plain)}'] b").CountAsync());
        Assert.Null(await ui2.Page.EvaluateAsync<string?>("() => window.__pwned ?? null"));
        await ui2.ScreenshotAsync("messages-markdown-light");
        ui2.AssertNoScriptErrors();
    }

    // Invariant: client::notification.bigImageUrl is shown as an image and client::notification.click.url makes the
    // title a link opening that URL in a new tab.
    [BrowserFact]
    public async Task Extras_BigImageAndClickUrl_ImageShownAndTitleLinked()
    {
        var app = await ui.Api.CreateApplicationAsync("Camera");
        await using var ui2 = await ui.NewPageAsync();
        await ui2.LoginAsync(path: "/#/messages/" + Id(app));
        var image = new Uri(ui.Server.BaseAddress, "static/defaultapp.png").ToString();
        var extras = new Dictionary<string, object>
        {
            ["client::notification"] = new Dictionary<string, object> { ["bigImageUrl"] = image, ["click"] = new { url = "https://example.invalid/door" } },
        };
        await ui2.WaitForStreamAsync();
        var message = await ui.Api.PostMessageAsync(Token(app), "someone is at the door", "Doorbell", 8, extras);

        var article = ui2.Page.Locator($"article[data-id='{Id(message)}']");
        await Expect(article.Locator("img.big-image")).ToHaveAttributeAsync("src", image);
        await Expect(article.Locator("img.big-image")).ToHaveJSPropertyAsync("naturalWidth", 128);
        var title = article.Locator("h2 a");
        await Expect(title).ToHaveAttributeAsync("href", "https://example.invalid/door");
        await Expect(title).ToHaveAttributeAsync("target", "_blank");
        await Expect(article).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("prio-high"));
        ui2.AssertNoScriptErrors();
    }

    // Invariant: the list shows the newest messages first and loads the next page when its end is scrolled into view,
    // until every message is shown exactly once.
    [BrowserFact]
    public async Task Messages_MoreThanOnePage_NextPageLoadsOnScroll()
    {
        var app = await ui.Api.CreateApplicationAsync("Chatty");
        long last = 0;
        for (var i = 1; i <= 65; i++)
        {
            last = Id(await ui.Api.PostMessageAsync(Token(app), $"message number {i}", $"Chatty {i}"));
        }

        await using var ui2 = await ui.NewPageAsync();
        await ui2.LoginAsync(path: "/#/messages/" + Id(app));
        var articles = ui2.Page.Locator("#messages article");
        await Expect(articles).ToHaveCountAsync(50);
        Assert.Equal(last.ToString(System.Globalization.CultureInfo.InvariantCulture), await articles.First.GetAttributeAsync("data-id"));

        await articles.Last.ScrollIntoViewIfNeededAsync();
        await ui2.Page.Mouse.WheelAsync(0, 20000);
        await Expect(articles).ToHaveCountAsync(65);
        await Expect(articles.Last.Locator("h2")).ToHaveTextAsync("Chatty 1");
        var ids = await articles.EvaluateAllAsync<long[]>("els => els.map(e => Number(e.dataset.id))");
        Assert.Equal(ids.OrderByDescending(x => x), ids);
        Assert.Equal(ids.Length, ids.Distinct().Count());
        ui2.AssertNoScriptErrors();
    }

    // Invariant: deleting one message, an application's messages, or all messages removes exactly those on the server.
    [BrowserFact]
    public async Task Delete_OneThenApplicationThenAll_ServerAgrees()
    {
        var a = await ui.Api.CreateApplicationAsync("Delete A");
        var b = await ui.Api.CreateApplicationAsync("Delete B");
        var a1 = await ui.Api.PostMessageAsync(Token(a), "a1");
        await ui.Api.PostMessageAsync(Token(a), "a2");
        await ui.Api.PostMessageAsync(Token(b), "b1");
        await using var ui2 = await ui.NewPageAsync();
        await ui2.LoginAsync(path: "/#/messages/" + Id(a));
        var page = ui2.Page;

        await page.Locator($"article[data-id='{Id(a1)}'] button[aria-label='Delete message']").ClickAsync();
        await Expect(page.Locator($"article[data-id='{Id(a1)}']")).ToHaveCountAsync(0);
        Assert.Equal(1, await CountAsync($"application/{Id(a)}/message"));

        await page.Locator("#delete-all").ClickAsync();
        await page.Locator("dialog button.danger").ClickAsync();
        await Expect(page.Locator("#messages-empty")).ToBeVisibleAsync();
        Assert.Equal(0, await CountAsync($"application/{Id(a)}/message"));
        Assert.Equal(1, await CountAsync($"application/{Id(b)}/message"));

        await page.Locator("nav.side a[href='#/']").ClickAsync();
        await Expect(page.Locator("#messages article").First).ToBeVisibleAsync();
        await page.Locator("#delete-all").ClickAsync();
        await page.Locator("dialog button.danger").ClickAsync();
        await Expect(page.Locator("#messages-empty")).ToBeVisibleAsync();
        Assert.Equal(0, await CountAsync("message"));
        ui2.AssertNoScriptErrors();
    }

    // Invariant: with notifications allowed, a new message raises a browser notification naming its priority.
    [BrowserFact]
    public async Task Notification_PermissionGranted_NewMessageNotifiedWithPriority()
    {
        var app = await ui.Api.CreateApplicationAsync("Alarm");
        await using var ui2 = await ui.NewPageAsync(permissions: ["notifications"]);
        await ui2.Context.AddInitScriptAsync("""
            window.__notes = [];
            const Real = window.Notification;
            window.Notification = new Proxy(Real, {
              construct(target, args) { window.__notes.push({ title: args[0], body: args[1]?.body ?? '' }); return Reflect.construct(target, args); }
            });
            """);
        await ui2.LoginAsync();
        await Expect(ui2.Page.Locator("#notifications-button")).ToHaveAttributeAsync("data-permission", "granted");
        await ui2.WaitForStreamAsync();
        await ui.Api.PostMessageAsync(Token(app), "the **disk** is full", "Disk full", 9, Markdown);

        await ui2.Page.WaitForFunctionAsync("() => window.__notes.length > 0");
        var note = await ui2.Page.EvaluateAsync<JsonElement>("() => window.__notes[0]");
        Assert.Equal("Disk full", note.GetProperty("title").GetString());
        var text = note.GetProperty("body").GetString()!;
        Assert.Contains("Priority 9 (high)", text, StringComparison.Ordinal);
        Assert.Contains("Alarm", text, StringComparison.Ordinal);
        Assert.Contains("the disk is full", text, StringComparison.Ordinal);
        ui2.AssertNoScriptErrors();
    }

    private async Task<int> CountAsync(string path) => (await ui.Api.GetAsync(path)).GetProperty("messages").GetArrayLength();
}
