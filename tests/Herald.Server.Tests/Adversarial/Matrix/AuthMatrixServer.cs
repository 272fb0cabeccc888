using System.Diagnostics;
using System.Globalization;
using Herald.Server.Tests.Infrastructure;
using static Herald.Server.Tests.Infrastructure.ApiAssert;

namespace Herald.Server.Tests.Adversarial.Matrix;

/// <summary>
/// One server holding every credential kind of <see cref="CredentialKind"/>: the owner (client, spare client,
/// application, login session, enabled echo plugin), another user, the admin's client token, a victim user, and
/// credentials that no longer work (a deleted client, application and user; a client expired by inactivity).
/// </summary>
public sealed class AuthMatrixServer : EchoServerFixture
{
    public Account Owner { get; private set; } = null!;

    public Account Other { get; private set; } = null!;

    public Account Deleted { get; private set; } = null!;

    public TestUser Victim { get; private set; } = null!;

    public TestClientToken Spare { get; private set; } = null!;

    public EchoInstance Echo { get; private set; } = null!;

    public string DeletedClientToken { get; private set; } = null!;

    public string DeletedAppToken { get; private set; } = null!;

    public string ExpiredClientToken { get; private set; } = null!;

    private string adminClientToken = null!;
    private string sessionToken = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Owner = await NewAccountAsync();

        // Expires one second after creation unless used; created first so the rest of the set-up is the wait.
        var expiring = Ok(await Api.PostAsync("/client", Owner.Auth, Body.Json(new { name = "expiring", expiresAfterInactivitySeconds = 1 })));
        var expiringSince = Stopwatch.StartNew();
        ExpiredClientToken = expiring.GetProperty("token").GetString()!;

        Other = await NewAccountAsync();
        Deleted = await NewAccountAsync();
        Victim = await NewUserAsync();
        Spare = await Api.NewClientAsync(Owner.Auth);
        adminClientToken = (await Api.NewClientAsync(Admin)).Token;
        sessionToken = await SessionTokenAsync(fresh: true);
        Echo = await EnableEchoAsync(Owner.Auth);
        Status(await Api.PostAsync($"/plugin/{Echo.Id}/config", Owner.Auth, Body.Raw("magic_string: matrix\n", "application/x-yaml")), 200);

        var doomedClient = await Api.NewClientAsync(Owner.Auth);
        Status(await Api.DeleteAsync($"/client/{doomedClient.Id}", Owner.Auth), 200);
        DeletedClientToken = doomedClient.Token;
        var doomedApp = await Api.NewAppAsync(Owner.Auth);
        Status(await Api.DeleteAsync($"/application/{doomedApp.Id}", Owner.Auth), 200);
        DeletedAppToken = doomedApp.Token;
        Status(await Api.DeleteAsync($"/user/{Deleted.User.Id}", Admin), 200);

        var wait = TimeSpan.FromSeconds(1.5) - expiringSince.Elapsed;
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait);
        }
    }

    /// <summary>A client token of <paramref name="who"/>: the shared one, or a new one when the probe uses it up.</summary>
    public async Task<string> ClientTokenAsync(Principal who, bool fresh)
    {
        if (fresh)
        {
            var auth = who switch
            {
                Principal.Owner => Owner.User.Basic,
                Principal.Other => Other.User.Basic,
                Principal.Admin => Admin,
                _ => throw new ArgumentOutOfRangeException(nameof(who)),
            };
            return (await Api.NewClientAsync(auth)).Token;
        }

        return who switch
        {
            Principal.Owner => Owner.Client.Token,
            Principal.Other => Other.Client.Token,
            Principal.Admin => adminClientToken,
            _ => throw new ArgumentOutOfRangeException(nameof(who)),
        };
    }

    /// <summary>The owner's login session token (the cookie's value): the shared one, or a new login.</summary>
    public async Task<string> SessionTokenAsync(bool fresh)
    {
        if (!fresh)
        {
            return sessionToken;
        }

        var login = Status(await Api.PostAsync("/auth/local/login", Owner.User.Basic, Body.Form(("name", Scenario.UniqueName("matrix-session")))), 200);
        return login.SetCookies.First(c => c.StartsWith("gotify-client-token=", StringComparison.Ordinal)).Split(';')[0]["gotify-client-token=".Length..];
    }

    /// <summary>Fills in a probe's placeholders.</summary>
    public string Resolve(string text) => text
        .Replace("{appName}", Owner.App.Name, StringComparison.Ordinal)
        .Replace("{app}", Id(Owner.App.Id), StringComparison.Ordinal)
        .Replace("{clientName}", Spare.Name, StringComparison.Ordinal)
        .Replace("{client}", Id(Spare.Id), StringComparison.Ordinal)
        .Replace("{victimName}", Victim.Name, StringComparison.Ordinal)
        .Replace("{victim}", Id(Victim.Id), StringComparison.Ordinal)
        .Replace("{plugin}", Id(Echo.Id), StringComparison.Ordinal)
        .Replace("{ptoken}", Echo.Token, StringComparison.Ordinal);

    private static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);
}
