using Herald.Server.Tests.Adversarial.Spec;

namespace Herald.Server.Tests.Adversarial.Corpus;

/// <summary>Where each operation's corpus requests go and whose credential they carry.</summary>
public static class CorpusRoutes
{
    /// <summary>
    /// The credential that gets past the operation's authentication, so only the input is wrong: the application
    /// token for POST /message, basic auth where elevation is demanded, the admin for user management, else the
    /// owner's client token.
    /// </summary>
    public static Caller CallerOf(SpecOperation op) => op.Key switch
    {
        "POST /message" => Caller.OwnerApp,
        "PUT /application/{id}/security" or "POST /client/{id}/elevate" or "POST /auth/local/login" => Caller.OwnerBasic,
        "GET /version" or "GET /gotifyinfo" or "GET /health" => Caller.None,
        _ when op.Path.StartsWith("/user", StringComparison.Ordinal) || op.Key == "POST /user" => Caller.Admin,
        _ => Caller.OwnerClient,
    };

    /// <summary>The operation's path with <c>{id}</c> pointing at the fixture's row for it (or at <paramref name="id"/>).</summary>
    public static string PathOf(SpecOperation op, string? id = null) => op.Path.Replace("{id}", id ?? IdOf(op), StringComparison.Ordinal);

    private static string IdOf(SpecOperation op) => op.Path switch
    {
        // Token rotation gets its own application, so the one messages are posted with keeps its token.
        "/application/{id}/security" => "{app2}",
        _ when op.Path.StartsWith("/application/", StringComparison.Ordinal) => "{app}",
        _ when op.Path.StartsWith("/client/", StringComparison.Ordinal) => "{client}",
        _ when op.Path.StartsWith("/user/", StringComparison.Ordinal) => "{victim}",
        _ when op.Path.StartsWith("/plugin/", StringComparison.Ordinal) => "{plugin}",
        _ => "1",
    };
}
