using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Herald.Server.Tests.Infrastructure;
using Xunit.Abstractions;
using static Herald.Server.Tests.Infrastructure.ApiAssert;

namespace Herald.Server.Tests;

/// <summary>
/// Messages posted while their application or its user is being deleted: a message is either stored and listed under an
/// application that still exists, or refused and never pushed; no acknowledged row outlives its application.
/// </summary>
/// <remarks>
/// Bounded: 8 posting tasks for <see cref="LoadTime"/> against one server on loopback, then the server is stopped and its
/// SQLite file opened. Before the store checked the application inside the write batch, each run left a few rows
/// answered 200 in <c>messages</c> for deleted applications (pushed to streams, never listed, never deleted).
/// </remarks>
public sealed class DeleteRaceTests(ITestOutputHelper output)
{
    private const int Posters = 8;
    private static readonly TimeSpan LoadTime = TimeSpan.FromSeconds(3);
    private static readonly Credential Admin = Credential.Basic("admin", HeraldProcess.DefaultAdminPass);

    [Fact]
    public async Task PostMessage_WhileApplicationsAreDeleted_NoAcknowledgedOrphanAndNoRefusedPush()
    {
        // Every 200 is listed under a live application or belonged to a deleted one whose rows are all gone; a refusal is
        // Gotify's answer for a missing application (401 for its token, 400 "appid not found" for appid) and never reaches a stream.
        using var dir = new TempDirectory();
        var outcomes = new ConcurrentBag<Outcome>();
        var deleted = new ConcurrentDictionary<long, bool>();
        var frames = new List<JsonElement>();
        TestClientToken client;
        List<long> listed;
        await using (var server = await HeraldProcess.StartAsync(dir.Path))
        {
            using var api = new HeraldClient(server.BaseAddress);
            var user = await api.NewUserAsync(Admin);
            client = await api.NewClientAsync(user.Basic);
            await using var stream = await StreamClient.ConnectAsync(server.BaseAddress, client.Header);
            var live = new LiveSet<TestApp>();
            for (var i = 0; i < 4; i++)
            {
                live.Add(await api.NewAppAsync(client.Header));
            }

            var deadline = Stopwatch.StartNew();
            var posters = Enumerable.Range(0, Posters).Select(w => Task.Run(async () =>
            {
                for (var i = 0; deadline.Elapsed < LoadTime; i++)
                {
                    var app = live.Pick();
                    var byAppId = i % 2 == 1;
                    var text = $"race#{w}#{i}#";
                    var response = byAppId
                        ? await api.PostAsync("/message", client.Header, Body.Json(new { message = text, appid = app.Id }))
                        : await api.PostAsync("/message", app.Header, Body.Json(new { message = text }));
                    outcomes.Add(new Outcome(text, app.Id, byAppId, response));
                }
            })).ToArray();

            var deleter = Task.Run(async () =>
            {
                while (deadline.Elapsed < LoadTime)
                {
                    live.Add(await api.NewAppAsync(client.Header));
                    var victim = live.Oldest();
                    Status(await api.DeleteAsync($"/application/{victim.Id}", client.Header), 200);
                    deleted[victim.Id] = true;
                    live.Remove(victim);
                    await Task.Delay(Random.Shared.Next(5, 30));
                }
            });

            await Task.WhenAll([.. posters, deleter]).WaitAsync(TimeSpan.FromSeconds(120));
            listed = (await api.AllMessagesAsync(client.Header)).Select(m => m.GetProperty("id").GetInt64()).ToList();
            frames.AddRange(await DrainAsync(stream));
            Assert.Equal(0, await server.TerminateAsync(TimeSpan.FromSeconds(20)));
        }

        var summary = Summary(outcomes, deleted.Count);
        output.WriteLine(summary);
        Assert.True(deleted.Count >= 5, $"the deleter only deleted {deleted.Count} applications: {summary}");
        var accepted = AssertAnswers(outcomes, deleted, summary);

        // Accepted into a live application: listed. Accepted into a deleted one: gone with it (checked in the file below).
        var listedIds = listed.ToHashSet();
        foreach (var (outcome, id) in accepted.Where(a => !deleted.ContainsKey(a.Outcome.AppId)))
        {
            Assert.True(listedIds.Contains(id), $"message {id} ({outcome.Text}) was answered 200 for a live application but is not listed: {summary}");
        }

        // Streams get only messages that were answered 200, each once.
        var acceptedTexts = accepted.Select(a => a.Outcome.Text).ToHashSet();
        var pushed = frames.Select(f => f.GetProperty("message").GetString()!).ToList();
        var unexpected = pushed.Where(t => !acceptedTexts.Contains(t)).ToList();
        Assert.True(unexpected.Count == 0, $"{unexpected.Count} pushed messages were not answered 200, e.g. {string.Join(", ", unexpected.Take(5))}: {summary}");
        Assert.Equal(pushed.Count, pushed.Distinct().Count());

        await using var db = await TestDb.OpenForAsync(dir.Path);
        var orphans = Convert.ToInt64(await db.ScalarAsync("SELECT COUNT(*) FROM messages WHERE application_id NOT IN (SELECT id FROM applications)"));
        Assert.True(orphans == 0, $"{orphans} rows in messages belong to no application: {summary}");
        var stored = Convert.ToInt64(await db.ScalarAsync("SELECT COUNT(*) FROM messages"));
        Assert.Equal(listedIds.Count, stored);
    }

