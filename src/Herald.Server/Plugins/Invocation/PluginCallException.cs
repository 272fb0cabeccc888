namespace Herald.Server.Plugins.Invocation;

/// <summary>How a call into plugin code went wrong.</summary>
internal enum PluginCallFailure
{
    /// <summary>The plugin threw.</summary>
    Threw,

    /// <summary>The plugin did not finish within the call's timeout; its work was abandoned.</summary>
    TimedOut,

    /// <summary>
    /// The plugin (or this user's instance) already ran as many calls as it may; this one waited its whole timeout for
    /// a slot and never ran.
    /// </summary>
    Busy,
}

/// <summary>
/// A failed call into plugin code, attributed to the plugin and user. <see cref="Exception.Message"/> is the sentence
/// shown to the user: the plugin's own message when it threw (as Gotify returns a plugin's error text), or what the
/// host gave up on. The plugin's exception itself is logged, never kept: it references the plugin's types and would
/// keep an unloaded version in memory.
/// </summary>
internal sealed class PluginCallException(PluginCallFailure failure, string modulePath, string operation, string message)
    : Exception(message)
{
    public PluginCallFailure Failure { get; } = failure;

    public string ModulePath { get; } = modulePath;

    public string Operation { get; } = operation;

    /// <summary>
    /// Whether this failure is the plugin's own doing and disables its instance: only a timeout is (the plugin had its
    /// slot and, for a webhook, the whole request body, and did not finish). A throw is answered with the plugin's
    /// error, as in Gotify. Busy never disables: the call never ran, and the slots were taken by other callers; anyone
    /// holding a webhook URL can fill them, so counting that against the plugin would let strangers disable it.
    /// </summary>
    public bool DisablesInstance => Failure == PluginCallFailure.TimedOut;

    /// <summary>The type name of what the plugin threw, for messages ("InvalidOperationException").</summary>
    public string? ExceptionType { get; init; }
}
