using System.Buffers.Text;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;

namespace Herald.Server.Tls;

/// <summary>
/// A compact ACME v2 (RFC 8555) client: account, order, HTTP-01 authorization, finalize, chain download.
/// </summary>
/// <remarks>
/// Written on the BCL instead of taking a library: the known .NET ACME clients (Certes, ACMESharpCore) do not
/// resolve from the package feed Herald builds from, and what Herald needs is a few hundred lines of JWS over
/// HttpClient and ECDsa, which the BCL has.
/// </remarks>
internal sealed class AcmeClient
{
    private const string JoseContentType = "application/jose+json";
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan PollLimit = TimeSpan.FromMinutes(2);

    private readonly HttpClient http;
    private readonly Uri directoryUrl;
    private readonly AcmeAccountKey accountKey;
    private readonly TimeProvider time;
    private readonly ILogger logger;
    private JsonObject? directory;
    private string? nonce;
    private string? accountUrl;

    public AcmeClient(HttpClient http, Uri directoryUrl, AcmeAccountKey accountKey, TimeProvider time, ILogger logger)
    {
        this.http = http;
        this.directoryUrl = directoryUrl;
        this.accountKey = accountKey;
        this.time = time;
        this.logger = logger;
    }

    /// <summary>The key authorization for a challenge token (RFC 8555 §8.1): what the HTTP-01 resource must return.</summary>
    public string KeyAuthorization(string token) => token + "." + accountKey.Thumbprint;

    /// <summary>Registers the account (or finds the existing one for this key) with the terms of service agreed.</summary>
    public async Task EnsureAccountAsync(CancellationToken cancellationToken)
    {
        if (accountUrl is not null)
        {
            return;
        }

        var payload = new JsonObject { ["termsOfServiceAgreed"] = true };
        using var response = await PostAsync(await DirectoryUrlAsync("newAccount", cancellationToken), payload, useJwk: true, cancellationToken);
        accountUrl = response.Headers.Location?.ToString() ?? throw new AcmeException("newAccount answered without a Location header");
        logger.LogInformation("ACME account {AccountUrl} ready", accountUrl);
    }

    /// <summary>
    /// Obtains a certificate for <paramref name="host"/>: the order's authorizations are answered through
    /// <paramref name="publishChallenge"/> (token, key authorization) and <paramref name="retractChallenge"/>.
    /// Returns the PEM chain, leaf first.
    /// </summary>
    public async Task<string> ObtainCertificateAsync(
        string host,
        ECDsa certificateKey,
        Action<string, string> publishChallenge,
        Action<string> retractChallenge,
        CancellationToken cancellationToken)
    {
        await EnsureAccountAsync(cancellationToken);
        var orderPayload = new JsonObject
        {
            ["identifiers"] = new JsonArray(new JsonObject { ["type"] = "dns", ["value"] = host }),
        };
        string orderUrl;
        JsonObject order;
        using (var response = await PostAsync(await DirectoryUrlAsync("newOrder", cancellationToken), orderPayload, useJwk: false, cancellationToken))
        {
            orderUrl = response.Headers.Location?.ToString() ?? throw new AcmeException("newOrder answered without a Location header");
            order = await ReadObjectAsync(response, cancellationToken);
        }

        foreach (var authorization in order["authorizations"]?.AsArray() ?? [])
        {
            await AuthorizeAsync(new Uri(authorization!.GetValue<string>()), publishChallenge, retractChallenge, cancellationToken);
        }

        order = await PollAsync(new Uri(orderUrl), o => Status(o) is "ready" or "valid" or "invalid", cancellationToken);
        if (Status(order) == "ready")
        {
            var request = new CertificateRequest(new X500DistinguishedName("CN=" + host), certificateKey, HashAlgorithmName.SHA256);
            var san = new SubjectAlternativeNameBuilder();
            san.AddDnsName(host);
            request.CertificateExtensions.Add(san.Build());
            var csr = new JsonObject { ["csr"] = Base64Url.EncodeToString(request.CreateSigningRequest()) };
            using (await PostAsync(new Uri(RequiredString(order, "finalize")), csr, useJwk: false, cancellationToken))
            {
            }

            order = await PollAsync(new Uri(orderUrl), o => Status(o) is "valid" or "invalid", cancellationToken);
        }

        if (Status(order) != "valid")
        {
            throw new AcmeException($"order for {host} ended {Status(order)}: {order["error"]?.ToJsonString()}");
        }

        using var certificate = await PostAsync(new Uri(RequiredString(order, "certificate")), null, useJwk: false, cancellationToken);
        return await certificate.Content.ReadAsStringAsync(cancellationToken);
    }

    private async Task AuthorizeAsync(
        Uri authorizationUrl,
        Action<string, string> publishChallenge,
        Action<string> retractChallenge,
        CancellationToken cancellationToken)
    {
        var authorization = await PostAsGetAsync(authorizationUrl, cancellationToken);
        if (Status(authorization) == "valid")
        {
            // The CA remembers an earlier validation of this name for this account.
            return;
        }

        var challenge = (authorization["challenges"]?.AsArray() ?? [])
            .OfType<JsonObject>()
            .FirstOrDefault(c => (string?)c["type"] == "http-01")
            ?? throw new AcmeException($"authorization {authorizationUrl} offers no http-01 challenge");
        var token = RequiredString(challenge, "token");
        publishChallenge(token, KeyAuthorization(token));
        try
        {
            using (await PostAsync(new Uri(RequiredString(challenge, "url")), new JsonObject(), useJwk: false, cancellationToken))
            {
            }

            authorization = await PollAsync(authorizationUrl, a => Status(a) is not ("pending" or "processing"), cancellationToken);
            if (Status(authorization) != "valid")
            {
                var detail = (authorization["challenges"]?.AsArray() ?? []).OfType<JsonObject>().Select(c => c["error"]?.ToJsonString()).FirstOrDefault(e => e is not null);
                throw new AcmeException($"authorization {authorizationUrl} ended {Status(authorization)}: {detail}");
            }
        }
        finally
        {
            retractChallenge(token);
        }
    }

