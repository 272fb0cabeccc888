using System.Text;
using Herald.Server.Tests.Adversarial.Http;
using Herald.Server.Tests.Adversarial.Spec;
using Herald.Server.Tests.Infrastructure;

namespace Herald.Server.Tests.Adversarial.Matrix;

/// <summary>
/// Every route (each non-OIDC operation of gotify-spec.json, plus a plugin webhook) × every credential kind, one row
/// each, with the outcome Gotify's rules give (<see cref="RouteProbe.Expected"/>). Requests go out byte for byte
/// (<see cref="RawRequest"/>), so repeated headers and query parameters arrive repeated.
/// </summary>
public sealed class AuthMatrixTests(AuthMatrixServer fx) : IClassFixture<AuthMatrixServer>
{
    public static TheoryData<string, string> Rows
    {
        get
        {
            var rows = new TheoryData<string, string>();
            foreach (var route in RouteProbe.All)
            {
                foreach (var kind in CredentialKind.All)
                {
                    rows.Add(route.Key, kind.Name);
                }
            }

            return rows;
        }
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public async Task Route_CredentialKind_AnsweredByGotifysAuthRules(string route, string credential)
    {
        // Each credential gets exactly what Gotify's middlewares give it on this route: no credential that is absent,
        // wrong, deleted, expired or of the wrong kind gets through, another user's credential reaches only its own rows.
        var probe = RouteProbe.Get(route);
        var kind = CredentialKind.Get(credential);
        var expected = probe.Expected(kind.Identity);
        var sent = await kind.Build(fx, probe.ConsumesCredential);
        var target = sent.ApplyToPath(fx.Resolve(probe.Target));
        var because = $"{route} with {credential} (authenticates as {kind.Identity.Who} by {kind.Identity.Via})";
        if (probe.Access == Access.Stream)
        {
            await using var socket = await RawWebSocket.ConnectAsync(fx.Api.BaseUrl, target, sent.Headers);
            Assert.True(socket.Status == expected.Status, $"{because}: expected {expected.Status}, got {socket.ResponseHead}");
            return;
        }

        var request = new RawRequest(probe.Method, target) { Headers = [.. sent.Headers] };
        if (probe.Body is not null)
        {
            request = request with { Body = Encoding.UTF8.GetBytes(fx.Resolve(probe.Body)), Headers = [.. sent.Headers, new("Content-Type", probe.ContentType!)] };
        }

        var response = await request.SendAsync(fx.Api.BaseUrl);
        Assert.True(response.StatusCode == expected.Status, $"{because}: expected {expected.Status}, got {response}");
        if (expected.Status >= 400)
        {
            ApiAssert.Error(response, expected.Status, expected.Description);
        }
    }

    [Fact]
    public void Matrix_EverySpecOperation_HasAProbe()
    {
        // The matrix is complete: every non-OIDC operation of gotify-spec.json is a route of it.
        var probed = RouteProbe.All.Select(r => r.Key).ToHashSet();
        var missing = GotifySpec.Operations.Select(o => o.Key).Where(k => !probed.Contains(k)).ToList();
        Assert.True(missing.Count == 0, "operations without an auth probe: " + string.Join(", ", missing));
    }
}
