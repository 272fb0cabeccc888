namespace Herald.PluginSdk.Tests.Infrastructure;

/// <summary>Hand-made server descriptions: a herald.deps.json as a server build writes it, with the facts a test needs.</summary>
public static class DepsJson
{
    /// <summary>Writes <c>herald.deps.json</c> into <paramref name="directory"/> and returns its path.</summary>
    /// <param name="directory">Where to write it.</param>
    /// <param name="serverVersion">The herald project's version.</param>
    /// <param name="apiVersion">The Herald.PluginApi entry's version.</param>
    /// <param name="apiAssemblyVersion">Its recorded assembly version.</param>
    /// <param name="framework">The runtime target, e.g. 10.0.</param>
    /// <param name="rid">A runtime identifier for a RID-specific server build, else null.</param>
    /// <param name="packages">Further (non-shared) packages the server ships: id → version.</param>
    public static string Write(string directory, string serverVersion = "0.1.0", string apiVersion = "1.0.0", string apiAssemblyVersion = "1.0.0.0", string framework = "10.0", string? rid = null, IReadOnlyDictionary<string, string>? packages = null)
    {
        Directory.CreateDirectory(directory);
        var target = $".NETCoreApp,Version=v{framework}" + (rid is null ? string.Empty : "/" + rid);
        var extraTargets = string.Concat((packages ?? new Dictionary<string, string>()).Select(p => $$""","{{p.Key}}/{{p.Value}}": { "runtime": { "lib/net10.0/{{p.Key}}.dll": {} } }"""));
        var extraLibraries = string.Concat((packages ?? new Dictionary<string, string>()).Select(p => $$""","{{p.Key}}/{{p.Value}}": { "type": "package", "serviceable": true, "sha512": "", "path": "{{p.Key.ToLowerInvariant()}}/{{p.Value}}" }"""));
        var path = Path.Combine(directory, "herald.deps.json");
        File.WriteAllText(path, $$"""
            {
              "runtimeTarget": { "name": "{{target}}", "signature": "" },
              "compilationOptions": {},
              "targets": {
                "{{target}}": {
                  "herald/{{serverVersion}}": { "dependencies": { "Herald.PluginApi": "{{apiVersion}}" }, "runtime": { "herald.dll": {} } },
                  "Herald.PluginApi/{{apiVersion}}": { "runtime": { "Herald.PluginApi.dll": { "assemblyVersion": "{{apiAssemblyVersion}}", "fileVersion": "{{apiAssemblyVersion}}" } } }{{extraTargets}}
                }
              },
              "libraries": {
                "herald/{{serverVersion}}": { "type": "project", "serviceable": false, "sha512": "" },
                "Herald.PluginApi/{{apiVersion}}": { "type": "project", "serviceable": false, "sha512": "" }{{extraLibraries}}
              }
            }
            """);
        return path;
    }
}