    private async Task<JsonObject> PollAsync(Uri url, Func<JsonObject, bool> done, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        while (true)
        {
            var resource = await PostAsGetAsync(url, cancellationToken);
            if (done(resource))
            {
                return resource;
            }

            if (time.GetElapsedTime(started) > PollLimit)
            {
                throw new AcmeException($"{url} still {Status(resource)} after {PollLimit}");
            }

            await Task.Delay(PollInterval, cancellationToken);
        }
    }

    private async Task<JsonObject> PostAsGetAsync(Uri url, CancellationToken cancellationToken)
    {
        using var response = await PostAsync(url, null, useJwk: false, cancellationToken);
        return await ReadObjectAsync(response, cancellationToken);
    }

    /// <summary>A JWS-signed POST; <paramref name="payload"/> null is POST-as-GET. A badNonce answer is retried with the fresh nonce.</summary>
    private async Task<HttpResponseMessage> PostAsync(Uri url, JsonObject? payload, bool useJwk, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var body = await SignAsync(url, payload, useJwk, cancellationToken);
            var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(body, Encoding.UTF8) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue(JoseContentType);
            request.Headers.Accept.ParseAdd("application/json");
            request.Headers.Accept.ParseAdd("application/pem-certificate-chain");
            var response = await http.SendAsync(request, cancellationToken);
            request.Dispose();
            if (response.Headers.TryGetValues("Replay-Nonce", out var nonces))
            {
                Volatile.Write(ref nonce, nonces.FirstOrDefault());
            }

            if (response.IsSuccessStatusCode)
            {
                return response;
            }

            var problem = await ReadProblemAsync(response, cancellationToken);
            response.Dispose();
            if (problem.ProblemType == "urn:ietf:params:acme:error:badNonce" && attempt < 5)
            {
                logger.LogDebug("ACME server refused the nonce for {Url}; retrying", url);
                continue;
            }

            throw problem;
        }
    }

    private async Task<string> SignAsync(Uri url, JsonObject? payload, bool useJwk, CancellationToken cancellationToken)
    {
        var header = new JsonObject
        {
            ["alg"] = "ES256",
            ["nonce"] = await TakeNonceAsync(cancellationToken),
            ["url"] = url.ToString(),
        };
        if (useJwk)
        {
            header["jwk"] = new JsonObject { ["crv"] = "P-256", ["kty"] = "EC", ["x"] = accountKey.X, ["y"] = accountKey.Y };
        }
        else
        {
            header["kid"] = accountUrl ?? throw new InvalidOperationException("no ACME account yet");
        }

        var protectedPart = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(header.ToJsonString()));
        var payloadPart = payload is null ? string.Empty : Base64Url.EncodeToString(Encoding.UTF8.GetBytes(payload.ToJsonString()));
        var signature = Base64Url.EncodeToString(accountKey.Sign(Encoding.ASCII.GetBytes(protectedPart + "." + payloadPart)));
        return new JsonObject { ["protected"] = protectedPart, ["payload"] = payloadPart, ["signature"] = signature }.ToJsonString();
    }

    private async Task<string> TakeNonceAsync(CancellationToken cancellationToken)
    {
        // Each nonce is good for one request: taken atomically, so orders for several hosts never share one.
        if (Interlocked.Exchange(ref nonce, null) is { } current)
        {
            return current;
        }

        using var request = new HttpRequestMessage(HttpMethod.Head, await DirectoryUrlAsync("newNonce", cancellationToken));
        using var response = await http.SendAsync(request, cancellationToken);
        if (!response.Headers.TryGetValues("Replay-Nonce", out var values))
        {
            throw new AcmeException($"newNonce answered {(int)response.StatusCode} without a Replay-Nonce header");
        }

        return values.First();
    }

    private async Task<Uri> DirectoryUrlAsync(string name, CancellationToken cancellationToken)
    {
        if (directory is null)
        {
            using var response = await http.GetAsync(directoryUrl, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                throw new AcmeException($"ACME directory {directoryUrl} answered {(int)response.StatusCode}");
            }

            directory = await ReadObjectAsync(response, cancellationToken);
        }

        return new Uri(RequiredString(directory, name));
    }

    private static async Task<JsonObject> ReadObjectAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        return JsonNode.Parse(text) as JsonObject ?? throw new AcmeException($"expected a JSON object from {response.RequestMessage?.RequestUri}");
    }

    private static async Task<AcmeException> ReadProblemAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        string? type = null;
        string? detail = null;
        try
        {
            if (JsonNode.Parse(text) is JsonObject problem)
            {
                type = (string?)problem["type"];
                detail = (string?)problem["detail"];
            }
        }
        catch (System.Text.Json.JsonException)
        {
        }

        var status = (int)response.StatusCode;
        return new AcmeException($"{response.RequestMessage?.RequestUri} answered {status} {type}: {detail ?? text}", type);
    }

    private static string? Status(JsonObject resource) => (string?)resource["status"];

    private static string RequiredString(JsonObject resource, string name) =>
        (string?)resource[name] ?? throw new AcmeException($"ACME resource lacks \"{name}\"");
}
