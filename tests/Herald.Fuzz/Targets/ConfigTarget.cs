using Herald.Server.Configuration;

namespace Herald.Fuzz.Targets;

/// <summary>
/// The YAML configuration reader: the input is written as <c>config.yml</c> into a folder of its own and the settings
/// are loaded from it exactly as at start-up (<see cref="SettingsLoader.Load"/>, with an empty environment).
/// Allowed outcomes: settings, or <see cref="ConfigurationException"/> (the one sentence printed before exiting with 1).
/// Anchors and aliases are part of the input language, so YAML bombs are in scope: a hang is a finding too.
/// </summary>
internal sealed class ConfigTarget : IFuzzTarget, IDisposable
{
    // No HOME or XDG_CONFIG_HOME: the loader looks for no env file outside the folder.
    private static readonly IReadOnlyDictionary<string, string> Environment = new Dictionary<string, string>();

    private readonly TempDirectory folder = new("herald-fuzz");

    public string Name => "config";

    public Task RunAsync(byte[] input, CancellationToken cancellationToken)
    {
        File.WriteAllBytes(folder.Combine("config.yml"), input);
        try
        {
            _ = SettingsLoader.Load(Environment, folder.Path);
        }
        catch (ConfigurationException)
        {
            // A start-up error sentence naming the key: the documented outcome for a bad file.
        }

        return Task.CompletedTask;
    }

    public IEnumerable<KeyValuePair<string, byte[]>> GeneratedSeeds() => [];

    public void Dispose() => folder.Dispose();
}
