using System.Text;
using Herald.Server.Configuration;

namespace Herald.Server.Security;

/// <summary>bcrypt as Gotify stores it: <c>$2a$</c> hashes as bytes, cost from <c>passstrength</c>.</summary>
public sealed class PasswordHasher
{
    private readonly int cost;

    public PasswordHasher(HeraldSettings settings)
    {
        cost = settings.PassStrength;
    }

    public byte[] Hash(string password) =>
        Encoding.UTF8.GetBytes(BCrypt.Net.BCrypt.HashPassword(password, SecureRandom.BcryptSalt(cost)));

    /// <summary>False for users without a password and for hashes that are not bcrypt.</summary>
    public static bool Verify(string password, byte[]? hash)
    {
        if (hash is null || hash.Length == 0)
        {
            return false;
        }

        try
        {
            return BCrypt.Net.BCrypt.Verify(password, Encoding.UTF8.GetString(hash));
        }
        catch (BCrypt.Net.SaltParseException)
        {
            return false;
        }
    }
}