    [Fact]
    public async Task PostMessage_WhileUsersAreDeleted_NoMessageOutlivesItsUser()
    {
        // Deleting a user takes the messages of all its applications: a message that raced with the delete is refused, never
        // left behind, and every 200 for a user that still exists is listed.
        using var dir = new TempDirectory();
        var outcomes = new ConcurrentBag<Outcome>();
        var deletedApps = new ConcurrentDictionary<long, bool>();
        var survivors = new List<Account>();
        var listed = new HashSet<long>();
        await using (var server = await HeraldProcess.StartAsync(dir.Path))
        {
            using var api = new HeraldClient(server.BaseAddress);
            var live = new LiveSet<Account>();
            for (var i = 0; i < 4; i++)
            {
                live.Add(await api.NewAccountAsync(Admin));
            }

            var deadline = Stopwatch.StartNew();
            var posters = Enumerable.Range(0, Posters).Select(w => Task.Run(async () =>
            {
                for (var i = 0; deadline.Elapsed < LoadTime; i++)
                {
                    var account = live.Pick();
                    var byAppId = i % 2 == 1;
                    var text = $"race#{w}#{i}#";
                    var response = byAppId
                        ? await api.PostAsync("/message", account.Auth, Body.Json(new { message = text, appid = account.App.Id }))
                        : await api.PostAsync("/message", account.App.Header, Body.Json(new { message = text }));
                    outcomes.Add(new Outcome(text, account.App.Id, byAppId, response));
                }
            })).ToArray();

            var deleter = Task.Run(async () =>
            {
                while (deadline.Elapsed < LoadTime)
                {
                    live.Add(await api.NewAccountAsync(Admin));
                    var victim = live.Oldest();
                    Status(await api.DeleteAsync($"/user/{victim.User.Id}", Admin), 200);
                    deletedApps[victim.App.Id] = true;
                    live.Remove(victim);
                    await Task.Delay(Random.Shared.Next(5, 30));
                }
            });

            await Task.WhenAll([.. posters, deleter]).WaitAsync(TimeSpan.FromSeconds(120));
            survivors.AddRange(live.All());
            foreach (var account in survivors)
            {
                listed.UnionWith((await api.AllMessagesAsync(account.Auth)).Select(m => m.GetProperty("id").GetInt64()));
            }

            Assert.Equal(0, await server.TerminateAsync(TimeSpan.FromSeconds(20)));
        }

        var summary = Summary(outcomes, deletedApps.Count);
        output.WriteLine(summary);
        Assert.True(deletedApps.Count >= 5, $"the deleter only deleted {deletedApps.Count} users: {summary}");
        var accepted = AssertAnswers(outcomes, deletedApps, summary);
        foreach (var (outcome, id) in accepted.Where(a => !deletedApps.ContainsKey(a.Outcome.AppId)))
        {
            Assert.True(listed.Contains(id), $"message {id} ({outcome.Text}) was answered 200 for a live user but is not listed: {summary}");
        }

        await using var db = await TestDb.OpenForAsync(dir.Path);
        var orphans = Convert.ToInt64(await db.ScalarAsync(
            "SELECT COUNT(*) FROM messages WHERE application_id NOT IN (SELECT applications.id FROM applications JOIN users ON users.id = applications.user_id)"));
        Assert.True(orphans == 0, $"{orphans} rows in messages belong to a deleted application or user: {summary}");
        Assert.Equal(listed.Count, Convert.ToInt64(await db.ScalarAsync("SELECT COUNT(*) FROM messages")));
    }

