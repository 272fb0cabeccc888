using System.Collections;

namespace Herald.Server.Configuration;

/// <summary>
/// The one place the process environment is read. Everything else takes its values from <see cref="HeraldSettings"/>,
/// which <see cref="SettingsLoader"/> fills from this snapshot: tests pass their own dictionary instead, and no setting
/// changes because a variable changed while the server runs (BannedSymbols.Server.txt bans the other readers).
/// </summary>
public static class ProcessEnvironment
{
    /// <summary>Every variable of the process, names compared ordinally as the OS does.</summary>
    public static IReadOnlyDictionary<string, string> Read()
    {
#pragma warning disable RS0030 // The banned reader, in the one place that is allowed to call it.
        var variables = Environment.GetEnvironmentVariables();
#pragma warning restore RS0030
        return variables.Cast<DictionaryEntry>()
            .ToDictionary(e => (string)e.Key, e => e.Value as string ?? string.Empty, StringComparer.Ordinal);
    }
}
