namespace Herald.Server.Storage;

/// <summary>
/// A value the database engine cannot hold as given (PostgreSQL's text has no NUL character; MySQL's text holds 64 KiB):
/// nothing was stored, and the request is answered 400 with <see cref="Exception.Message"/>, the same on every engine
/// where the limit is Herald's own.
/// </summary>
public sealed class UnstorableValueException : Exception
{
    public UnstorableValueException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }
}
