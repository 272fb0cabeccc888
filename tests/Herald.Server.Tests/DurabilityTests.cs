using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Herald.Server.Tests.Infrastructure;
using static Herald.Server.Tests.Infrastructure.ApiAssert;

namespace Herald.Server.Tests;

/// <summary>A 200 from POST /message means committed; shutdown is graceful (behaviour reference §1, requirements).</summary>
public sealed class DurabilityTests
{
    private static readonly Credential Admin = Credential.Basic("admin", HeraldProcess.DefaultAdminPass);

    [Fact]
    public async Task SigKill_UnderConcurrentLoad_EveryAcknowledgedMessagePersists()
    {
        // After SIGKILL in the middle of many concurrent POST /message, every message answered with 200 is in the database after restart.
        using var dir = new TempDirectory();
        var acked = new ConcurrentDictionary<long, string>();
        TestApp app;
        await using (var server = await HeraldProcess.StartAsync(dir.Path))
        {
            using var api = new HeraldClient(server.BaseAddress);
            app = await api.NewAppAsync(Admin, "load");
            const int workers = 8;
            const int maxPerWorker = 3000;
            using var stop = new CancellationTokenSource();
            var clock = Stopwatch.StartNew();

            async Task Worker(int w)
            {
                for (var i = 0; i < maxPerWorker && !stop.IsCancellationRequested; i++)
                {
                    var text = $"w{w}-m{i}-{Guid.NewGuid():N}";
                    try
                    {
                        var response = await api.PostAsync("/message", app.Header, Body.Json(new { message = text, title = "load", priority = i % 10 }));
                        if (response.StatusCode != 200)
                        {
                            return;
                        }

                        using var doc = JsonDocument.Parse(response.Body);
                        acked[doc.RootElement.GetProperty("id").GetInt64()] = text;
                    }
                    catch (Exception ex) when (ex is HttpRequestException or IOException or TaskCanceledException or JsonException)
                    {
                        return;
                    }
                }
            }

            var tasks = Enumerable.Range(0, workers).Select(w => Task.Run(() => Worker(w))).ToArray();

            // Kill while requests are in flight: after enough acknowledgements or at most 10 s of load.
            while (acked.Count < 300 && clock.Elapsed < TimeSpan.FromSeconds(10) && !tasks.All(t => t.IsCompleted))
            {
                await Task.Delay(20);
            }

            await server.KillAsync();
            await stop.CancelAsync();
            await Task.WhenAll(tasks).WaitAsync(TimeSpan.FromSeconds(90));
        }

        Assert.True(acked.Count >= 50, $"the load produced only {acked.Count} acknowledged messages");

        await using (var restarted = await HeraldProcess.StartAsync(dir.Path))
        {
            using var api = new HeraldClient(restarted.BaseAddress);
            var stored = await api.AllMessagesAsync(Admin);
            var byId = new Dictionary<long, JsonElement>();
            foreach (var m in stored)
            {
                HasShape(m, Shape.Message);
                Assert.True(byId.TryAdd(m.GetProperty("id").GetInt64(), m), "duplicate id after restart");
            }

            var missing = acked.Keys.Where(id => !byId.ContainsKey(id)).OrderBy(id => id).ToList();
            Assert.True(missing.Count == 0, $"{missing.Count} of {acked.Count} acknowledged messages are lost after SIGKILL, e.g. ids {string.Join(",", missing.Take(10))}");
            foreach (var (id, text) in acked)
            {
                Assert.Equal(text, byId[id].GetProperty("message").GetString());
                Assert.Equal(app.Id, byId[id].GetProperty("appid").GetInt64());
            }

            // The server keeps working on the recovered database.
            var next = Ok(await api.PostAsync("/message", app.Header, Body.Json(new { message = "after recovery" })));
            Assert.True(next.GetProperty("id").GetInt64() > acked.Keys.Max());
        }
    }

    [Fact]
    public async Task SigTerm_Idle_ExitsZeroClosesStreamsAndKeepsData()
    {
        // SIGTERM shuts down gracefully: exit code 0 within Gotify's 5 s grace (plus slack), open streams are closed, data survives.
        using var dir = new TempDirectory();
        var ids = new List<long>();
        await using (var server = await HeraldProcess.StartAsync(dir.Path))
        {
            using var api = new HeraldClient(server.BaseAddress);
            var app = await api.NewAppAsync(Admin);
            for (var i = 0; i < 20; i++)
            {
                ids.Add((await api.SendMessageAsync(app, "keep " + i)).GetProperty("id").GetInt64());
            }

            await using var stream = await StreamClient.ConnectAsync(server.BaseAddress, Admin);
            var clock = Stopwatch.StartNew();
            var exitCode = await server.TerminateAsync(TimeSpan.FromSeconds(15));
            Assert.True(exitCode == 0, $"exit code {exitCode} after SIGTERM. Output:\n{server.Log}");
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"shutdown took {clock.Elapsed}");
            Assert.True(await stream.WaitForCloseAsync(TimeSpan.FromSeconds(5)), "the stream was not closed by the shutdown");
        }

        await using (var restarted = await HeraldProcess.StartAsync(dir.Path))
        {
            using var api = new HeraldClient(restarted.BaseAddress);
            var stored = (await api.AllMessagesAsync(Admin)).Select(m => m.GetProperty("id").GetInt64()).ToHashSet();
            Assert.All(ids, id => Assert.Contains(id, stored));
        }
    }

    [Fact]
    public async Task SigTerm_DuringLoad_AcknowledgedMessagesPersistAndExitZero()
    {
        // A SIGTERM while messages are being posted still exits 0, and every acknowledged message is kept.
        using var dir = new TempDirectory();
        var acked = new ConcurrentDictionary<long, bool>();
        await using (var server = await HeraldProcess.StartAsync(dir.Path))
        {
            using var api = new HeraldClient(server.BaseAddress);
            var app = await api.NewAppAsync(Admin);
            async Task Worker()
            {
                for (var i = 0; i < 2000; i++)
                {
                    try
                    {
                        var response = await api.PostAsync("/message", app.Header, Body.Json(new { message = "m" }));
                        if (response.StatusCode != 200)
                        {
                            return;
                        }

                        using var doc = JsonDocument.Parse(response.Body);
                        acked[doc.RootElement.GetProperty("id").GetInt64()] = true;
                    }
                    catch (Exception ex) when (ex is HttpRequestException or IOException or TaskCanceledException or JsonException)
                    {
                        return;
                    }
                }
            }

            var tasks = Enumerable.Range(0, 4).Select(_ => Task.Run(Worker)).ToArray();
            var clock = Stopwatch.StartNew();
            while (acked.Count < 100 && clock.Elapsed < TimeSpan.FromSeconds(10))
            {
                await Task.Delay(20);
            }

            var exitCode = await server.TerminateAsync(TimeSpan.FromSeconds(20));
            await Task.WhenAll(tasks).WaitAsync(TimeSpan.FromSeconds(90));
            Assert.True(exitCode == 0, $"exit code {exitCode} after SIGTERM under load. Output:\n{server.Log}");
        }

        await using (var restarted = await HeraldProcess.StartAsync(dir.Path))
        {
            using var api = new HeraldClient(restarted.BaseAddress);
            var stored = (await api.AllMessagesAsync(Admin)).Select(m => m.GetProperty("id").GetInt64()).ToHashSet();
            var missing = acked.Keys.Where(id => !stored.Contains(id)).ToList();
            Assert.True(missing.Count == 0, $"{missing.Count} of {acked.Count} acknowledged messages lost after SIGTERM");
        }
    }
}
