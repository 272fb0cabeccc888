using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Herald.Server.Tls;

/// <summary>A host's certificate with its intermediates, ready to hand to SslStream.</summary>
internal sealed class HostCertificate
{
    public HostCertificate(X509Certificate2 leaf, X509Certificate2Collection intermediates)
    {
        if (OperatingSystem.IsWindows())
        {
            // SChannel cannot use the ephemeral key a PEM import yields; a PKCS#12 round trip gives it a usable one.
            var pkcs12 = leaf.Export(X509ContentType.Pkcs12);
            leaf.Dispose();
            leaf = X509CertificateLoader.LoadPkcs12(pkcs12, null);
        }

        Leaf = leaf;
        NotAfter = leaf.NotAfter.ToUniversalTime();

        // offline: the chain is built from what the CA sent, not fetched; clients get the intermediates in the handshake.
        Context = SslStreamCertificateContext.Create(leaf, intermediates, offline: true);
    }

    public X509Certificate2 Leaf { get; }

    public DateTime NotAfter { get; }

    public SslStreamCertificateContext Context { get; }
}
