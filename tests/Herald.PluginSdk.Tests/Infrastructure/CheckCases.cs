namespace Herald.PluginSdk.Tests.Infrastructure;

/// <summary>
/// Small plugin projects, one per thing the server's check refuses, written into the workspace and built with one
/// <c>dotnet build</c> against the packed SDK. Broken ones are built with packaging off (the SDK would refuse them),
/// so the test can hand their output to the check.
/// </summary>
public sealed class CheckCases
{
    private const string Factory = """
        using Herald.PluginApi;

        namespace Cases;

        [PluginInfo("herald.test/NAME", Name = "NAME", Version = "1.0.0")]
        public sealed class Factory : IPluginFactory
        {
            public IPlugin Create(UserContext user, IPluginContext context) => new Instance();
        }

        public sealed class Instance : IPlugin
        {
            public Task EnableAsync(CancellationToken cancellationToken) => Task.CompletedTask;

            public Task DisableAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        }
        """;

    private CheckCases(string root) => Root = root;

    /// <summary>The folder holding the case projects.</summary>
    public string Root { get; }

    /// <summary>The build output folder of case <paramref name="name"/>.</summary>
    public string Output(string name) => Path.Combine(Root, name, "bin", "Release", "net10.0");

    /// <summary>The entry assembly of case <paramref name="name"/>.</summary>
    public string Dll(string name) => Path.Combine(Output(name), $"{name}.dll");

    /// <summary>The zip the SDK packed for the good case.</summary>
    public string GoodZip => Path.Combine(Root, "Good", "bin", "Release", "Good-1.0.0-any.zip");

    /// <summary>Writes and builds the cases.</summary>
    public static async Task<CheckCases> BuildAsync(PackedPackages packages)
    {
        var cases = new CheckCases(packages.NewFolder("check-cases"));
        var sdk = $"""<PackageReference Include="Herald.PluginSdk" Version="{packages.Version}" />""";

        // A working plugin with a private dependency (YamlDotNet), packed by the SDK.
        cases.Project("Good", $"""<ItemGroup>{sdk}<PackageReference Include="YamlDotNet" Version="18.1.0" /></ItemGroup>""", Factory.Replace("NAME", "good", StringComparison.Ordinal) + """

            public static class UsesYaml
            {
                public static string Yaml() => new YamlDotNet.Serialization.SerializerBuilder().Build().Serialize(new { a = 1 });
            }
            """);
        cases.Project("NoType", $"<ItemGroup>{sdk}</ItemGroup>", "namespace Cases; public sealed class NotAPlugin { public Herald.PluginApi.UserContext? User { get; set; } }", pack: false);
        cases.Project("TwoTypes", $"<ItemGroup>{sdk}</ItemGroup>", Factory.Replace("NAME", "two", StringComparison.Ordinal) + """

            [PluginInfo("herald.test/two-b")]
            public sealed class SecondFactory : IPluginFactory
            {
                public IPlugin Create(UserContext user, IPluginContext context) => new Instance();
            }
            """, pack: false);
        cases.Project("NoInfo", $"<ItemGroup>{sdk}</ItemGroup>", Factory.Replace("[PluginInfo(\"herald.test/NAME\", Name = \"NAME\", Version = \"1.0.0\")]", string.Empty, StringComparison.Ordinal), pack: false);
        cases.Project("NewerFramework", $"<PropertyGroup><GenerateTargetFrameworkAttribute>false</GenerateTargetFrameworkAttribute></PropertyGroup><ItemGroup>{sdk}</ItemGroup>", WithAssemblyAttribute(Factory.Replace("NAME", "newer-framework", StringComparison.Ordinal), "[assembly: System.Runtime.Versioning.TargetFramework(\".NETCoreApp,Version=v99.0\")]"), pack: false);
        cases.Project("OldFramework", $"<PropertyGroup><GenerateTargetFrameworkAttribute>false</GenerateTargetFrameworkAttribute></PropertyGroup><ItemGroup>{sdk}</ItemGroup>", WithAssemblyAttribute(Factory.Replace("NAME", "old-framework", StringComparison.Ordinal), "[assembly: System.Runtime.Versioning.TargetFramework(\".NETFramework,Version=v4.8\")]"), pack: false);
        cases.Project("NewerShared", $"""<ItemGroup>{sdk}<PackageReference Include="Microsoft.Extensions.Logging.Abstractions" Version="11.0.0" /></ItemGroup>""", Factory.Replace("NAME", "newer-shared", StringComparison.Ordinal) + """

            public static class UsesLogging
            {
                public static object Logger() => Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
            }
            """, pack: false);
        cases.Project("Native", $"""<ItemGroup>{sdk}<None Include="libcase.so" Link="runtimes/linux-s390x/native/libcase.so" CopyToOutputDirectory="PreserveNewest" /></ItemGroup>""", Factory.Replace("NAME", "native", StringComparison.Ordinal), pack: false);
        await File.WriteAllTextAsync(Path.Combine(cases.Root, "Native", "libcase.so"), "not really a library");

        // Herald.PluginApi's own sources one minor ahead, and a plugin compiled against that.
        var api = Path.Combine(Repository.Root, "src", "Herald.PluginApi");
        cases.Project("FakeApi", $"""<PropertyGroup><AssemblyName>Herald.PluginApi</AssemblyName><AssemblyVersion>1.99.0.0</AssemblyVersion><EnableDynamicLoading>false</EnableDynamicLoading></PropertyGroup><ItemGroup><Compile Include="{api}/*.cs" /><FrameworkReference Include="Microsoft.AspNetCore.App" /></ItemGroup>""", null, pack: false);
        cases.Project("ApiNewerMinor", """<PropertyGroup><EnableDynamicLoading>true</EnableDynamicLoading></PropertyGroup><ItemGroup><ProjectReference Include="../FakeApi/FakeApi.csproj" Private="false" /><FrameworkReference Include="Microsoft.AspNetCore.App" /></ItemGroup>""", Factory.Replace("NAME", "api-newer-minor", StringComparison.Ordinal), pack: false);

        await File.WriteAllTextAsync(Path.Combine(cases.Root, "Cases.slnx"), "<Solution>" + string.Concat(Directory.GetDirectories(cases.Root).Select(d => $"<Project Path=\"{Path.GetFileName(d)}/{Path.GetFileName(d)}.csproj\" />")) + "</Solution>");
        (await DotnetCli.RunAsync(cases.Root, "build", "Cases.slnx", "-c", "Release")).EnsureSuccess("dotnet build of the check cases");
        return cases;
    }

    private static string WithAssemblyAttribute(string code, string attribute) =>
        code.Replace("using Herald.PluginApi;", "using Herald.PluginApi;\n\n" + attribute, StringComparison.Ordinal);

    private void Project(string name, string body, string? code, bool pack = true)
    {
        var folder = Path.Combine(Root, name);
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, name + ".csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
                <Nullable>enable</Nullable>
                <HeraldPluginPackOnBuild>{(pack ? "true" : "false")}</HeraldPluginPackOnBuild>
              </PropertyGroup>
              {body}
            </Project>
            """);
        if (code is not null)
        {
            File.WriteAllText(Path.Combine(folder, "Plugin.cs"), code);
        }
    }
}
