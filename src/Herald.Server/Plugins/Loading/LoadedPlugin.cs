using System.Text.Json;
using Herald.PluginApi;
using Herald.PluginHosting.Compatibility;
using Herald.Server.Plugins.Invocation;

namespace Herald.Server.Plugins.Loading;

/// <summary>
/// One loaded plugin version: its load context and factory, shared by all of its users' instances. Everything that
/// caches plugin types (JSON options, YAML converters) is per plugin, here, so nothing outlives an unload.
/// </summary>
internal sealed class LoadedPlugin
{
    public LoadedPlugin(PluginDescriptor descriptor, PluginLoadContext context, string dataDirectory, CallSlots slots)
    {
        Descriptor = descriptor;
        Context = context;
        DataDirectory = dataDirectory;
        Slots = slots;
    }

    public PluginDescriptor Descriptor { get; }

    public string ModulePath => Descriptor.ModulePath;

    /// <summary>The display name: the [PluginInfo] name, or the module path.</summary>
    public string Name => Descriptor.Name;

    /// <summary>The load context; null once unloaded.</summary>
    public PluginLoadContext? Context { get; private set; }

    /// <summary>The plugin's factory; set once its constructor ran, null once unloaded.</summary>
    public IPluginFactory? Factory { get; set; }

    /// <summary>The plugin's data folder (see <see cref="IPluginContext.DataDirectory"/>).</summary>
    public string DataDirectory { get; }

    /// <summary>Bounds the calls into this plugin that run at once, over all its users and per user.</summary>
    public CallSlots Slots { get; }

    /// <summary>A call into this plugin's code for <paramref name="userId"/> (null: plugin-wide, the factory's constructor).</summary>
    public PluginCall Call(long? userId, string operation, TimeSpan timeout, bool offload = true) =>
        new(ModulePath, Slots, userId, operation, timeout, offload);

    /// <summary>Serializes message extras; its metadata cache holds plugin types, so it lives and dies with the plugin.</summary>
    public JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// Drops the references to plugin code and starts unloading the context. Returns a weak reference to watch the
    /// context actually go away.
    /// </summary>
    public WeakReference Unload()
    {
        var context = Context!;
        Factory = null;
        Context = null;
        var weak = new WeakReference(context, trackResurrection: false);
        context.Unload();
        FrameworkCaches.Clear();
        return weak;
    }
}