    /// <summary>
    /// Checks each answer: 200 with the message, or a refusal that only a deleted application can get, in Gotify's words
    /// for a missing application. Returns the accepted messages with their ids.
    /// </summary>
    private static List<(Outcome Outcome, long Id)> AssertAnswers(IEnumerable<Outcome> outcomes, ConcurrentDictionary<long, bool> deleted, string summary)
    {
        var accepted = new List<(Outcome, long)>();
        foreach (var outcome in outcomes)
        {
            var response = outcome.Response;
            if (response.StatusCode == 200)
            {
                var json = response.Json;
                Assert.Equal(outcome.AppId, json.GetProperty("appid").GetInt64());
                Assert.Equal(outcome.Text, json.GetProperty("message").GetString());
                accepted.Add((outcome, json.GetProperty("id").GetInt64()));
                continue;
            }

            Assert.True(deleted.ContainsKey(outcome.AppId), $"a message for a live application was refused: {response}; {summary}");
            if (outcome.ByAppId && response.StatusCode == 400)
            {
                Error(response, 400, "appid not found");
            }
            else
            {
                // The application token, or (after a user delete) the client token, no longer authenticates.
                Error(response, 401, "you need to provide a valid access token or user credentials to access this api");
            }
        }

        return accepted;
    }

    private static string Summary(IEnumerable<Outcome> outcomes, int deletes)
    {
        var byStatus = outcomes.GroupBy(o => o.Response.StatusCode).OrderBy(g => g.Key).Select(g => $"{g.Key}: {g.Count()}");
        return $"{string.Join(", ", byStatus)}; {deletes} deletes";
    }

    /// <summary>Every frame the stream has received, once no new one came for a second.</summary>
    private static async Task<List<JsonElement>> DrainAsync(StreamClient stream)
    {
        var frames = new List<JsonElement>();
        while (true)
        {
            try
            {
                frames.Add(await stream.ReceiveJsonAsync(TimeSpan.FromSeconds(1)));
            }
            catch (Xunit.Sdk.XunitException)
            {
                return frames;
            }
        }
    }

    private sealed record Outcome(string Text, long AppId, bool ByAppId, ApiResponse Response);

    /// <summary>The items the posters pick from while the deleter replaces them.</summary>
    private sealed class LiveSet<T>
    {
        private readonly List<T> items = [];
        private readonly Lock gate = new();

        public void Add(T item)
        {
            lock (gate)
            {
                items.Add(item);
            }
        }

        public void Remove(T item)
        {
            lock (gate)
            {
                items.Remove(item);
            }
        }

        public T Oldest()
        {
            lock (gate)
            {
                return items[0];
            }
        }

        public T Pick()
        {
            lock (gate)
            {
                return items[Random.Shared.Next(items.Count)];
            }
        }

        public List<T> All()
        {
            lock (gate)
            {
                return [.. items];
            }
        }
    }
}
