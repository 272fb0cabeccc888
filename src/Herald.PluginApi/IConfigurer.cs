namespace Herald.PluginApi;

/// <summary>
/// A plugin with per-user configuration. Herald stores it as YAML in Gotify's <c>plugin_confs.config</c>, exactly
/// as the user typed it (comments kept), and converts between YAML and <typeparamref name="TConfig"/> itself, so the
/// plugin never sees YAML. Keys are the public properties' names in snake_case (<c>MagicString</c> → <c>magic_string</c>).
/// </summary>
/// <typeparam name="TConfig">A class with a public parameterless constructor and public read-write properties.</typeparam>
public interface IConfigurer<TConfig> : IPlugin
    where TConfig : class
{
    /// <summary>
    /// Returns a <em>new</em> object with default values each call. Herald stores its YAML when the instance is
    /// created, and deserializes every stored or submitted configuration onto a fresh default, so keys the user
    /// left out keep their defaults.
    /// </summary>
    /// <returns>A new default configuration.</returns>
    TConfig DefaultConfig();

    /// <summary>
    /// Checks <paramref name="config"/> and, if it is valid, starts using it, whether or not the instance is enabled.
    /// Throw to reject it: the exception's message is shown to the user (HTTP 400) and the previous configuration stays.
    /// Accept the result of <see cref="DefaultConfig"/>: Herald falls back to it when a stored configuration is rejected
    /// at start-up.
    /// </summary>
    /// <param name="config">The configuration to check and apply.</param>
    /// <param name="cancellationToken">Cancelled when the host gives up waiting.</param>
    /// <returns>A task that completes when the configuration is applied.</returns>
    Task ValidateAndSetConfigAsync(TConfig config, CancellationToken cancellationToken);
}
