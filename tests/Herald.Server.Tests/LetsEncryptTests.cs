using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Herald.Server.Tests.Infrastructure;

namespace Herald.Server.Tests;

/// <summary>
/// <c>server.ssl.letsencrypt.*</c> against a real ACME server (pebble): the HTTP-01 challenge is really validated
/// against Herald's plain HTTP port, and Herald trusts pebble's listener only through <c>SSL_CERT_FILE</c>.
/// </summary>
public sealed class LetsEncryptTests
{
    /// <summary>
    /// A name pebble validates through the system resolver (it resolves to 127.0.0.1, where Herald listens) and accepts
    /// as an identifier; <c>*.localhost</c> names are not needed.
    /// </summary>
    private const string Host = "localhost";

    [PebbleFact]
    public async Task Handshake_WhitelistedHost_ObtainsCertificateChainingToPebbleRoot()
    {
        // The first handshake for a whitelisted name gets a certificate for that name, issued by the configured CA
        // after a real HTTP-01 validation (answered ahead of the HTTPS redirect, which stays on), and stored in the cache.
        using var dir = new TempDirectory();
        var ports = new Ports();
        await using var pebble = await PebbleProcess.StartAsync(dir.Combine("pebble"), ports.Http);
        await using var herald = await StartHeraldAsync(dir, ports, pebble.DirectoryUrl.ToString(), pebble.ListenerCaFile, redirectToHttps: true);

        var served = await FetchAsync(ports.Tls, Host);

        Assert.Equal(HttpStatusCode.OK, served.Status);
        Assert.True(served.Leaf.MatchesHostname(Host), served.Leaf.Subject);
        var root = await pebble.GetIssuingRootAsync();
        Assert.True(PebbleProcess.ChainsTo(served.Leaf, root, served.Presented), $"served chain does not lead to pebble's root. Herald:\n{herald.Log}");
        Assert.True(File.Exists(Path.Combine(dir.Combine("certs"), "acme_account+key")));
        Assert.True(File.Exists(Path.Combine(dir.Combine("certs"), Host)));
        Assert.Equal(1, pebble.OrderCount);
    }

    [PebbleFact]
    public async Task Restart_SameCacheDir_ServesCachedCertificateWithoutCa()
    {
        // After a restart the certificate from the cache directory is served as is: no new order, even with the CA gone.
        using var dir = new TempDirectory();
        var ports = new Ports();
        string firstSerial;
        await using (var pebble = await PebbleProcess.StartAsync(dir.Combine("pebble"), ports.Http))
        {
            await using var first = await StartHeraldAsync(dir, ports, pebble.DirectoryUrl.ToString(), pebble.ListenerCaFile);
            firstSerial = (await FetchAsync(ports.Tls, Host)).Leaf.SerialNumber;
            var exit = await first.TerminateAsync(TimeSpan.FromSeconds(30));
            Assert.True(exit == 0, $"exit {exit}:\n{first.Log}");
            Assert.Equal(1, pebble.OrderCount);
        }

        // pebble is stopped now: the directory URL points at a closed port.
        await using var second = await StartHeraldAsync(dir, ports, "https://127.0.0.1:" + HeraldProcess.FreePort().ToString(CultureInfo.InvariantCulture) + "/dir", dir.Combine("pebble/listener-ca.pem"));
        var served = await FetchAsync(ports.Tls, Host);

        Assert.Equal(HttpStatusCode.OK, served.Status);
        Assert.Equal(firstSerial, served.Leaf.SerialNumber);
        Assert.DoesNotContain("Requesting a certificate", second.Log, StringComparison.Ordinal);
    }

