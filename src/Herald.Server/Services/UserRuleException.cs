namespace Herald.Server.Services;

/// <summary>
/// A user change refused by one of the user rules (names are unique, the last admin stays an admin). Nothing was
/// changed. The message is Gotify's text; the API answers it as a 400 error.
/// </summary>
public sealed class UserRuleException : Exception
{
    public UserRuleException(string message)
        : base(message)
    {
    }
}
