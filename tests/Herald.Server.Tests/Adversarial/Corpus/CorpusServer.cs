using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Herald.Server.Tests.Adversarial.Http;
using Herald.Server.Tests.Infrastructure;
using static Herald.Server.Tests.Infrastructure.ApiAssert;

namespace Herald.Server.Tests.Adversarial.Corpus;

/// <summary>
/// The one server the whole corpus runs against, with a small <c>maxbodybytes</c> so that "over the limit" costs
/// 96 KB per case instead of 10 MB. An owner (client, two applications, a spare client, the echo plugin enabled),
/// a victim user for the admin routes, and the admin; each case sends one request and the test compares
/// <see cref="StateSnapshot"/>s, so cases share rows without depending on each other.
/// </summary>
public sealed class CorpusServer : EchoServerFixture
{
    public const int MaxBodyBytes = 64 * 1024;

    public Account Owner { get; private set; } = null!;

    public TestUser Victim { get; private set; } = null!;

    /// <summary>The owner's application as created, to put back after an accepted update (sort keys are unique per user).</summary>
    public JsonElement OwnerAppAsCreated { get; private set; }

    public CorpusTargets Targets { get; private set; } = null!;

    /// <summary>The state after the last case that changed nothing: the next case's "before", saving one capture per case.</summary>
    public string? LastSnapshot { get; set; }

    protected override Dictionary<string, string?> Environment => new() { ["GOTIFY_SERVER_MAXBODYBYTES"] = MaxBodyBytes.ToString(CultureInfo.InvariantCulture) };

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Owner = await NewAccountAsync();
        var app2 = await Api.NewAppAsync(Owner.Auth);
        var spare = await Api.NewClientAsync(Owner.Auth);
        Victim = await NewUserAsync();
        OwnerAppAsCreated = Ok(await Api.GetAsync("/application", Owner.Auth)).ById(Owner.App.Id)!.Value;
        var echo = await EnableEchoAsync(Owner.Auth);
        Status(await Api.PostAsync($"/plugin/{echo.Id}/config", Owner.Auth, Body.Raw("magic_string: corpus\n", "application/x-yaml")), 200);
        Targets = new CorpusTargets(Owner.App.Id, app2.Id, spare.Id, Victim.Id, Victim.Name, Victim.Pass, echo.Id, echo.Token);
    }

    public Credential CredentialOf(Caller caller) => caller switch
    {
        Caller.None => Credential.None,
        Caller.OwnerClient => Owner.Auth,
        Caller.OwnerBasic => Owner.User.Basic,
        Caller.OwnerApp => Owner.App.Header,
        Caller.Admin => Admin,
        _ => throw new ArgumentOutOfRangeException(nameof(caller)),
    };

    /// <summary>Sends the case's request byte for byte; fails if the answer takes longer than a hostile client should be able to make it take.</summary>
    public async Task<ApiResponse> SendAsync(CorpusCase c)
    {
        var credential = CredentialOf(c.Request.Caller);
        var request = new RawRequest(c.Request.Method, credential.ApplyToPath(Targets.Resolve(c.Request.Target)))
        {
            Headers = [.. credential.Headers, .. RawBodies.ContentType(c.Request.ContentType), .. c.Request.Headers],
            Body = c.Request.Body?.Invoke(Targets),
            Chunked = c.Request.Chunked,
        };
        var clock = Stopwatch.StartNew();
        var response = await request.SendAsync(Api.BaseUrl);

        // Measured: every case answers in well under 100 ms on an idle machine; 10 s leaves room for a loaded one.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"{c.Name}: answered after {clock.Elapsed.TotalSeconds:0.0} s: {response}");
        return response;
    }

    /// <summary>Undoes what an accepted case created or changed that later cases rely on (passwords, the victim, new rows).</summary>
    public async Task CleanUpAsync(CorpusCase c, ApiResponse response)
    {
        if (response.StatusCode is < 200 or >= 300)
        {
            return;
        }

        long Id(string property = "id") => JsonDocument.Parse(response.Body).RootElement.GetProperty(property).GetInt64();
        var undo = c.Operation switch
        {
            "POST /message" => await Api.DeleteAsync($"/message/{Id()}", Owner.Auth),
            "POST /application" => await Api.DeleteAsync($"/application/{Id()}", Owner.Auth),
            "POST /client" => await Api.DeleteAsync($"/client/{Id()}", Owner.Auth),
            "POST /auth/local/login" => await Api.DeleteAsync($"/client/{Id("clientId")}", Owner.Auth),
            "POST /user" => await Api.DeleteAsync($"/user/{Id()}", Admin),
            "POST /user/{id}" => await Api.PostAsync($"/user/{Victim.Id}", Admin, Body.Json(new { name = Victim.Name, pass = Victim.Pass, admin = false })),
            "POST /current/user/password" => await Api.PostAsync("/current/user/password", Owner.Auth, Body.Json(new { pass = Owner.User.Pass })),
            "PUT /application/{id}" => await Api.PutAsync($"/application/{Owner.App.Id}", Owner.Auth, Body.Json(new
            {
                name = OwnerAppAsCreated.GetProperty("name").GetString(),
                description = OwnerAppAsCreated.GetProperty("description").GetString(),
                defaultPriority = OwnerAppAsCreated.GetProperty("defaultPriority").GetInt64(),
                sortKey = OwnerAppAsCreated.GetProperty("sortKey").GetString(),
            })),
            "POST /application/{id}/image" => await Api.DeleteAsync($"/application/{Owner.App.Id}/image", Owner.Auth),
            _ => null,
        };
        if (undo is not null)
        {
            Status(undo, 200);
        }
    }
}
