namespace Herald.PluginTesting;

/// <summary>A configuration the server would refuse with 400: malformed YAML, or rejected by the plugin (its message).</summary>
public sealed class PluginConfigException : Exception
{
    /// <summary>Creates the exception with the text the server would answer with.</summary>
    /// <param name="message">The error text.</param>
    /// <param name="inner">What the YAML parser or the plugin threw.</param>
    public PluginConfigException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }
}
