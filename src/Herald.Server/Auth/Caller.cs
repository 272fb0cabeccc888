using Herald.Server.Model;

namespace Herald.Server.Auth;

/// <summary>Who made a request and with which credential.</summary>
/// <param name="Client">Set when a client token (header, query or cookie) authenticated the request.</param>
/// <param name="Application">Set when an application token authenticated the request.</param>
public sealed record Caller(User User, CredentialKind Kind, Client? Client = null, Application? Application = null);

/// <summary>The kind of credential that authenticated a request.</summary>
public enum CredentialKind
{
    BasicAuth,
    ClientToken,
    SessionCookie,
    ApplicationToken,
}
