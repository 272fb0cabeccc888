namespace Herald.Server.Configuration;

/// <summary>A setting that cannot be used; the message is the one line printed before exiting with code 1.</summary>
public sealed class ConfigurationException : Exception
{
    public ConfigurationException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }
}
