using System.Text;

namespace Herald.Server.Tests.Adversarial.Matrix;

/// <summary>Whose credential it is; <see cref="Nobody"/> for absent, wrong, deleted and expired ones.</summary>
public enum Principal
{
    Nobody,
    Owner,
    Other,
    Admin,
}

/// <summary>What kind of credential authenticates, which decides what each route makes of it.</summary>
public enum Via
{
    Nothing,
    AppToken,
    ClientToken,

    /// <summary>A login session's client: a client token, elevated for an hour.</summary>
    Session,
    Basic,
}

/// <summary>Who a request authenticates as, by Gotify's rules (behaviour reference §2).</summary>
public sealed record Identity(Principal Who, Via Via)
{
    public static Identity Nobody { get; } = new(Principal.Nobody, Via.Nothing);

    public bool IsUser => Via is Via.ClientToken or Via.Session or Via.Basic;
}

/// <summary>A credential as sent: any number of <c>?token=</c> values and headers, repeats included.</summary>
public sealed record SentCredential(IReadOnlyList<string> QueryTokens, IReadOnlyList<KeyValuePair<string, string>> Headers)
{
    public string ApplyToPath(string path) => QueryTokens.Count == 0
        ? path
        : path + (path.Contains('?', StringComparison.Ordinal) ? "&" : "?") + string.Join('&', QueryTokens.Select(t => "token=" + Uri.EscapeDataString(t)));
}

/// <summary>Where a token travels.</summary>
public enum Transport
{
    Query,
    Header,
    Bearer,
    Cookie,
}

/// <summary>
/// One row of the matrix' credential axis: every credential kind of Gotify (none, bad, application, client, session,
/// basic user and admin, another user's, deleted and expired ones) in every transport, plus repeated credentials
/// (Go reads the first value of a repeated header or query parameter).
/// </summary>
/// <param name="Token">Picks the token (or basic credentials) from the fixture; <c>fresh</c> asks for a new client token of
/// the same user, for routes that use the credential up (logout).</param>
public sealed record CredentialKind(string Name, Identity Identity, Func<AuthMatrixServer, bool, Task<SentCredential>> Build)
{
    private const string BadToken = "Cdoesnotexist00";

    public static IReadOnlyList<CredentialKind> All { get; } = Create();

    public static CredentialKind Get(string name) => All.Single(k => k.Name == name);

    public override string ToString() => Name;

