using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Herald.Server.Tests.Infrastructure;

/// <summary>
/// Let's Encrypt's ACME test server (Debian's <c>pebble</c> package, installed by <c>.ci/run</c>) on loopback ports.
/// The package ships no certificate for pebble's own HTTPS listener, so each run makes a throw-away CA and a
/// <c>localhost</c>/<c>127.0.0.1</c> certificate; <see cref="ListenerCaFile"/> is what Herald is told to trust
/// through <c>SSL_CERT_FILE</c>. <c>HERALD_PEBBLE</c> overrides the executable.
/// </summary>
public sealed class PebbleProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output;
    private readonly X509Certificate2 _listenerCa;

    private PebbleProcess(Process process, ConcurrentQueue<string> output, X509Certificate2 listenerCa, string caFile, int port, int managementPort)
    {
        _process = process;
        _output = output;
        _listenerCa = listenerCa;
        ListenerCaFile = caFile;
        DirectoryUrl = new Uri($"https://127.0.0.1:{port}/dir");
        ManagementUrl = new Uri($"https://127.0.0.1:{managementPort}");
    }

    /// <summary>The pebble executable, or null when none is installed.</summary>
    public static string? ExecutablePath { get; } = SystemProgram.Find("HERALD_PEBBLE", "pebble");

    /// <summary>The ACME directory.</summary>
    public Uri DirectoryUrl { get; }

    /// <summary>The management interface (<c>/roots/0</c> is the root that signs issued certificates).</summary>
    public Uri ManagementUrl { get; }

    /// <summary>PEM file with the CA of pebble's own HTTPS listener.</summary>
    public string ListenerCaFile { get; }

    /// <summary>Everything pebble logged so far.</summary>
    public string Output => string.Join(Environment.NewLine, _output);

    /// <summary>How many orders pebble has created so far.</summary>
    public int OrderCount => _output.Count(l => l.Contains("Added order", StringComparison.Ordinal));

    /// <summary>
    /// Starts pebble in <paramref name="dir"/>; HTTP-01 validation connects to <paramref name="httpValidationPort"/>.
    /// <paramref name="certificateValidity"/> overrides how long issued certificates are valid (pebble's default: 5 years).
    /// </summary>
    public static async Task<PebbleProcess> StartAsync(string dir, int httpValidationPort, TimeSpan? certificateValidity = null)
    {
        var executable = ExecutablePath ?? throw new InvalidOperationException("pebble is not installed: .ci/run installs Debian's pebble package.");
        Directory.CreateDirectory(dir);
        var (ca, caPem, certPem, keyPem) = MakeListenerCertificate();
        var caFile = Path.Combine(dir, "listener-ca.pem");
        await File.WriteAllTextAsync(caFile, caPem);
        await File.WriteAllTextAsync(Path.Combine(dir, "listener-cert.pem"), certPem);
        await File.WriteAllTextAsync(Path.Combine(dir, "listener-key.pem"), keyPem);

        var port = HeraldProcess.FreePort();
        var managementPort = HeraldProcess.FreePort();
        var config = $$"""
            {"pebble": {
              "listenAddress": "127.0.0.1:{{port}}",
              "managementListenAddress": "127.0.0.1:{{managementPort}}",
              "certificate": "{{Path.Combine(dir, "listener-cert.pem")}}",
              "privateKey": "{{Path.Combine(dir, "listener-key.pem")}}",
              "httpPort": {{httpValidationPort}},
              "tlsPort": {{HeraldProcess.FreePort()}},
              "ocspResponderURL": "",
              "externalAccountBindingRequired": false{{(certificateValidity is { } validity ? $", \"certificateValidityPeriod\": {(long)validity.TotalSeconds}" : string.Empty)}}
            }
            }
            """;
        var configFile = Path.Combine(dir, "pebble-config.json");
        await File.WriteAllTextAsync(configFile, config);

        var psi = new ProcessStartInfo(executable)
        {
            WorkingDirectory = dir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            ArgumentList = { "-config", configFile },
        };

        // No random validation delays; the challenge itself is still validated against Herald (no PEBBLE_VA_ALWAYS_VALID).
        psi.Environment["PEBBLE_VA_NOSLEEP"] = "1";
        psi.Environment.Remove("PEBBLE_VA_ALWAYS_VALID");
        var output = new ConcurrentQueue<string>();
        var process = new Process { StartInfo = psi };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                output.Enqueue(e.Data);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                output.Enqueue(e.Data);
            }
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var pebble = new PebbleProcess(process, output, ca, caFile, port, managementPort);
        try
        {
            await pebble.WaitForDirectoryAsync(TimeSpan.FromSeconds(30));
        }
        catch
        {
            await pebble.DisposeAsync();
            throw;
        }

        return pebble;
    }

    /// <summary>An HttpClient that trusts pebble's listener CA only.</summary>
    public HttpClient CreateHttpClient()
    {
        var ca = _listenerCa;
        var handler = new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate is not null && ChainsTo(new X509Certificate2(certificate), ca, []),
            },
        };
        return new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(10) };
    }

    /// <summary>The root CA pebble signs issued certificates with (regenerated on every pebble start).</summary>
    public async Task<X509Certificate2> GetIssuingRootAsync()
    {
        using var http = CreateHttpClient();
        var pem = await http.GetStringAsync(new Uri(ManagementUrl, "/roots/0"));
        return X509Certificate2.CreateFromPem(pem);
    }

    /// <summary>Whether <paramref name="leaf"/> chains to <paramref name="root"/>, using <paramref name="extra"/> as intermediates.</summary>
    public static bool ChainsTo(X509Certificate2 leaf, X509Certificate2 root, IEnumerable<X509Certificate2> extra)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(root);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.ExtraStore.AddRange(extra.ToArray());
        return chain.Build(leaf);
    }

    /// <summary>Stops pebble (SIGKILL: it keeps no state worth flushing) and waits for it to exit.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }
        catch (InvalidOperationException)
        {
        }

        _process.Dispose();
        _listenerCa.Dispose();
    }

    private async Task WaitForDirectoryAsync(TimeSpan timeout)
    {
        using var http = CreateHttpClient();
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"pebble exited with code {_process.ExitCode}. Output:\n{Output}");
            }

            try
            {
                using var response = await http.GetAsync(DirectoryUrl);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"pebble did not serve {DirectoryUrl} within {timeout}. Output:\n{Output}");
    }

    private static (X509Certificate2 Ca, string CaPem, string CertPem, string KeyPem) MakeListenerCertificate()
    {
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=Herald test pebble listener CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false));
        var now = DateTimeOffset.UtcNow;
        var ca = caRequest.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(2));

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("localhost");
        san.AddIpAddress(System.Net.IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var leaf = request.Create(ca, now.AddMinutes(-5), now.AddDays(1), RandomNumberGenerator.GetBytes(8));
        return (ca, ca.ExportCertificatePem(), leaf.ExportCertificatePem(), key.ExportPkcs8PrivateKeyPem());
    }
}

/// <summary>
/// A test that needs pebble. Without it the test is skipped with the reason, except under CI (<c>CI</c> set),
/// where a missing pebble must fail rather than pass silently.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class PebbleFactAttribute : FactAttribute
{
    public PebbleFactAttribute()
    {
        Skip = SystemProgram.SkipReason(PebbleProcess.ExecutablePath, "pebble (the ACME test server) is not installed (apt-get install pebble, or set HERALD_PEBBLE); .ci/run installs it.");
    }
}
