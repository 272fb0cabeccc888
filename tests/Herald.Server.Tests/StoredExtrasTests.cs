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
}
