using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Org.BouncyCastle.Crypto.Parameters;

namespace Herald.Server.Security;

/// <summary>
/// Gotify 3's Ed25519 tokens (<c>gtfya.</c>/<c>gtfyc.</c>). The database holds the public form; the user holds
/// the seed, or a signed form with a timestamp. Herald issues 2.x tokens but must accept these from a migrated
/// Gotify 3 database: this maps whatever the user presents to the canonical stored form.
/// </summary>
internal static class EnhancedToken
{
    private const int MaxClockSkewSeconds = 15 * 60;

    /// <summary>True when <paramref name="token"/> is of the 3.x form and must be canonicalized before lookup.</summary>
    public static bool IsEnhanced(string token) => token.StartsWith("gtfy", StringComparison.Ordinal);

    /// <summary>
    /// The stored (public) form of an enhanced token, or <see langword="null"/> with <paramref name="error"/> set when
    /// it cannot be parsed or its signature is not valid now.
    /// </summary>
    public static string? Canonicalize(string token, DateTimeOffset now, out string? error)
    {
        error = null;
        var body = token[4..];
        var fields = body.Split('.', 4);
        if (fields.Length is not (2 or 4) || fields[0].Length != 1)
        {
            error = "cannot parse token: malformed token";
            return null;
        }

        var ident = fields[0];
        if (!TryDecode(fields[1], out var key) || key.Length != 32)
        {
            error = "cannot parse token: invalid key";
            return null;
        }

        byte[] publicKey;
        if (fields.Length == 2)
        {
            // Two fields: the private seed, whose public key is what Gotify stored.
            publicKey = new Ed25519PrivateKeyParameters(key).GeneratePublicKey().GetEncoded();
        }
        else
        {
            publicKey = key;
            if (!long.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out var issuedAt)
                || !TryDecode(fields[3], out var signature))
            {
                error = "cannot parse token: malformed signed token";
                return null;
            }

            if (Math.Abs(now.ToUnixTimeSeconds() - issuedAt) > MaxClockSkewSeconds || !VerifySignature(publicKey, issuedAt, signature))
            {
                error = "invalid token";
                return null;
            }
        }

        return "gtfy" + ident + "." + Base64Url.EncodeToString(publicKey);
    }

    private static bool VerifySignature(byte[] publicKey, long issuedAt, byte[] signature)
    {
        // Gotify: Go's ed25519 with Options{Hash: SHA512} over SHA-512("iat=<timestamp>"), i.e. Ed25519ph whose
        // pre-hash PH(M) is that digest. The digest goes to the prehash API as is (Ed25519phSigner would hash it again).
        var digest = SHA512.HashData(Encoding.ASCII.GetBytes("iat=" + issuedAt.ToString(CultureInfo.InvariantCulture)));
        return signature.Length == Org.BouncyCastle.Math.EC.Rfc8032.Ed25519.SignatureSize
            && Org.BouncyCastle.Math.EC.Rfc8032.Ed25519.VerifyPrehash(signature, 0, publicKey, 0, [], digest, 0);
    }

    private static bool TryDecode(string text, out byte[] bytes)
    {
        try
        {
            bytes = Base64Url.DecodeFromChars(text);
            return true;
        }
        catch (FormatException)
        {
            bytes = [];
            return false;
        }
    }
}
