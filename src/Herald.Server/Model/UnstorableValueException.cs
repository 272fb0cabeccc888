namespace Herald.Server.Model;

/// <summary>
/// A value the database engine cannot hold as given (PostgreSQL's text has no NUL character; MySQL's text holds 64 KiB):
/// nothing was stored, and the request is answered 400 with <see cref="Exception.Message"/>, the same on every engine
/// where the limit is Herald's own. It lives beside the model, as <see cref="RuleException"/> does, so that the error
/// middleware maps it without knowing the stores that throw it.
/// </summary>
public sealed class UnstorableValueException : Exception
{
    public UnstorableValueException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }
}
