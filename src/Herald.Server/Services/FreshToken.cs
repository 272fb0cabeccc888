using Herald.Server.Storage;

namespace Herald.Server.Services;

/// <summary>
/// The one way Herald gives a row a new token (application, client, plugin conf): draw one, write, and let the unique
/// index decide; on a collision draw again. A look-up first would race with a concurrent writer, and for clients it
/// would miss expired ones, which still hold their token. A token has 65^14 (about 2^84) values, so a second draw is
/// already rare; the bound is only reached when another unique column is duplicated, and the caller then sees the
/// <see cref="DuplicateKeyException"/>.
/// </summary>
internal static class FreshToken
{
    /// <summary>Draws per write unless the caller knows better (Gotify's <c>GenerateNotExistingToken</c> has no bound).</summary>
    public const int Attempts = 10;

    /// <summary>Runs <paramref name="write"/> with a token from <paramref name="draw"/> until no unique index refuses it.</summary>
    /// <exception cref="DuplicateKeyException">Still refused after <paramref name="attempts"/> draws.</exception>
    public static async Task<T> WriteAsync<T>(Func<string> draw, Func<string, Task<T>> write, int attempts = Attempts)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await write(draw());
            }
            catch (DuplicateKeyException) when (attempt < attempts)
            {
                // Taken, by a token or (for applications) a sort key a concurrent creation took first: draw again.
            }
        }
    }
}
