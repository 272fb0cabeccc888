using Herald.PluginHosting.Compatibility;
using Herald.PluginSdk.Tests.Infrastructure;
using Herald.PluginTool.Servers;

namespace Herald.PluginSdk.Tests;

/// <summary>How the tool turns a server's deps.json into what the server's checker compares packages against.</summary>
public sealed class ServerDescriptionTests
{
    [Fact]
    public void Load_BuiltServerDepsJson_DescribesThisServer()
    {
        // The real deps.json beside herald.dll must yield the API version and runtime the running server reports.
        var target = ServerTarget.Load(Path.Combine(Path.GetDirectoryName(Repository.ServerDll)!, "herald.deps.json"), null);

        Assert.Equal("herald", target.Description.ServerName);
        Assert.Equal(System.Reflection.AssemblyName.GetAssemblyName(Path.Combine(Path.GetDirectoryName(Repository.ServerDll)!, "Herald.PluginApi.dll")).Version, target.Environment.PluginApiVersion);
        Assert.Equal(Environment.Version, target.Environment.RuntimeVersion);
        Assert.False(target.FrameworkApproximated);
        Assert.True(target.Environment.SharedAssemblies.ContainsKey("Microsoft.AspNetCore.Http.Abstractions"));
        Assert.False(target.Environment.SharedAssemblies.ContainsKey("YamlDotNet"), "the server's private dependencies are not shared with plugins");
    }

    [Fact]
    public void Load_RidSpecificDepsJson_TakesItsPlatform()
    {
        // A server published for linux-arm64 runs as Arm64 whatever machine the check runs on.
        using var folder = new TempDirectory("herald-sdk-deps");
        var target = ServerTarget.Load(DepsJson.Write(folder.Path, rid: "linux-arm64"), "linux-x64");

        Assert.Equal("Arm64", target.Environment.ProcessArchitecture);
        Assert.Equal(["linux-arm64", "linux", "unix-arm64", "unix", "any"], target.Environment.RuntimeIdentifiers);
    }

    [Fact]
    public void Load_FrameworkNotInstalled_ApproximatesAndSaysSo()
    {
        // Checking against a server on another .NET release must work offline, and must not pretend to be exact.
        using var folder = new TempDirectory("herald-sdk-deps");
        var target = ServerTarget.Load(DepsJson.Write(folder.Path, framework: "9.0"), null);

        Assert.True(target.FrameworkApproximated);
        Assert.Equal(new Version(9, 0, 0), target.Environment.RuntimeVersion);
        Assert.Equal(new Version(9, 0, 0, 0), target.Environment.SharedAssemblies["System.Runtime"]);
        Assert.Contains("approximated", target.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Load_NotAHeraldDepsJson_ExplainsWhy()
    {
        // A wrong file is one sentence naming it, never a stack trace.
        using var folder = new TempDirectory("herald-sdk-deps");
        var path = Path.Combine(folder.Path, "other.deps.json");
        File.WriteAllText(path, """{"runtimeTarget":{"name":".NETCoreApp,Version=v10.0"},"targets":{".NETCoreApp,Version=v10.0":{}},"libraries":{"other/1.0.0":{"type":"project"}}}""");

        var error = Assert.Throws<ServerDescriptionException>(() => ServerDescription.Load(path));
        Assert.Contains("does not list Herald.PluginApi", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FallbackChain_ThisMachine_EqualsTheServersOwn()
    {
        // The tool computes RID chains for any platform; for this one it must match what the server itself walks.
        Assert.Equal(ServerEnvironment.PortableRuntimeIdentifiers(), RuntimeIdentifiers.FallbackChain(RuntimeIdentifiers.Current()));
    }

    [Theory]
    [InlineData("linux-386")] // Gotify's 32-bit x86 target.
    [InlineData("linux-x86")] // The same under .NET's name.
    public void Refusal_X86Linux_ExplainsThereIsNoRuntime(string rid)
    {
        // The Makefile's 386 target has no .NET counterpart; the refusal must say why and what to build instead.
        var refusal = RuntimeIdentifiers.Refusal(rid);

        Assert.NotNull(refusal);
        Assert.Contains("has no .NET runtime", refusal, StringComparison.Ordinal);
        Assert.Contains("build for 'any'", refusal, StringComparison.Ordinal);
    }
}
