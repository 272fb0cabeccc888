using System.Collections.Concurrent;

namespace Herald.Server.Tls;

/// <summary>Pending HTTP-01 challenges: token → key authorization, published while the CA validates.</summary>
internal sealed class Http01ChallengeStore
{
    private readonly ConcurrentDictionary<string, string> pending = new(StringComparer.Ordinal);

    public void Publish(string token, string keyAuthorization) => pending[token] = keyAuthorization;

    public void Retract(string token) => pending.TryRemove(token, out _);

    public bool TryGet(string token, out string keyAuthorization) => pending.TryGetValue(token, out keyAuthorization!);
}
