namespace Herald.Server.Model;

/// <summary>
/// A change refused by one of Herald's rules (user names are unique, the last admin stays an admin, an internal
/// application is not deleted, sort keys are unique). Nothing was changed. The message is Gotify's text; the API
/// answers it as a 400 error. It lives beside the model so that the error middleware maps it without knowing the
/// services that throw it.
/// </summary>
public sealed class RuleException : Exception
{
    public RuleException(string message)
        : base(message)
    {
    }
}