    private static List<CredentialKind> Create()
    {
        var kinds = new List<CredentialKind> { new("none", Identity.Nobody, (_, _) => Task.FromResult(new SentCredential([], []))) };
        foreach (var transport in Enum.GetValues<Transport>())
        {
            var via = transport.ToString().ToLowerInvariant();
            kinds.Add(Token($"bad token via {via}", Identity.Nobody, transport, (_, _) => Task.FromResult(BadToken)));
            kinds.Add(Token($"owner client token via {via}", new(Principal.Owner, Via.ClientToken), transport, (fx, fresh) => fx.ClientTokenAsync(Principal.Owner, fresh)));
            kinds.Add(Token($"owner app token via {via}", new(Principal.Owner, Via.AppToken), transport, (fx, _) => Task.FromResult(fx.Owner.App.Token)));
        }

        kinds.Add(Token("owner login session cookie", new(Principal.Owner, Via.Session), Transport.Cookie, (fx, fresh) => fx.SessionTokenAsync(fresh)));
        kinds.Add(Basic("owner basic auth", new(Principal.Owner, Via.Basic), fx => (fx.Owner.User.Name, fx.Owner.User.Pass)));
        kinds.Add(Basic("owner basic auth, wrong password", Identity.Nobody, fx => (fx.Owner.User.Name, "wrong-password")));
        kinds.Add(Basic("unknown user basic auth", Identity.Nobody, _ => ("nosuchuser", "whatever")));
        kinds.Add(Basic("admin basic auth", new(Principal.Admin, Via.Basic), _ => ("admin", HeraldProcess.DefaultAdminPass)));
        kinds.Add(Token("admin client token", new(Principal.Admin, Via.ClientToken), Transport.Header, (fx, fresh) => fx.ClientTokenAsync(Principal.Admin, fresh)));
        kinds.Add(Token("other user's client token", new(Principal.Other, Via.ClientToken), Transport.Header, (fx, fresh) => fx.ClientTokenAsync(Principal.Other, fresh)));
        kinds.Add(Token("other user's app token", new(Principal.Other, Via.AppToken), Transport.Header, (fx, _) => Task.FromResult(fx.Other.App.Token)));
        kinds.Add(Token("deleted client's token", Identity.Nobody, Transport.Header, (fx, _) => Task.FromResult(fx.DeletedClientToken)));
        kinds.Add(Token("deleted app's token", Identity.Nobody, Transport.Header, (fx, _) => Task.FromResult(fx.DeletedAppToken)));
        kinds.Add(Basic("deleted user's basic auth", Identity.Nobody, fx => (fx.Deleted.User.Name, fx.Deleted.User.Pass)));
        kinds.Add(Token("deleted user's client token", Identity.Nobody, Transport.Header, (fx, _) => Task.FromResult(fx.Deleted.Client.Token)));
        kinds.Add(Token("deleted user's app token", Identity.Nobody, Transport.Header, (fx, _) => Task.FromResult(fx.Deleted.App.Token)));
        kinds.Add(Token("expired client's token", Identity.Nobody, Transport.Header, (fx, _) => Task.FromResult(fx.ExpiredClientToken)));

        // Go's Header.Get and Query read the first value: a repeat of the same token is that token, and a wrong token
        // after a valid one changes nothing.
        var owner = new Identity(Principal.Owner, Via.ClientToken);
        kinds.Add(Repeated("X-Gotify-Key twice, same client token", owner, Transport.Header, (fx, fresh) => Pair(fx.ClientTokenAsync(Principal.Owner, fresh), t => t)));
        kinds.Add(Repeated("?token twice, same client token", owner, Transport.Query, (fx, fresh) => Pair(fx.ClientTokenAsync(Principal.Owner, fresh), t => t)));
        kinds.Add(Repeated("X-Gotify-Key valid then bad", owner, Transport.Header, (fx, fresh) => Pair(fx.ClientTokenAsync(Principal.Owner, fresh), _ => BadToken)));
        kinds.Add(Repeated("?token valid then bad", owner, Transport.Query, (fx, fresh) => Pair(fx.ClientTokenAsync(Principal.Owner, fresh), _ => BadToken)));
        kinds.Add(Repeated("X-Gotify-Key bad then valid", Identity.Nobody, Transport.Header, (fx, fresh) => Reversed(Pair(fx.ClientTokenAsync(Principal.Owner, fresh), _ => BadToken))));
        kinds.Add(Repeated("?token bad then valid", Identity.Nobody, Transport.Query, (fx, fresh) => Reversed(Pair(fx.ClientTokenAsync(Principal.Owner, fresh), _ => BadToken))));
        var app = new Identity(Principal.Owner, Via.AppToken);
        kinds.Add(Repeated("X-Gotify-Key twice, same app token", app, Transport.Header, (fx, _) => Pair(Task.FromResult(fx.Owner.App.Token), t => t)));
        kinds.Add(Repeated("?token twice, same app token", app, Transport.Query, (fx, _) => Pair(Task.FromResult(fx.Owner.App.Token), t => t)));
        return kinds;
    }

    private static CredentialKind Token(string name, Identity identity, Transport transport, Func<AuthMatrixServer, bool, Task<string>> token) =>
        new(name, identity, async (fx, fresh) => Send(transport, [await token(fx, fresh)]));

    private static CredentialKind Repeated(string name, Identity identity, Transport transport, Func<AuthMatrixServer, bool, Task<(string First, string Second)>> tokens) =>
        new(name, identity, async (fx, fresh) =>
        {
            var (first, second) = await tokens(fx, fresh);
            return Send(transport, [first, second]);
        });

    private static CredentialKind Basic(string name, Identity identity, Func<AuthMatrixServer, (string User, string Pass)> basic) =>
        new(name, identity, (fx, _) =>
        {
            var (user, pass) = basic(fx);
            return Task.FromResult(new SentCredential([], [new("Authorization", "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(user + ":" + pass)))]));
        });

    private static SentCredential Send(Transport transport, IReadOnlyList<string> tokens) => transport switch
    {
        Transport.Query => new SentCredential(tokens, []),
        Transport.Header => new SentCredential([], tokens.Select(t => new KeyValuePair<string, string>("X-Gotify-Key", t)).ToList()),
        Transport.Bearer => new SentCredential([], tokens.Select(t => new KeyValuePair<string, string>("Authorization", "Bearer " + t)).ToList()),
        Transport.Cookie => new SentCredential([], tokens.Select(t => new KeyValuePair<string, string>("Cookie", "gotify-client-token=" + t)).ToList()),
        _ => throw new ArgumentOutOfRangeException(nameof(transport)),
    };

    private static async Task<(string, string)> Pair(Task<string> token, Func<string, string> second)
    {
        var first = await token;
        return (first, second(first));
    }

    private static async Task<(string, string)> Reversed(Task<(string First, string Second)> pair)
    {
        var (first, second) = await pair;
        return (second, first);
    }
}
