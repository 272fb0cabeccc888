using System.Collections.Concurrent;
using Herald.Server.Model;

namespace Herald.Server.Storage.Sql;

/// <summary>
/// Keeps the two lookups every ingest request makes (application by token, user by id) for a few seconds, so that
/// posting a message costs no read query. Any write to applications or users clears it; the short lifetime bounds
/// staleness when several Herald instances share one database.
/// </summary>
internal sealed class ReadCache
{
    private const int MaxEntries = 10_000;
    private static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<string, Entry<Application>> applications = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<long, Entry<User>> users = new();
    private readonly TimeProvider time;

    public ReadCache(TimeProvider time)
    {
        this.time = time;
    }

    public async Task<Application?> ApplicationAsync(string token, Func<Task<Application?>> load) =>
        await GetAsync(applications, token, load);

    public async Task<User?> UserAsync(long id, Func<Task<User?>> load) =>
        await GetAsync(users, id, load);

    public void Clear()
    {
        applications.Clear();
        users.Clear();
    }

    private async Task<T?> GetAsync<TKey, T>(ConcurrentDictionary<TKey, Entry<T>> map, TKey key, Func<Task<T?>> load)
        where TKey : notnull
        where T : class
    {
        var now = time.GetTimestamp();
        if (map.TryGetValue(key, out var entry) && time.GetElapsedTime(entry.Loaded, now) < Lifetime)
        {
            return entry.Value;
        }

        var value = await load();
        if (value is not null)
        {
            if (map.Count >= MaxEntries)
            {
                map.Clear();
            }

            map[key] = new Entry<T>(value, now);
        }

        return value;
    }

    private readonly record struct Entry<T>(T Value, long Loaded);
}
