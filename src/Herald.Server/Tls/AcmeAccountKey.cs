using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Herald.Server.Tls;

/// <summary>
/// The ACME account's ES256 (P-256) key: signs the JWS requests and yields the RFC 7638 JWK thumbprint used in key authorizations.
/// </summary>
internal sealed class AcmeAccountKey : IDisposable
{
    private readonly ECDsa key;

    public AcmeAccountKey(ECDsa key)
    {
        this.key = key;
        var parameters = key.ExportParameters(includePrivateParameters: false);
        X = Base64Url.EncodeToString(parameters.Q.X!);
        Y = Base64Url.EncodeToString(parameters.Q.Y!);

        // RFC 7638: the required members only, in lexicographic order, no whitespace.
        var canonical = $"{{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"{X}\",\"y\":\"{Y}\"}}";
        Thumbprint = Base64Url.EncodeToString(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }

    /// <summary>Base64url of the public point's x coordinate.</summary>
    public string X { get; }

    /// <summary>Base64url of the public point's y coordinate.</summary>
    public string Y { get; }

    /// <summary>The RFC 7638 SHA-256 thumbprint of the public JWK, base64url.</summary>
    public string Thumbprint { get; }

    /// <summary>A fresh P-256 key.</summary>
    public static AcmeAccountKey Create() => new(ECDsa.Create(ECCurve.NamedCurves.nistP256));

    /// <summary>The key as SEC1 <c>EC PRIVATE KEY</c> PEM, the format Go's autocert keeps in its cache.</summary>
    public string ExportPem() => key.ExportECPrivateKeyPem();

    /// <summary>Loads a key written by <see cref="ExportPem"/> (or by Gotify's autocert).</summary>
    public static AcmeAccountKey ImportPem(string pem)
    {
        var ecdsa = ECDsa.Create();
        ecdsa.ImportFromPem(pem);
        if (ecdsa.KeySize != 256)
        {
            ecdsa.Dispose();
            throw new CryptographicException("the ACME account key is not a P-256 key");
        }

        return new AcmeAccountKey(ecdsa);
    }

    /// <summary>ES256: the raw r||s signature (IEEE P1363), as JWS requires.</summary>
    public byte[] Sign(byte[] data) => key.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);

    public void Dispose() => key.Dispose();
}
