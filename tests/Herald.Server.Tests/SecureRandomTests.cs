using System.Text.RegularExpressions;
using Herald.Server.Security;

namespace Herald.Server.Tests;

/// <summary>The random source behind tokens and bcrypt salts (kernel randomness instead of OpenSSL).</summary>
public sealed class SecureRandomTests
{
    // Invariant: salts have bcrypt's exact shape, so BCrypt accepts them and Gotify's Go bcrypt can verify the hashes.
    [Fact]
    public void BcryptSalt_Cost_HasBcryptShapeAndRoundTrips()
    {
        var salt = SecureRandom.BcryptSalt(5);

        Assert.Matches(new Regex("^\\$2a\\$05\\$[./A-Za-z0-9]{22}$"), salt);
        var hash = BCrypt.Net.BCrypt.HashPassword("secret", salt);
        Assert.StartsWith("$2a$05$", hash, StringComparison.Ordinal);
        Assert.True(BCrypt.Net.BCrypt.Verify("secret", hash));
        Assert.False(BCrypt.Net.BCrypt.Verify("Secret", hash));
    }

    // Invariant: two salts never repeat, i.e. they really come from a random source.
    [Fact]
    public void BcryptSalt_ManyCalls_AllDistinct()
    {
        var salts = Enumerable.Range(0, 200).Select(_ => SecureRandom.BcryptSalt(10)).ToHashSet(StringComparer.Ordinal);

        Assert.Equal(200, salts.Count);
    }

    // Invariant: tokens use only the alphabet asked for, at the length asked for, and every character can occur
    // (rejection sampling keeps 65-character alphabets uniform instead of favouring the first characters).
    [Fact]
    public void GetString_GotifyAlphabet_UsesWholeAlphabetAndNothingElse()
    {
        const string alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_";
        var seen = new HashSet<char>();
        for (var i = 0; i < 400; i++)
        {
            var text = SecureRandom.GetString(alphabet, 14);
            Assert.Equal(14, text.Length);
            Assert.All(text, c => Assert.Contains(c, alphabet));
            seen.UnionWith(text);
        }

        Assert.Equal(alphabet.Length, seen.Count);
    }

    // Invariant: application and client tokens keep Gotify 2.x's shape that clients validate.
    [Fact]
    public void TokenGenerator_NewTokens_HaveGotifyShape()
    {
        Assert.Matches(new Regex("^A[a-zA-Z0-9.\\-_]{14}$"), TokenGenerator.NewApplicationToken());
        Assert.Matches(new Regex("^C[a-zA-Z0-9.\\-_]{14}$"), TokenGenerator.NewClientToken());
    }
}