    [PebbleFact]
    public async Task Start_CachedCertificateDueForRenewal_RenewedInBackground()
    {
        // A certificate within 30 days of expiry is replaced by a new one from the CA without waiting for a handshake,
        // and the new one is served and cached from then on.
        using var dir = new TempDirectory();
        var ports = new Ports();
        await using var pebble = await PebbleProcess.StartAsync(dir.Combine("pebble"), ports.Http, certificateValidity: TimeSpan.FromDays(20));
        string firstSerial;
        await using (var first = await StartHeraldAsync(dir, ports, pebble.DirectoryUrl.ToString(), pebble.ListenerCaFile))
        {
            firstSerial = (await FetchAsync(ports.Tls, Host)).Leaf.SerialNumber;
            await first.TerminateAsync(TimeSpan.FromSeconds(30));
        }

        await using var second = await StartHeraldAsync(dir, ports, pebble.DirectoryUrl.ToString(), pebble.ListenerCaFile);
        await WaitForOutputAsync(second, "Certificate for localhost obtained");
        var served = await FetchAsync(ports.Tls, Host);

        Assert.NotEqual(firstSerial, served.Leaf.SerialNumber);
        Assert.Equal(2, pebble.OrderCount);
        var cached = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(Path.Combine(dir.Combine("certs"), Host)));
        Assert.Equal(served.Leaf.SerialNumber, cached.SerialNumber);
    }

    [PebbleFact]
    public async Task Handshake_ConcurrentFirstHandshakes_SingleOrder()
    {
        // Many clients arriving before the first certificate exists share one ACME order and all get its certificate.
        using var dir = new TempDirectory();
        var ports = new Ports();
        await using var pebble = await PebbleProcess.StartAsync(dir.Combine("pebble"), ports.Http);
        await using var herald = await StartHeraldAsync(dir, ports, pebble.DirectoryUrl.ToString(), pebble.ListenerCaFile);

        var results = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => FetchAsync(ports.Tls, Host)));

        Assert.All(results, r => Assert.Equal(HttpStatusCode.OK, r.Status));
        Assert.Single(results.Select(r => r.Leaf.SerialNumber).Distinct());
        Assert.Equal(1, pebble.OrderCount);
    }

    [PebbleFact]
    public async Task Handshake_HostNotWhitelisted_HandshakeFails()
    {
        // A name outside letsencrypt.hosts gets no certificate (the handshake fails) and never causes an order,
        // so nobody can make Herald request certificates for arbitrary names.
        using var dir = new TempDirectory();
        var ports = new Ports();
        await using var pebble = await PebbleProcess.StartAsync(dir.Combine("pebble"), ports.Http);
        await using var herald = await StartHeraldAsync(dir, ports, pebble.DirectoryUrl.ToString(), pebble.ListenerCaFile);

        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, ports.Tls);
        await using var tls = new SslStream(tcp.GetStream());
        var error = await Record.ExceptionAsync(() => tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "other.localhost",
            // Any certificate would do: the assertion is that none is offered at all.
#pragma warning disable CA5359
            RemoteCertificateValidationCallback = (_, _, _, _) => true,
#pragma warning restore CA5359
        }));

        Assert.True(error is AuthenticationException or IOException, $"expected a failed handshake, got {error?.ToString() ?? "success"}");
        Assert.Equal(0, pebble.OrderCount);
        Assert.False(File.Exists(Path.Combine(dir.Combine("certs"), "other.localhost")));
    }

    [Fact]
    public async Task Start_LetsEncryptWithoutAcceptTos_ExitsWith1NamingKey()
    {
        // Like Gotify, Herald never agrees to the CA's terms of service on the user's behalf: the start fails, naming the key.
        using var dir = new TempDirectory();
        var result = await HeraldProcess.RunToExitAsync(dir.Path, ["serve"], new Dictionary<string, string?>
        {
            ["GOTIFY_SERVER_SSL_ENABLED"] = "true",
            ["GOTIFY_SERVER_SSL_PORT"] = HeraldProcess.FreePort().ToString(CultureInfo.InvariantCulture),
            ["GOTIFY_SERVER_SSL_LETSENCRYPT_ENABLED"] = "true",
            ["GOTIFY_SERVER_SSL_LETSENCRYPT_ACCEPTTOS"] = "false",
            ["GOTIFY_SERVER_SSL_LETSENCRYPT_HOSTS"] = "[example.org]",
        });

        Assert.True(result.ExitCode == 1, result.ToString());
        var lines = result.AllOutput.Split('\n').Where(l => l.Contains("GOTIFY_SERVER_SSL_LETSENCRYPT_ACCEPTTOS", StringComparison.Ordinal)).ToArray();
        Assert.True(lines.Length == 1, result.ToString());
        Assert.Contains("terms of service", lines[0], StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", result.AllOutput, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("GOTIFY_SERVER_SSL_LETSENCRYPT_DIRECTORYURL", "not a url")]
    [InlineData("GOTIFY_SERVER_SSL_LETSENCRYPT_HOSTS", "[../../etc/passwd]")]
    public async Task Start_BadLetsEncryptValue_ExitsWith1NamingKey(string key, string value)
    {
        // A directory URL that is not one, or a host that is not a DNS name (hosts also name the cache files), stops the start.
        using var dir = new TempDirectory();
        var env = new Dictionary<string, string?>
        {
            ["GOTIFY_SERVER_SSL_ENABLED"] = "true",
            ["GOTIFY_SERVER_SSL_PORT"] = HeraldProcess.FreePort().ToString(CultureInfo.InvariantCulture),
            ["GOTIFY_SERVER_SSL_LETSENCRYPT_ENABLED"] = "true",
            ["GOTIFY_SERVER_SSL_LETSENCRYPT_ACCEPTTOS"] = "true",
            ["GOTIFY_SERVER_SSL_LETSENCRYPT_HOSTS"] = "[example.org]",
        };
        env[key] = value;
        var result = await HeraldProcess.RunToExitAsync(dir.Path, ["serve"], env);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Single(result.AllOutput.Split('\n'), l => l.Contains(key, StringComparison.Ordinal));
        Assert.DoesNotContain("Unhandled exception", result.AllOutput, StringComparison.OrdinalIgnoreCase);
    }

    private static Task<HeraldProcess> StartHeraldAsync(TempDirectory dir, Ports ports, string directoryUrl, string caFile, bool redirectToHttps = false) =>
        HeraldProcess.StartAsync(new HeraldStartInfo
        {
            WorkDir = dir.Combine("herald"),
            Port = ports.Http,
            ReadyOutput = "listening on",
            Env = new Dictionary<string, string?>
            {
                ["GOTIFY_SERVER_SSL_ENABLED"] = "true",
                ["GOTIFY_SERVER_SSL_LISTENADDR"] = "127.0.0.1",
                ["GOTIFY_SERVER_SSL_PORT"] = ports.Tls.ToString(CultureInfo.InvariantCulture),
                ["GOTIFY_SERVER_SSL_REDIRECTTOHTTPS"] = redirectToHttps ? "true" : "false",
                ["GOTIFY_SERVER_SSL_LETSENCRYPT_ENABLED"] = "true",
                ["GOTIFY_SERVER_SSL_LETSENCRYPT_ACCEPTTOS"] = "true",
                ["GOTIFY_SERVER_SSL_LETSENCRYPT_DIRECTORYURL"] = directoryUrl,
                ["GOTIFY_SERVER_SSL_LETSENCRYPT_HOSTS"] = $"[{Host}]",
                ["GOTIFY_SERVER_SSL_LETSENCRYPT_CACHE"] = dir.Combine("certs"),

                // OpenSSL's trust store override: the only reason Herald trusts pebble's listener.
                ["SSL_CERT_FILE"] = caFile,
                ["SSL_CERT_DIR"] = null,
            },
        });

    private static async Task WaitForOutputAsync(HeraldProcess herald, string text)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!herald.Log.Contains(text, StringComparison.Ordinal))
        {
            Assert.True(DateTime.UtcNow < deadline, $"herald never wrote \"{text}\":\n{herald.Log}");
            await Task.Delay(100);
        }
    }

    /// <summary>GET /version over HTTPS to 127.0.0.1 with <paramref name="sni"/> as server name; returns what was presented.</summary>
    private static async Task<Served> FetchAsync(int tlsPort, string sni)
    {
        X509Certificate2? leaf = null;
        var presented = new List<X509Certificate2>();
        using var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (_, cancellationToken) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                await socket.ConnectAsync(IPAddress.Loopback, tlsPort, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            },
            SslOptions = new SslClientAuthenticationOptions
            {
                // Captured and checked against pebble's root by the test; the handshake itself accepts anything.
                RemoteCertificateValidationCallback = (_, certificate, chain, _) =>
                {
                    leaf = certificate is null ? null : new X509Certificate2(certificate);
                    if (chain is not null)
                    {
                        presented.AddRange(chain.ChainPolicy.ExtraStore.Select(c => new X509Certificate2(c)));
                    }

                    return true;
                },
            },
        };
        using var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(60) };
        using var response = await http.GetAsync(new Uri($"https://{sni}:{tlsPort}/version"));
        return new Served(response.StatusCode, leaf ?? throw new InvalidOperationException("no certificate presented"), presented);
    }

    private sealed record Served(HttpStatusCode Status, X509Certificate2 Leaf, IReadOnlyList<X509Certificate2> Presented);

    /// <summary>Herald's plain HTTP port (also pebble's HTTP-01 validation port) and its TLS port.</summary>
    private sealed class Ports
    {
        public int Http { get; } = HeraldProcess.FreePort();

        public int Tls { get; } = HeraldProcess.FreePort();
    }
}
