using System.Text.Json;
using Herald.Server.Tests.Infrastructure;
using static Herald.Server.Tests.Infrastructure.ApiAssert;

namespace Herald.Server.Tests.IdleMemory;

/// <summary>The idle memory trim on a real server: it runs after a burst of large bodies and changes nothing stored.</summary>
public sealed class IdleMemoryTrimTests
{
    private static readonly Credential Admin = Credential.Basic("admin", HeraldProcess.DefaultAdminPass);

    // Invariant: after a burst of large bodies, once the server is idle, it runs the trim (logged at debug with its
    // figures), keeps serving, and every message of the burst lists intact afterwards.
    [Fact]
    public async Task Trim_IdleAfterBurstOfLargeBodies_RunsAndKeepsMessages()
    {
        using var dir = new TempDirectory();
        await using var server = await HeraldProcess.StartAsync(dir.Path, new Dictionary<string, string?> { ["GOTIFY_LOGLEVEL"] = "debug" });
        using var api = new HeraldClient(server.BaseAddress);
        var app = await api.NewAppAsync(Admin, "burst");
        // The bulk rides in extras: message and title hold at most 64 KiB on every engine.
        var texts = Enumerable.Range(0, 4).Select(i => new string((char)('a' + i), 2_000_000) + "\nend").ToList();
        foreach (var text in texts)
        {
            Ok(await api.PostAsync("/message", app.Header, Body.Json(new { message = text[..1000], extras = new { big = new { text } } })));
        }

        Ok(await api.GetAsync($"/application/{app.Id}/message?limit=4", Admin));

        // Generous: the trim waits for two quiet seconds, which a loaded machine may stretch.
        await server.WaitForLogAsync("Memory trim (AfterBurst)", TimeSpan.FromSeconds(60));
        var line = server.Log.Split('\n').First(l => l.Contains("Memory trim (AfterBurst)", StringComparison.Ordinal));
        Assert.Matches(@"resident \d+ -> \d+ MB, GC committed \d+ -> \d+ MB, C heap trimmed (True|False), \d+ ms", line);

        var listed = Ok(await api.GetAsync($"/application/{app.Id}/message?limit=4", Admin)).GetProperty("messages");
        Assert.Equal(texts.AsEnumerable().Reverse(), listed.EnumerateArray().Select(m => m.GetProperty("extras").GetProperty("big").GetProperty("text").GetString()));
        Assert.Equal(texts.AsEnumerable().Reverse().Select(t => t[..1000]), listed.EnumerateArray().Select(m => m.GetProperty("message").GetString()));
        Ok(await api.PostAsync("/message", app.Header, Body.Json(new { message = "after the trim" })));
    }
}
