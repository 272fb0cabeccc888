using System.Security.Cryptography;

namespace Herald.Server.Security;

/// <summary>
/// Cryptographically secure random bytes for tokens and bcrypt salts. On Linux and macOS they come straight from the
/// kernel (<c>/dev/urandom</c>, as Go's <c>crypto/rand</c> does); elsewhere from <see cref="RandomNumberGenerator"/>.
/// Reading the kernel source keeps OpenSSL (about 5 MB resident) out of a server that otherwise never needs it.
/// </summary>
internal static class SecureRandom
{
    private const string BcryptAlphabet = "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    public static void Fill(Span<byte> buffer)
    {
        if (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS() || OperatingSystem.IsFreeBSD())
        {
            using var urandom = new FileStream("/dev/urandom", FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 0);
            urandom.ReadExactly(buffer);
            return;
        }

        RandomNumberGenerator.Fill(buffer);
    }

    /// <summary><paramref name="length"/> characters drawn uniformly from <paramref name="alphabet"/>.</summary>
    public static string GetString(string alphabet, int length)
    {
        // Rejection sampling keeps every character equally likely for alphabets that do not divide 256.
        var limit = 256 - (256 % alphabet.Length);
        var result = new char[length];
        Span<byte> bytes = stackalloc byte[64];
        var filled = 0;
        var position = bytes.Length;
        while (filled < length)
        {
            if (position == bytes.Length)
            {
                Fill(bytes);
                position = 0;
            }

            var b = bytes[position++];
            if (b < limit)
            {
                result[filled++] = alphabet[b % alphabet.Length];
            }
        }

        return new string(result);
    }

    /// <summary>A bcrypt salt (<c>$2a$NN$</c> + 22 characters of bcrypt's base64) from 16 random bytes.</summary>
    public static string BcryptSalt(int cost)
    {
        Span<byte> raw = stackalloc byte[16];
        Fill(raw);
        var text = new System.Text.StringBuilder(29).Append("$2a$").Append(cost.ToString("D2", System.Globalization.CultureInfo.InvariantCulture)).Append('$');
        for (var i = 0; i < raw.Length;)
        {
            var c1 = raw[i++];
            text.Append(BcryptAlphabet[c1 >> 2]);
            var c = (c1 & 0x03) << 4;
            if (i >= raw.Length)
            {
                text.Append(BcryptAlphabet[c]);
                break;
            }

            var c2 = raw[i++];
            text.Append(BcryptAlphabet[c | ((c2 >> 4) & 0x0f)]);
            c = (c2 & 0x0f) << 2;
            if (i >= raw.Length)
            {
                text.Append(BcryptAlphabet[c]);
                break;
            }

            c2 = raw[i++];
            text.Append(BcryptAlphabet[c | ((c2 >> 6) & 0x03)]);
            text.Append(BcryptAlphabet[c2 & 0x3f]);
        }

        return text.ToString();
    }
}
