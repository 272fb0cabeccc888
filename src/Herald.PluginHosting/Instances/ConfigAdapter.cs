using System.Text;
using Herald.PluginApi;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;
using YamlDotNet.Serialization.ObjectFactories;

namespace Herald.PluginHosting.Instances;

/// <summary>
/// Bridges an instance's <see cref="IConfigurer{TConfig}"/> to YAML: the plugin sees typed objects, the user and the
/// database see YAML text. Deserialization fills a fresh <c>DefaultConfig()</c> (keys left out keep their defaults,
/// unknown keys are ignored), as Gotify's <c>yaml.Unmarshal(stored, DefaultConfig())</c> does.
/// </summary>
internal abstract class ConfigAdapter
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The plugin's config type.</summary>
    public abstract Type ConfigType { get; }

    /// <summary>Creates the adapter for <paramref name="instance"/>, or null when it is not a configurer.</summary>
    public static ConfigAdapter? For(IPlugin instance)
    {
        var configurer = instance.GetType().GetInterfaces()
            .FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IConfigurer<>));
        return configurer is null
            ? null
            : (ConfigAdapter)Activator.CreateInstance(typeof(ConfigAdapter<>).MakeGenericType(configurer.GetGenericArguments()[0]), instance)!;
    }

    /// <summary>A new default config object.</summary>
    public abstract object DefaultConfig();

    /// <summary>Passes <paramref name="config"/> to the plugin's validation.</summary>
    public abstract Task ValidateAndSetAsync(object config, CancellationToken cancellationToken);

    /// <summary>YAML of <paramref name="config"/>.</summary>
    public string Serialize(object config) =>
        new SerializerBuilder().WithNamingConvention(UnderscoredNamingConvention.Instance).Build().Serialize(config, ConfigType);

    /// <summary>Parses <paramref name="yaml"/> onto <paramref name="target"/> (normally a fresh default).</summary>
    /// <exception cref="YamlException">Malformed YAML, bytes that are not UTF-8, or a value of the wrong type; the message is shown to the user.</exception>
    public object Deserialize(byte[]? yaml, object target)
    {
        var text = yaml is null ? string.Empty : DecodeUtf8(yaml);
        if (string.IsNullOrWhiteSpace(text))
        {
            return target;
        }

        // A factory that hands out the default object for the root lets YAML override only the keys it has; one
        // deserializer per call because the factory holds that object (and configuration changes are rare).
        var deserializer = new DeserializerBuilder()
            .WithNamingConvention(UnderscoredNamingConvention.Instance)
            .IgnoreUnmatchedProperties()
            .WithObjectFactory(new RootObjectFactory(target))
            .Build();
        return deserializer.Deserialize(text, ConfigType) ?? target;
    }

    /// <summary>
    /// YAML is Unicode text: bytes that are not UTF-8 are refused, as Gotify's decoder refuses them ("invalid leading
    /// UTF-8 octet"), instead of becoming U+FFFD in the plugin's configuration while the stored bytes stay broken.
    /// </summary>
    private static string DecodeUtf8(byte[] yaml)
    {
        try
        {
            return StrictUtf8.GetString(yaml);
        }
        catch (DecoderFallbackException e)
        {
            throw new YamlException($"yaml: the configuration is not UTF-8 text (invalid byte at offset {e.Index})");
        }
    }

    /// <summary>Returns the given root object the first time its type is asked for, new objects otherwise.</summary>
    private sealed class RootObjectFactory(object root) : ObjectFactoryBase
    {
        private readonly DefaultObjectFactory fallback = new();
        private bool rootUsed;

        public override object Create(Type type)
        {
            if (!rootUsed && type == root.GetType())
            {
                rootUsed = true;
                return root;
            }

            return fallback.Create(type);
        }
    }
}

/// <summary>The typed half of <see cref="ConfigAdapter"/>.</summary>
internal sealed class ConfigAdapter<TConfig>(IConfigurer<TConfig> configurer) : ConfigAdapter
    where TConfig : class
{
    public override Type ConfigType => typeof(TConfig);

    public override object DefaultConfig() => configurer.DefaultConfig();

    public override Task ValidateAndSetAsync(object config, CancellationToken cancellationToken) =>
        configurer.ValidateAndSetConfigAsync((TConfig)config, cancellationToken);
}
