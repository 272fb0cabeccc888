namespace Herald.PluginHosting.Compatibility;

/// <summary>
/// Every sentence the compatibility check produces, in one place so that wording stays consistent and tests can pin it.
/// Each names the plugin file, what it was built with, what this server provides, and what to do.
/// </summary>
internal static class CompatibilityMessages
{
    public static string Package(string file, string problem, string remedy) => $"Plugin '{file}' {problem}; {remedy}.";

    public static string NotAPlugin(string file) =>
        $"Plugin '{file}' is not a plugin: Herald loads .zip packages, folders with a plugin.json and single .dll files; remove it from the plugins folder or rename it to start with a dot.";

    public static string MissingManifest(string file) =>
        $"Plugin '{file}' has no {PluginManifest.FileName} at its root; build the package with the Herald plugin SDK, or put a single plugin .dll without dependencies into the plugins folder instead.";

    public static string InvalidManifest(string file, string detail) =>
        $"Plugin '{file}' has an invalid {PluginManifest.FileName} ({detail}); rebuild the package with the Herald plugin SDK.";

    public static string MissingEntryAssembly(string file, string entry) =>
        $"Plugin '{file}' names {entry} as its entry assembly in {PluginManifest.FileName}, but the package does not contain it; rebuild the package with the Herald plugin SDK.";

    public static string MissingFile(string file, string path) =>
        $"Plugin '{file}' is incomplete: {path} is listed in {PluginManifest.FileName} but missing; copy the package again or rebuild it.";

    public static string HashMismatch(string file, string path) =>
        $"Plugin '{file}' is damaged or was modified: {path} does not match its SHA-256 in {PluginManifest.FileName}; copy the package again or rebuild it.";

    public static string NotAnAssembly(string file, string assembly, string reason) =>
        $"Plugin '{file}': {assembly} is not a .NET assembly ({reason}); a Herald plugin is a .NET class library built against Herald.PluginApi.";

    public static string WrongArchitecture(string file, string assembly, string built, string rid, string process, string serverRid) =>
        $"Plugin '{file}' was built for {built} ({assembly}{(rid.Length > 0 ? $", runtime identifier {rid}" : string.Empty)}), but this server runs on {process} ({serverRid}); rebuild it without a runtime identifier (AnyCPU) or for {serverRid}.";

    public static string FrameworkTooNew(string file, string built, Version runtime) =>
        $"Plugin '{file}' targets {built}, but this server runs on .NET {runtime}; rebuild it for net{runtime.Major}.{runtime.Minor} or upgrade Herald.";

    public static string WrongFramework(string file, string built, Version runtime) =>
        $"Plugin '{file}' targets {built}, which this server cannot load; rebuild it for net{runtime.Major}.{runtime.Minor}.";

    public static string NoApiReference(string file, string assembly, Version server) =>
        $"Plugin '{file}': {assembly} does not reference Herald.PluginApi, so it cannot contain a plugin; reference Herald.PluginApi {server.Major}.{server.Minor} and implement IPluginFactory.";

    public static string ApiMinorTooNew(string file, Version built, Version server) =>
        $"Plugin '{file}' was built against Herald.PluginApi {built.Major}.{built.Minor}, but this server provides Herald.PluginApi {server.Major}.{server.Minor}; upgrade Herald to a version that ships plugin API {built.Major}.{built.Minor} or later, or rebuild the plugin against Herald.PluginApi {server.Major}.{server.Minor}.";

    public static string ApiMajorMismatch(string file, Version built, Version server) =>
        $"Plugin '{file}' was built against Herald.PluginApi {built.Major}.{built.Minor} (plugin API v{built.Major}), but this server implements plugin API v{server.Major} (Herald.PluginApi {server.Major}.{server.Minor}); " +
        (built.Major < server.Major
            ? $"rebuild the plugin against Herald.PluginApi {server.Major}.{server.Minor}, or use a Herald version that implements plugin API v{built.Major}."
            : $"upgrade Herald to a version that implements plugin API v{built.Major}.");

    public static string SharedAssemblyTooNew(string file, string assembly, string name, Version built, Version server) =>
        $"Plugin '{file}' was built with a newer version of the shared assembly {name} ({built}, referenced by {assembly}) than this server provides ({server}); rebuild it against the .NET version this server runs on, or upgrade Herald.";

    public static string UnresolvedReference(string file, string name, Version version) =>
        $"Plugin '{file}' needs {name} {version}, which is neither in the package nor shared by the server (Herald shares only Herald.PluginApi and the .NET and ASP.NET Core frameworks); publish the plugin with its dependencies as a .zip package.";

    public static string SharedCopyIgnored(string file, string name, Version plugin, Version server) =>
        $"Plugin '{file}' ships its own copy of {name} {plugin}, which is ignored: the server's {name} {server} is used; reference {name} with ExcludeAssets=\"runtime\" (or Private=\"false\") to leave it out of the package.";

    public static string MissingNativeLibrary(string file, string library, string rid, IEnumerable<string> available) =>
        $"Plugin '{file}' has no native library {library} for runtime identifier {rid} (it ships it only for {string.Join(", ", available)}); publish it for {rid} or add runtimes/{rid}/native/ to the package.";

    public static string NoPluginType(string file, string assembly) =>
        $"Plugin '{file}' contains no plugin type: no public class in {assembly} implements Herald.PluginApi.IPluginFactory; add one with a public parameterless constructor and a [PluginInfo] attribute.";

    public static string SeveralPluginTypes(string file, string assembly, IEnumerable<string> types) =>
        $"Plugin '{file}' contains more than one plugin type in {assembly} ({string.Join(", ", types)}); keep exactly one public class implementing Herald.PluginApi.IPluginFactory.";

    public static string UnknownInfo(string file, string type) =>
        $"Plugin '{file}' has a plugin type {type} without a [PluginInfo] attribute that names its module path, so Herald cannot tell which plugin it is; add [PluginInfo(\"your/module/path\")] to {type}.";

    public static string ManifestModulePathMismatch(string file, string manifest, string code) =>
        $"Plugin '{file}' declares module path {manifest} in {PluginManifest.FileName}, but its plugin type says {code}; rebuild the package so that both agree.";

    public static string Duplicate(string file, string modulePath, string other) =>
        $"Plugin '{file}' was not loaded: plugin with module path {modulePath} is present at least twice (also in '{other}'); remove one of them from the plugins folder.";

    public static string TypeLoadFailed(string file, string detail) =>
        $"Plugin '{file}' could not be loaded: {detail.TrimEnd('.')}; publish it with all its dependencies, built against this server's Herald.PluginApi and .NET version.";
}
