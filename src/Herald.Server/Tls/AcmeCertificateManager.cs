using System.Collections.Concurrent;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography;
using Herald.Server.Configuration;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace Herald.Server.Tls;

/// <summary>
/// Let's Encrypt for the TLS listener, as Go's autocert does it for Gotify: a certificate is obtained at the first
/// handshake whose SNI name is in <c>letsencrypt.hosts</c>, kept in the cache directory (and reused after a restart),
/// and renewed in the background 30 days before it expires. Other names get no certificate: the handshake fails.
/// </summary>
internal sealed class AcmeCertificateManager : BackgroundService
{
    /// <summary>Let's Encrypt's production directory, autocert's default when <c>directoryurl</c> is empty.</summary>
    public const string LetsEncryptProduction = "https://acme-v02.api.letsencrypt.org/directory";

    private static readonly TimeSpan RenewBefore = TimeSpan.FromDays(30);
    private static readonly TimeSpan CheckInterval = TimeSpan.FromHours(1);

    /// <summary>How long a failed order keeps answering handshakes with its failure before a new order may start (autocert: 1 minute).</summary>
    private static readonly TimeSpan FailureHold = TimeSpan.FromMinutes(1);

    private readonly HashSet<string> hosts;
    private readonly Uri directoryUrl;
    private readonly CertificateCache cache;
    private readonly Http01ChallengeStore challenges;
    private readonly TimeProvider time;
    private readonly ILogger<AcmeCertificateManager> logger;
    private readonly HttpClient http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private readonly ConcurrentDictionary<string, HostCertificate> current = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Lazy<Task<HostCertificate>>> inflight = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim clientLock = new(1, 1);
    private readonly CancellationTokenSource lifetime = new();
    private readonly CancellationToken stopping;
    private AcmeClient? client;
    private int disposed;

    public AcmeCertificateManager(HeraldSettings settings, Http01ChallengeStore challenges, TimeProvider time, ILogger<AcmeCertificateManager> logger)
    {
        var letsEncrypt = settings.Server.Ssl.LetsEncrypt;
        hosts = new HashSet<string>(letsEncrypt.Hosts.Select(Normalize).Where(h => h.Length > 0), StringComparer.Ordinal);
        directoryUrl = new Uri(letsEncrypt.DirectoryUrl.Length == 0 ? LetsEncryptProduction : letsEncrypt.DirectoryUrl);
        cache = new CertificateCache(letsEncrypt.Cache);
        this.challenges = challenges;
        this.time = time;
        this.logger = logger;
        stopping = lifetime.Token;
    }

    /// <summary>Kestrel's per-connection TLS options: the certificate for the client's SNI name, or a failed handshake.</summary>
    public async ValueTask<SslServerAuthenticationOptions> SelectAsync(TlsHandshakeCallbackContext context)
    {
        var certificate = await GetCertificateAsync(context.ClientHelloInfo.ServerName, context.CancellationToken);
        return new SslServerAuthenticationOptions
        {
            ServerCertificateContext = certificate.Context,
            ApplicationProtocols = [SslApplicationProtocol.Http2, SslApplicationProtocol.Http11],
        };
    }

    /// <summary>The certificate for <paramref name="serverName"/>; concurrent callers for one host share a single order.</summary>
    public async Task<HostCertificate> GetCertificateAsync(string? serverName, CancellationToken cancellationToken)
    {
        var host = Normalize(serverName ?? string.Empty);
        if (host.Length == 0)
        {
            throw new AuthenticationException("TLS client sent no server name; Let's Encrypt certificates are chosen by name");
        }

        if (!hosts.Contains(host))
        {
            logger.LogDebug("TLS handshake for {Host} refused: not in server.ssl.letsencrypt.hosts", host);
            throw new AuthenticationException($"host \"{host}\" is not in server.ssl.letsencrypt.hosts");
        }

        if (current.TryGetValue(host, out var certificate) && certificate.NotAfter > time.GetUtcNow().UtcDateTime)
        {
            return certificate;
        }

        return await LoadOrObtainOnceAsync(host, useCache: true).WaitAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, stopping);
        var token = linked.Token;
        if (hosts.Count == 0)
        {
            logger.LogWarning("Let's Encrypt is enabled but server.ssl.letsencrypt.hosts is empty: every TLS handshake will fail");
            return;
        }

        // Certificates cached by an earlier run are served from the first handshake on and watched for renewal.
        foreach (var host in hosts)
        {
            if (await ReadCachedAsync(host, token) is { } cached)
            {
                current[host] = cached;
                logger.LogInformation("Cached certificate for {Host} loaded, valid until {NotAfter}", host, cached.NotAfter);
            }
        }

