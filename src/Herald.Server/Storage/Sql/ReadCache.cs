using System.Collections.Concurrent;
using Herald.Server.Model;

namespace Herald.Server.Storage.Sql;

/// <summary>
/// Keeps the lookups behind every authenticated request (application or client by token, user by id) for a few
/// seconds, so that posting a message or opening a stream costs no read query. Any write to applications, clients
/// or users clears it; the short lifetime bounds staleness when several Herald instances share one database.
/// </summary>
internal sealed class ReadCache
{
    private const int MaxEntries = 10_000;
    private static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<string, Entry<Application>> applications = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<long, Entry<User>> users = new();
    private readonly ConcurrentDictionary<string, Entry<Client>> clients = new(StringComparer.Ordinal);
    private readonly TimeProvider time;

    // Bumped by every clear: a value loaded before a write committed is not stored after it, so a deleted client's
    // token cannot come back from a lookup that raced with the delete.
    private long generation;

    public ReadCache(TimeProvider time)
    {
        this.time = time;
    }

    public async Task<Application?> ApplicationAsync(string token, Func<Task<Application?>> load) =>
        await GetAsync(applications, token, load);

    public async Task<User?> UserAsync(long id, Func<Task<User?>> load) =>
        await GetAsync(users, id, load);

    public async Task<Client?> ClientAsync(string token, Func<Task<Client?>> load) =>
        await GetAsync(clients, token, load);

    public void Clear()
    {
        Interlocked.Increment(ref generation);
        applications.Clear();
        users.Clear();
        clients.Clear();
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

        var loadedIn = Volatile.Read(ref generation);
        var value = await load();
        if (value is not null && Volatile.Read(ref generation) == loadedIn)
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
