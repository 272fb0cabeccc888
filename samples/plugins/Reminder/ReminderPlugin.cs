using System.Text.Json;
using Herald.PluginApi;
using Microsoft.Extensions.Logging;

namespace Herald.Samples.Reminder;

/// <summary>
/// Scheduled reminders: each configured reminder sends its message on a cron-like schedule. The waiting runs as the
/// host's background work (<see cref="IPluginContext.RunInBackground"/>), which the host cancels when the instance is
/// disabled, replaced or unloaded, so no timer of the plugin outlives it.
/// </summary>
[PluginInfo("github.com/herald-samples/reminder", Name = "Reminder", Author = "Herald samples", Website = "https://github.com/herald-samples/reminder", Description = "Sends reminders on cron-like schedules.", License = "MIT")]
public sealed class ReminderFactory : IPluginFactory
{
    /// <inheritdoc />
    public IPlugin Create(UserContext user, IPluginContext context) => new ReminderPlugin(context, TimeProvider.System);
}

/// <summary>One reminder.</summary>
public sealed class ReminderEntry
{
    /// <summary>Five cron fields (minute hour day month weekday) or <c>@every 90s</c>. YAML key <c>schedule</c>.</summary>
    public string Schedule { get; set; } = "0 9 * * 1-5";

    /// <summary>The message title. YAML key <c>title</c>.</summary>
    public string Title { get; set; } = "Reminder";

    /// <summary>The message text. YAML key <c>message</c>.</summary>
    public string Message { get; set; } = "Stand-up in 15 minutes";

    /// <summary>The priority. YAML key <c>priority</c>.</summary>
    public int Priority { get; set; } = 5;
}

/// <summary>The reminders of one user.</summary>
public sealed class ReminderConfig
{
    /// <summary>The reminders. YAML key <c>reminders</c>.</summary>
    public List<ReminderEntry> Reminders { get; set; } = [new()];

    /// <summary>The time zone the cron fields are read in (IANA id). YAML key <c>time_zone</c>.</summary>
    public string TimeZone { get; set; } = "UTC";
}

/// <summary>One user's reminders.</summary>
public sealed class ReminderPlugin(IPluginContext context, TimeProvider time) : IMessenger, IStorager, IConfigurer<ReminderConfig>, IDisplayer
{
    private IMessageHandler? messages;
    private IStorageHandler? storage;
    private volatile Plan plan = new([], TimeZoneInfo.Utc);
    private CancellationTokenSource? replan;

    /// <inheritdoc />
    public void SetMessageHandler(IMessageHandler handler) => messages = handler;

    /// <inheritdoc />
    public void SetStorageHandler(IStorageHandler handler) => storage = handler;

    /// <inheritdoc />
    public ReminderConfig DefaultConfig() => new();

    /// <inheritdoc />
    public Task ValidateAndSetConfigAsync(ReminderConfig config, CancellationToken cancellationToken)
    {
        TimeZoneInfo zone;
        try
        {
            zone = TimeZoneInfo.FindSystemTimeZoneById(config.TimeZone);
        }
        catch (TimeZoneNotFoundException)
        {
            throw new ArgumentException($"time_zone '{config.TimeZone}' is not a known time zone");
        }

        var entries = new List<(ReminderEntry Entry, Schedule Schedule)>();
        foreach (var entry in config.Reminders)
        {
            try
            {
                entries.Add((entry, Schedule.Parse(entry.Schedule)));
            }
            catch (FormatException e)
            {
                throw new ArgumentException($"reminder '{entry.Title}': {e.Message}");
            }
        }

        plan = new Plan(entries, zone);

        // A running loop picks the new plan up at once instead of sleeping until the old next time.
        replan?.Cancel();
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task EnableAsync(CancellationToken cancellationToken)
    {
        context.RunInBackground("reminders", RunAsync);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task DisableAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public async Task<string> GetDisplayAsync(Uri? location, CancellationToken cancellationToken)
    {
        var sent = await LoadSentAsync(cancellationToken);
        var now = time.GetUtcNow();
        var lines = plan.Entries.Select(e => $"- **{e.Entry.Title}** (`{e.Entry.Schedule}`), next at {NextOf(e.Schedule, now, plan.Zone):u}");
        return $"{plan.Entries.Count} reminder(s), {sent} sent so far:\n\n{string.Join('\n', lines)}";
    }

    private static DateTimeOffset NextOf(Schedule schedule, DateTimeOffset now, TimeZoneInfo zone) =>
        schedule.Next(TimeZoneInfo.ConvertTime(now, zone)).ToUniversalTime();

    private async Task RunAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            var current = plan;
            using var changed = CancellationTokenSource.CreateLinkedTokenSource(stop);
            replan = changed;
            var now = time.GetUtcNow();
            var due = current.Entries.Select(e => (e.Entry, At: NextOf(e.Schedule, now, current.Zone))).OrderBy(d => d.At).ToList();
            if (due.Count == 0)
            {
                await WaitAsync(Timeout.InfiniteTimeSpan, changed.Token, stop);
                continue;
            }

            var next = due[0].At;
            if (!await WaitAsync(next - now, changed.Token, stop))
            {
                continue;
            }

            foreach (var (entry, at) in due.Where(d => d.At == next))
            {
                await messages!.SendMessageAsync(new PluginMessage { Title = entry.Title, Message = entry.Message, Priority = entry.Priority }, stop);
                await CountSentAsync(stop);
                context.Logger.LogInformation("Reminder {Title} sent (scheduled {At:u})", entry.Title, at);
            }
        }
    }

    /// <summary>Waits; true when the time came, false when the plan changed. Throws when the host stops the work.</summary>
    private async Task<bool> WaitAsync(TimeSpan delay, CancellationToken changed, CancellationToken stop)
    {
        try
        {
            await Task.Delay(delay < TimeSpan.Zero ? TimeSpan.Zero : delay, time, changed);
            return true;
        }
        catch (OperationCanceledException) when (!stop.IsCancellationRequested)
        {
            return false;
        }
    }

    private async Task CountSentAsync(CancellationToken cancellationToken)
    {
        var sent = await LoadSentAsync(cancellationToken);
        await storage!.SaveAsync(JsonSerializer.SerializeToUtf8Bytes(new { sent = sent + 1 }), cancellationToken);
    }

    private async Task<int> LoadSentAsync(CancellationToken cancellationToken)
    {
        var bytes = await storage!.LoadAsync(cancellationToken);
        return bytes.Length == 0 ? 0 : JsonDocument.Parse(bytes).RootElement.GetProperty("sent").GetInt32();
    }

    private sealed record Plan(IReadOnlyList<(ReminderEntry Entry, Schedule Schedule)> Entries, TimeZoneInfo Zone);
}
