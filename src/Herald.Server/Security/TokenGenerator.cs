namespace Herald.Server.Security;

/// <summary>
/// Gotify 2.x tokens: a kind prefix (<c>A</c> application, <c>C</c> client, <c>P</c> plugin) and 14 characters of a
/// 65-character alphabet from a cryptographic source. Clients validate this shape, so Herald keeps it.
/// </summary>
public static class TokenGenerator
{
    private const string Alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_";
    private const string FileAlphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_";

    public static string NewApplicationToken() => "A" + Random(Alphabet, 14);

    public static string NewClientToken() => "C" + Random(Alphabet, 14);

    public static string NewPluginToken() => "P" + Random(Alphabet, 14);

    /// <summary>A random image file name (25 characters, no dot) with the given extension.</summary>
    public static string NewImageName(string extension) => Random(FileAlphabet, 25) + extension;

    private static string Random(string alphabet, int length) => SecureRandom.GetString(alphabet, length);
}