        while (!token.IsCancellationRequested)
        {
            foreach (var (host, certificate) in current)
            {
                if (certificate.NotAfter - time.GetUtcNow().UtcDateTime > RenewBefore)
                {
                    continue;
                }

                try
                {
                    logger.LogInformation("Certificate for {Host} expires {NotAfter}; renewing", host, certificate.NotAfter);
                    await LoadOrObtainOnceAsync(host, useCache: false).WaitAsync(token);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // Logged by the order itself; the next check retries.
                }
            }

            try
            {
                await Task.Delay(CheckInterval, time, token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await lifetime.CancelAsync();
        await base.StopAsync(cancellationToken);
    }

    public override void Dispose()
    {
        // Registered both as itself and as a hosted service, so the container disposes it twice.
        if (Interlocked.Exchange(ref disposed, 1) == 1)
        {
            return;
        }

        lifetime.Cancel();
        lifetime.Dispose();
        http.Dispose();
        clientLock.Dispose();
        base.Dispose();
    }

    private Task<HostCertificate> LoadOrObtainOnceAsync(string host, bool useCache)
    {
        var entry = new Lazy<Task<HostCertificate>>(() => LoadOrObtainAsync(host, useCache));
        var shared = inflight.GetOrAdd(host, entry);
        var task = shared.Value;
        if (ReferenceEquals(shared, entry))
        {
            _ = ForgetWhenDoneAsync(host, shared, task);
        }

        return task;
    }

    private async Task ForgetWhenDoneAsync(string host, Lazy<Task<HostCertificate>> entry, Task<HostCertificate> task)
    {
        try
        {
            await task;
        }
        catch (Exception)
        {
            // A failed order keeps answering for a while so a client retrying in a loop cannot hammer the CA.
            try
            {
                await Task.Delay(FailureHold, time, stopping);
            }
            catch (OperationCanceledException)
            {
            }
        }

        inflight.TryRemove(KeyValuePair.Create(host, entry));
    }

    private async Task<HostCertificate> LoadOrObtainAsync(string host, bool useCache)
    {
        // Not the handshake's token: one aborted handshake must not cancel the order other connections wait for.
        var token = stopping;
        if (useCache && await ReadCachedAsync(host, token) is { } cached && cached.NotAfter > time.GetUtcNow().UtcDateTime)
        {
            current[host] = cached;
            return cached;
        }

        try
        {
            var acme = await GetClientAsync(token);
            logger.LogInformation("Requesting a certificate for {Host} from {DirectoryUrl}", host, directoryUrl);
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var chain = await acme.ObtainCertificateAsync(host, key, challenges.Publish, challenges.Retract, token);
            var certificate = await cache.WriteHostAsync(host, key, chain, token);
            current[host] = certificate;
            logger.LogInformation("Certificate for {Host} obtained, valid until {NotAfter}", host, certificate.NotAfter);
            return certificate;
        }
        catch (Exception e) when (e is AcmeException or HttpRequestException or IOException or CryptographicException or UnauthorizedAccessException or TaskCanceledException or System.Text.Json.JsonException)
        {
            logger.LogWarning("Cannot obtain a certificate for {Host} from {DirectoryUrl}: {Reason}", host, directoryUrl, e.Message);
            throw;
        }
    }

    /// <summary>The cached certificate for <paramref name="host"/> if it is readable and names that host; an unreadable one is logged and will be replaced.</summary>
    private async Task<HostCertificate?> ReadCachedAsync(string host, CancellationToken cancellationToken)
    {
        try
        {
            return await cache.ReadHostAsync(host, cancellationToken) is { } cached && cached.Leaf.MatchesHostname(host) ? cached : null;
        }
        catch (Exception e) when (e is IOException or CryptographicException or UnauthorizedAccessException)
        {
            logger.LogWarning("Cached certificate for {Host} in {CacheDir} is unreadable and will be replaced: {Reason}", host, cache.Directory, e.Message);
            return null;
        }
    }

    private async Task<AcmeClient> GetClientAsync(CancellationToken cancellationToken)
    {
        await clientLock.WaitAsync(cancellationToken);
        try
        {
            if (client is null)
            {
                var key = await cache.ReadAccountKeyAsync(cancellationToken);
                if (key is null)
                {
                    key = AcmeAccountKey.Create();
                    await cache.WriteAccountKeyAsync(key, cancellationToken);
                    logger.LogInformation("New ACME account key stored in {CacheDir}", cache.Directory);
                }

                var created = new AcmeClient(http, directoryUrl, key, time, logger);
                await created.EnsureAccountAsync(cancellationToken);
                client = created;
            }

            return client;
        }
        finally
        {
            clientLock.Release();
        }
    }

    private static string Normalize(string host) => host.Trim().TrimEnd('.').ToLowerInvariant();
}
