using System.Diagnostics;
using System.Reflection;
using System.Text.Json;

namespace Herald.Server.Plugins.Invocation;

/// <summary>
/// Attributes an unhandled exception (which ends the process; .NET cannot survive it) to the plugin whose code is on
/// its stack, and records that plugin in the state folder. At the next start the plugin's instances start disabled,
/// with the reason shown to their users, instead of crashing the server again.
/// </summary>
/// <param name="stateDirectory">Where the record is kept (the plugin state folder).</param>
/// <param name="modulePathOf">The module path of the plugin an assembly was loaded for; null for the server's and the framework's.</param>
/// <param name="time">Dates the crash in the reason, in the server's local time.</param>
/// <param name="logger">Logs the crash and record failures.</param>
internal sealed class CrashJournal(string stateDirectory, Func<Assembly, string?> modulePathOf, TimeProvider time, ILogger logger)
{
    private string Path => System.IO.Path.Combine(stateDirectory, "crashed-plugins.json");

    /// <summary>Hooks the process's unhandled-exception event.</summary>
    public void Attach() => AppDomain.CurrentDomain.UnhandledException += OnUnhandledException;

    public void Detach() => AppDomain.CurrentDomain.UnhandledException -= OnUnhandledException;

    /// <summary>The module path whose plugin code threw <paramref name="exception"/>, from its (and its inner exceptions') stack frames.</summary>
    public string? Attribute(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            foreach (var frame in new StackTrace(e, fNeedFileInfo: false).GetFrames())
            {
                var assembly = frame.GetMethod()?.DeclaringType?.Assembly;
                if (assembly is not null && modulePathOf(assembly) is { } modulePath)
                {
                    return modulePath;
                }
            }
        }

        return null;
    }

    /// <summary>Reads and clears the record of plugins that crashed the previous run: module path → reason.</summary>
    public IReadOnlyDictionary<string, string> TakeRecords()
    {
        try
        {
            if (!File.Exists(Path))
            {
                return new Dictionary<string, string>();
            }

            var records = JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(Path)) ?? [];
            File.Delete(Path);
            return records;
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException)
        {
            logger.LogWarning(e, "Could not read the plugin crash record {Path}", Path);
            return new Dictionary<string, string>();
        }
    }

    private void OnUnhandledException(object sender, UnhandledExceptionEventArgs args)
    {
        if (args.ExceptionObject is not Exception exception || Attribute(exception) is not { } modulePath)
        {
            return;
        }

        var reason = $"it crashed the server on {time.GetLocalNow():yyyy-MM-dd HH:mm:ss zzz} with an unhandled {exception.GetType().Name} on a thread it started itself: {exception.Message}";
        logger.LogCritical(exception, "Plugin {ModulePath} crashed the server: unhandled exception on a thread it started itself; it will start disabled", modulePath);
        try
        {
            Directory.CreateDirectory(stateDirectory);
            var records = File.Exists(Path) ? JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(Path)) ?? [] : [];
            records[modulePath] = reason;
            File.WriteAllText(Path, JsonSerializer.Serialize(records));
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException)
        {
            logger.LogError(e, "Could not record the crash of plugin {ModulePath}", modulePath);
        }
    }
}
