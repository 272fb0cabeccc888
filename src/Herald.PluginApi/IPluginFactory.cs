namespace Herald.PluginApi;

/// <summary>
/// The plugin's entry point: exactly one public, non-abstract class with a public parameterless constructor and a
/// <see cref="PluginInfoAttribute"/> implements it. The counterpart of Gotify's <c>NewGotifyPluginInstance</c>.
/// </summary>
/// <remarks>
/// Herald creates the factory once per loaded plugin version and shares it between users, so state that must be
/// global to the plugin (one listening socket, a cache) belongs here rather than in package-level statics: statics
/// outlive a hot upgrade and keep the old version in memory.
/// </remarks>
public interface IPluginFactory
{
    /// <summary>
    /// Creates the instance of <paramref name="user"/>. Called at start-up for every user, when a user is added, and
    /// when a new version of the plugin replaces the old one. Keep it cheap: start work in <see cref="IPlugin.EnableAsync"/>.
    /// </summary>
    /// <param name="user">The user the instance belongs to.</param>
    /// <param name="context">Host services for this instance: logger, data folder, background work.</param>
    /// <returns>The instance; the capability interfaces it implements (<see cref="IMessenger"/>, <see cref="IConfigurer{TConfig}"/>, …) decide what Herald offers it.</returns>
    IPlugin Create(UserContext user, IPluginContext context);
}
