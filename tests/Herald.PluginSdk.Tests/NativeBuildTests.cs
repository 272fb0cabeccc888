using System.IO.Compression;
using System.Net.Http.Json;
using Herald.PluginSdk.Tests.Infrastructure;

namespace Herald.PluginSdk.Tests;

/// <summary>
/// Native libraries are where runtime identifiers really differ: <c>herald-plugin build</c> must give each RID's zip that
/// RID's native files, the portable zip all of them, and a server must be able to call into the one it needs.
/// </summary>
[Collection(SdkCollection.Name)]
public sealed class NativeBuildTests(PackedPackages packages)
{
    private const string Code = """
        using System.Runtime.InteropServices;
        using Herald.PluginApi;

        namespace NativeCase;

        [PluginInfo("herald.test/native-sqlite", Name = "Native SQLite", Version = "1.0.0")]
        public sealed class Factory : IPluginFactory
        {
            public IPlugin Create(UserContext user, IPluginContext context) => new Instance();
        }

        public sealed partial class Instance : IDisplayer
        {
            public Task<string> GetDisplayAsync(Uri? location, CancellationToken cancellationToken) =>
                Task.FromResult($"sqlite {LibVersionNumber()}");

            public Task EnableAsync(CancellationToken cancellationToken) => Task.CompletedTask;

            public Task DisableAsync(CancellationToken cancellationToken) => Task.CompletedTask;

            [LibraryImport("e_sqlite3", EntryPoint = "sqlite3_libversion_number")]
            private static partial int LibVersionNumber();
        }
        """;

    [Fact]
    public async Task Build_PluginWithNativeLibrary_EachZipCarriesItsNativeFiles()
    {
        var folder = packages.NewFolder("native");
        await File.WriteAllTextAsync(Path.Combine(folder, "NativeCase.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
                <AllowUnsafeBlocks>true</AllowUnsafeBlocks>
                <Nullable>enable</Nullable>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="Herald.PluginSdk" Version="{packages.Version}" />
                <PackageReference Include="SQLite" Version="3.53.4" />
              </ItemGroup>
            </Project>
            """);
        await File.WriteAllTextAsync(Path.Combine(folder, "Plugin.cs"), Code);
        var tool = Path.Combine(AppContext.BaseDirectory, "herald-plugin.dll");

        // linux-386 is refused before anything is built, with the reason.
        var refused = await DotnetCli.RunAsync(folder, tool, "build", "--rid", "linux-386");
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("linux-386 has no .NET runtime", refused.Output, StringComparison.Ordinal);

        (await DotnetCli.RunAsync(folder, tool, "build", "--rid", "linux-x64", "--rid", "linux-arm64", "--rid", "any", "-o", "dist")).EnsureSuccess("herald-plugin build");
        var dist = Path.Combine(folder, "dist");

        // A RID's zip has that RID's library, flattened next to the plugin as `dotnet build -r` lays it out.
        Assert.Equal(ElfMachine.X64, Machine(Path.Combine(dist, "NativeCase-1.0.0-linux-x64.zip"), "libe_sqlite3.so"));
        Assert.Equal(ElfMachine.Arm64, Machine(Path.Combine(dist, "NativeCase-1.0.0-linux-arm64.zip"), "libe_sqlite3.so"));
        Assert.DoesNotContain(Entries(Path.Combine(dist, "NativeCase-1.0.0-linux-x64.zip")), e => e.StartsWith("runtimes/linux-arm64/", StringComparison.Ordinal));

        // The portable zip carries every platform's copy under runtimes/<rid>/native.
        var portable = Path.Combine(dist, "NativeCase-1.0.0-any.zip");
        Assert.Equal(ElfMachine.X64, Machine(portable, "runtimes/linux-x64/native/libe_sqlite3.so"));
        Assert.Equal(ElfMachine.Arm64, Machine(portable, "runtimes/linux-arm64/native/libe_sqlite3.so"));
        Assert.Contains("runtimes/win-x64/native/e_sqlite3.dll", Entries(portable));

        // A server on this machine resolves and calls the native library from both the portable and the x64 package.
        using var data = new TempDirectory("herald-sdk-native");
        await using var server = new HeraldProcess(new HeraldStartInfo { WorkDir = data.Path, AdminPassword = null });
        await server.StartAsync();
        foreach (var zip in new[] { "NativeCase-1.0.0-any.zip", "NativeCase-1.0.0-linux-x64.zip" })
        {
            File.Copy(Path.Combine(dist, zip), Path.Combine(server.PluginsDir, zip));
            var items = await PluginApiClient.WaitForListAsync(server.Client, list => list.Any(i => i.GetProperty("modulePath").GetString() == "herald.test/native-sqlite" && i.GetProperty("status").GetString() == "ok"), TimeSpan.FromSeconds(30));
            var id = items.Single(i => i.GetProperty("modulePath").GetString() == "herald.test/native-sqlite").GetProperty("id").GetInt64();
            var display = await server.Client.GetFromJsonAsync<string>($"plugin/{id}/display");
            Assert.Matches(@"^sqlite 3\d{6}$", display);
            File.Delete(Path.Combine(server.PluginsDir, zip));
            await PluginApiClient.WaitForListAsync(server.Client, list => list.All(i => i.GetProperty("modulePath").GetString() != "herald.test/native-sqlite"), TimeSpan.FromSeconds(30));
        }
    }

    private enum ElfMachine
    {
        X64 = 62,
        Arm64 = 183,
    }

    private static List<string> Entries(string zip)
    {
        using var archive = ZipFile.OpenRead(zip);
        return archive.Entries.Select(e => e.FullName).ToList();
    }

    /// <summary>The ELF e_machine of a file in a zip.</summary>
    private static ElfMachine Machine(string zip, string entry)
    {
        using var archive = ZipFile.OpenRead(zip);
        var found = archive.GetEntry(entry) ?? throw new InvalidOperationException($"{Path.GetFileName(zip)} has no {entry}: {string.Join(", ", archive.Entries.Select(e => e.FullName))}");
        using var stream = found.Open();
        var header = new byte[20];
        stream.ReadExactly(header);
        return (ElfMachine)BitConverter.ToUInt16(header, 18);
    }
}
