namespace Herald.Server.Storage;

/// <summary>Thrown by a store when a write breaks a unique index (Gotify's <c>ErrDuplicatedKey</c>).</summary>
public sealed class DuplicateKeyException : Exception
{
    public DuplicateKeyException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }
}
