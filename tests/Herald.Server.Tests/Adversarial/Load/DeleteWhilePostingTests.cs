using System.Collections.Concurrent;
using Herald.Server.Tests.Infrastructure;
using static Herald.Server.Tests.Infrastructure.ApiAssert;

namespace Herald.Server.Tests.Adversarial.Load;

/// <summary>
/// Deletes racing message posts. A 200 to POST /message promises a stored, listed message; a delete promises the
/// application's (or user's) messages are gone. Both hold together: no acknowledged message is lost while its
/// application lives, and none outlives its application as an orphan row nobody can list or delete.
/// </summary>
public sealed class DeleteWhilePostingTests(ServerFixture fx) : IClassFixture<ServerFixture>
{
    private const int Posters = 8;

    private HeraldClient Api => fx.Api;

    [Fact]
    public async Task PostMessage_WhileApplicationsAreDeleted_NoAcknowledgedMessageLostOrOrphaned()
    {
        // 8 posters into 12 applications while 8 of them are deleted one by one.
        var acc = await fx.NewAccountAsync();
        var apps = new List<TestApp> { acc.App };
        for (var i = 1; i < 12; i++)
        {
            apps.Add(await Api.NewAppAsync(acc.Auth));
        }

        var doomed = apps.Take(8).ToList();
        var acked = await PostWhileAsync(apps, async () =>
        {
            foreach (var app in doomed)
            {
                await Task.Delay(100);
                Status(await Api.DeleteAsync($"/application/{app.Id}", acc.Auth), 200);
            }
        });

        foreach (var app in doomed)
        {
            Error(await Api.GetAsync($"/application/{app.Id}/message", acc.Auth), 404);
        }

        var listed = (await Api.AllMessagesAsync(acc.Auth)).Select(m => m.GetProperty("id").GetInt64()).ToHashSet();
        var lost = acked.Where(m => !doomed.Any(d => d.Id == m.Value) && !listed.Contains(m.Key)).Select(m => m.Key).ToList();
        Assert.True(lost.Count == 0, $"acknowledged messages of living applications not listed: {string.Join(", ", lost)}");
        await AssertNoOrphansAsync(acked);
    }

    [Fact]
    public async Task PostMessage_WhileItsUserIsDeleted_NoAcknowledgedMessageOrphaned()
    {
        // 8 posters into a user's 4 applications while the admin deletes the user.
        var acc = await fx.NewAccountAsync();
        var apps = new List<TestApp> { acc.App };
        for (var i = 1; i < 4; i++)
        {
            apps.Add(await Api.NewAppAsync(acc.Auth));
        }

        var acked = await PostWhileAsync(apps, async () =>
        {
            await Task.Delay(300);
            Status(await Api.DeleteAsync($"/user/{acc.User.Id}", fx.Admin), 200);
        });
        await AssertNoOrphansAsync(acked);
    }

    /// <summary>Posts from <see cref="Posters"/> tasks into random <paramref name="apps"/> until <paramref name="deletes"/> is done and 300 ms more; returns acknowledged ids with their application.</summary>
    private async Task<ConcurrentDictionary<long, long>> PostWhileAsync(List<TestApp> apps, Func<Task> deletes)
    {
        var acked = new ConcurrentDictionary<long, long>();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        async Task PostAsync(int seed)
        {
            var random = new Random(seed);
            while (!stop.IsCancellationRequested)
            {
                var app = apps[random.Next(apps.Count)];
                var response = await Api.PostAsync("/message", app.Header, Body.Json(new { message = "race" }));

                // A post that loses the race is refused as a stranger's would be, never failed.
                if (response.StatusCode != 200)
                {
                    Error(response, response.StatusCode);
                    Assert.True(response.StatusCode is >= 400 and < 500, $"a post racing a delete failed: {response}");
                    continue;
                }

                acked[response.Json.GetProperty("id").GetInt64()] = app.Id;
            }
        }

        var posters = Enumerable.Range(0, Posters).Select(i => Task.Run(() => PostAsync(i))).ToList();
        try
        {
            await deletes();
            await Task.Delay(300);
        }
        finally
        {
            await stop.CancelAsync();
        }

        await Task.WhenAll(posters);
        return acked;
    }

    /// <summary>No row of <c>messages</c> belongs to an application that no longer exists, and no acknowledged one of a deleted application survived.</summary>
    private async Task AssertNoOrphansAsync(ConcurrentDictionary<long, long> acked)
    {
        Assert.True(!acked.IsEmpty, "no post was acknowledged: the race was not run");
        await using var db = await TestDb.OpenAsync(fx.Server.DatabasePath);
        var orphans = Convert.ToInt64(await db.ScalarAsync("SELECT COUNT(*) FROM messages WHERE application_id NOT IN (SELECT id FROM applications)"), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(orphans == 0, $"{orphans} message rows belong to deleted applications ({acked.Count} posts acknowledged)");
    }
}
