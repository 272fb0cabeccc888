using System.Text;
using Herald.Server.Tests.Infrastructure;
using static Herald.Server.Tests.Infrastructure.ApiAssert;

namespace Herald.Server.Tests;

/// <summary>Rows that Gotify wrote (deep extras, 64-bit priorities) list as stored, whatever Herald itself would accept.</summary>
public sealed class StoredExtrasTests
{
    private static readonly Credential Admin = Credential.Basic("admin", HeraldProcess.DefaultAdminPass);

    private static string Nested(int depth) => new StringBuilder().Insert(0, "{\"a\":", depth).Append('1').Append('}', depth).ToString();

    [SqliteFact]
    public async Task ListMessages_RowsWithDeepExtrasWrittenByGotify_ListedVerbatimNever500()
    {
        // Extras Gotify stored (its decoder allows 10 000 levels, far past any writer limit here) list unchanged on both list
        // routes; a row deeper than Gotify could write lists without extras, never as a 500; a 64-bit priority lists exactly.
        using var dir = new TempDirectory();
        TestApp app;
        await using (var server = await HeraldProcess.StartAsync(dir.Path))
        {
            using var api = new HeraldClient(server.BaseAddress);
            app = await api.NewAppAsync(Admin, "from-gotify");
            await server.TerminateAsync(TimeSpan.FromSeconds(30));
        }

        var stored = new Dictionary<long, string?> { [101] = Nested(65), [102] = Nested(500), [103] = Nested(9_999), [104] = null };
        await using (var db = await TestDb.OpenAsync(Path.Combine(dir.Path, "gotify.db"), readOnly: false))
        {
            foreach (var (id, extras) in stored)
            {
                await db.InsertAsync("messages", ("id", id), ("application_id", app.Id), ("message", $"row {id}"), ("title", "t"), ("priority", 1L << 40),
                    ("extras", Encoding.UTF8.GetBytes(extras ?? Nested(10_001))), ("date", "2024-01-01 00:00:00+00:00"));
            }
        }

        await using var restarted = await HeraldProcess.StartAsync(dir.Path);
        using var client = new HeraldClient(restarted.BaseAddress);
        foreach (var path in new[] { "/message", $"/application/{app.Id}/message" })
        {
            var messages = Ok(await client.GetAsync(path, Admin)).GetProperty("messages");
            Assert.Equal([104L, 103L, 102L, 101L], messages.EnumerateArray().Select(m => m.GetProperty("id").GetInt64()));
            foreach (var message in messages.EnumerateArray())
            {
                var id = message.GetProperty("id").GetInt64();
                Assert.Equal(1L << 40, message.GetProperty("priority").GetInt64());
                if (stored[id] is { } extras)
                {
                    Assert.Equal(extras, message.GetProperty("extras").GetRawText());
                }
                else
                {
                    Assert.False(message.TryGetProperty("extras", out _), $"unreadable extras must be omitted: row {id}");
                }
            }
        }
    }

    [SqliteFact]
    public async Task PostMessage_ExtrasWithWhitespaceAndEscapes_StoredCompactAndListedAsStored()
    {
        // Extras are stored compact: the whitespace between tokens gone, strings (escapes and spaces), names and
        // numbers exactly as sent; an empty object stores nothing, and stored values that are not a non-empty object list
        // without extras while surrounding whitespace is not part of the listed value.
        using var dir = new TempDirectory();
        const string Sent = """{ "client::display" : { "contentType":"text/markdown" },""" + "\n" + """ "n": [1.50e3, -0, true, false, null], "esc":"\u00e9\n\/\"é😀<>&' kept  spaces\t", "deep": {"a": {"b": []}}, "\u0041": {} }""";
        const string Expected = """{"client::display":{"contentType":"text/markdown"},"n":[1.50e3,-0,true,false,null],"esc":"\u00e9\n\/\"é😀<>&' kept  spaces\t","deep":{"a":{"b":[]}},"\u0041":{}}""";
        var expected = Expected;
        TestApp app;
        long posted;
        long empty;
        await using (var server = await HeraldProcess.StartAsync(dir.Path))
        {
            using var api = new HeraldClient(server.BaseAddress);
            app = await api.NewAppAsync(Admin, "extras");
            var answer = Ok(await api.PostAsync("/message", app.Header, Body.RawJson("{\"message\":\"m\",\"extras\":" + Sent + "}")));
            posted = answer.GetProperty("id").GetInt64();
            Assert.Equal(expected, answer.GetProperty("extras").GetRawText());
            var none = Ok(await api.PostAsync("/message", app.Header, Body.RawJson("{\"message\":\"m\",\"extras\":{ }}")));
            empty = none.GetProperty("id").GetInt64();
            Assert.False(none.TryGetProperty("extras", out _));
            await server.TerminateAsync(TimeSpan.FromSeconds(30));
        }

        var odd = new Dictionary<long, string> { [201] = "[1]", [202] = "\"x\"", [203] = "{}", [204] = " {\"k\":1} \n", [205] = "{\"k\":1} trailing" };
        await using (var db = await TestDb.OpenAsync(Path.Combine(dir.Path, "gotify.db"), readOnly: false))
        {
            Assert.Equal(expected, Encoding.UTF8.GetString((byte[])(await db.ScalarAsync("SELECT extras FROM messages WHERE id = @id", ("id", posted)))!));
            Assert.Equal(DBNull.Value, await db.ScalarAsync("SELECT extras FROM messages WHERE id = @id", ("id", empty)));
            foreach (var (id, extras) in odd)
            {
                await db.InsertAsync("messages", ("id", id), ("application_id", app.Id), ("message", $"row {id}"), ("title", "t"), ("priority", 1L),
                    ("extras", Encoding.UTF8.GetBytes(extras)), ("date", "2024-01-01 00:00:00+00:00"));
            }
        }

        await using var restarted = await HeraldProcess.StartAsync(dir.Path);
        using var client = new HeraldClient(restarted.BaseAddress);
        var messages = Ok(await client.GetAsync($"/application/{app.Id}/message", Admin)).GetProperty("messages");
        Assert.Equal(expected, messages.ById(posted)!.Value.GetProperty("extras").GetRawText());
        Assert.Equal("{\"k\":1}", messages.ById(204)!.Value.GetProperty("extras").GetRawText());
        foreach (var id in new long[] { 201, 202, 203, 205 })
        {
            Assert.False(messages.ById(id)!.Value.TryGetProperty("extras", out _), $"row {id} must list without extras");
        }
    }
}
