using Microsoft.CodeAnalysis;
using Xunit.Abstractions;

namespace Herald.Server.Tests.Architecture;

/// <summary>
/// The server's namespaces form a one-way stack, and the plugin domain knows no HTTP. Read from the sources with
/// Roslyn's semantic model (see <see cref="NamespaceUses"/> for why not the compiled IL); docs/architecture.md draws
/// the same table.
/// </summary>
public sealed class LayeringTests(ITestOutputHelper output)
{
    private const string Root = "Herald.Server";

    /// <summary>Lowest first: each layer may use itself and the layers before it, never one after it.</summary>
    public static readonly string[] Stack =
    [
        "Model",         // entities, Gotify's time text, the build's version, domain rule errors
        "Configuration", // settings from config.yml, env files and GOTIFY_* variables
        "Security",      // bcrypt, tokens, secure random, Gotify 3 tokens (the hasher's cost is a setting)
        "Http",          // wire shapes, the error model and middleware, the body reader: what every HTTP layer shares
        "Storage",       // the stores and the image folder
        "Services",      // the rules of each aggregate (users, applications, clients, messages) and their observers
        "Auth",          // HTTP authentication: credentials, callers, authenticated routes
        "Streaming",     // websocket fan-out
        "Plugins",       // the plugin host; its HTTP face is Plugins/Http, kept apart by the test below
        "Tls",           // Let's Encrypt
        "Api",           // the REST handlers
        "Web",           // the embedded UI
        "Hosting",       // the server's assembly: services, middleware pipeline, routes, listeners, start-up
        "Cli",           // the command line
    ];

    /// <summary>Arrows allowed against the stack, each with its reason. None is needed today.</summary>
    public static readonly (string From, string To, string Why)[] Exceptions = [];

    /// <summary>
    /// Inside <c>Plugins/</c>, lowest first: the invoker knows no loading, loading runs no plugin code, the catalog and
    /// the instances are built on both, the manager (the folder's own namespace) on all, and the HTTP face on top.
    /// </summary>
    public static readonly string[] PluginStack =
    [
        "Invocation",            // the one door into plugin code: call slots, timeouts, attribution, the crash journal
        "Loading",               // load contexts, the loader, unload tracking
        "Catalog",               // the folder: scan, stage, check, load, unload, what a change means
        "Instances",             // per-user instances: lifecycle, set-up, calls, rows, subscriptions
        Root + ".Plugins",       // the manager (lock, user events, snapshots), the host's wiring, its options
        "Http",                  // the /plugin endpoints, webhooks, Gotify's codes for refusals
    ];

    [Fact]
    public void ServerSources_SemanticModel_BindsWithoutMissingReferences()
    {
        // Were a reference missing, names would bind to nothing and the layering test below would pass blind.
        var missing = NamespaceUses.MissingReferences(ServerSources.Compilation);

        Assert.True(missing.Count == 0, string.Join(Environment.NewLine, missing.Take(20)));
        Assert.True(ServerSources.Compilation.SyntaxTrees.Count() > 100, "the server's sources were not found");
    }

    [Fact]
    public void ServerNamespaces_UsesBetweenLayers_PointOnlyDownTheStack()
    {
        var uses = NamespaceUses.Find(ServerSources.Compilation, IsServer);
        var stack = new LayerStack(Root, Stack, Exceptions);

        var violations = stack.Check(uses);

        // The derived graph, for the reader of the test log and of docs/architecture.md.
        foreach (var from in uses.GroupBy(u => stack.LayerOf(u.FromNamespace)).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var targets = from.Select(u => stack.LayerOf(u.ToNamespace)).Where(to => to != from.Key).Distinct().Order(StringComparer.Ordinal);
            output.WriteLine($"{from.Key} -> {string.Join(", ", targets)}");
        }

        Assert.True(violations.Count == 0, "Arrows running up the stack (file:line uses type):" + Environment.NewLine + LayerStack.Describe(violations));
        // Every layer of the table is used by some other layer: a layer name that matches no code would hide a typo.
        var usedLayers = uses.Select(u => stack.LayerOf(u.ToNamespace)).ToHashSet();
        Assert.All(Stack.SkipLast(1), layer => Assert.Contains(layer, usedLayers));
    }

    [Fact]
    public void PluginNamespaces_UsesBetweenParts_PointOnlyDownThePluginStack()
    {
        var plugins = Root + ".Plugins";
        var uses = NamespaceUses.Find(ServerSources.Compilation, ns => IsUnder(ns, plugins)).Where(u => IsUnder(u.FromNamespace, plugins)).ToList();
        var stack = new LayerStack(plugins, PluginStack);

        var violations = stack.Check(uses);

        Assert.True(violations.Count == 0, "Arrows running up the plugin stack (file:line uses type):" + Environment.NewLine + LayerStack.Describe(violations));
        Assert.All(PluginStack.SkipLast(1), layer => Assert.Contains(layer, uses.Select(u => stack.LayerOf(u.ToNamespace))));
    }

    [Fact]
    public void PluginDomain_OutsidePluginsHttp_UsesNoHttpTypesAndNoApiErrors()
    {
        var violations = PluginDomainViolations(ServerSources.Compilation);

        Assert.True(violations.Count == 0, "HTTP in the plugin domain (file:line namespace -> namespace (type)):" + Environment.NewLine + string.Join(Environment.NewLine, violations));
    }

    [Fact]
    public void Check_LowerLayerNamesHigherOne_ReportsFileLineAndType()
    {
        // The checker itself on a known bad input: Model naming an Api type, Storage calling an Api method, both up.
        var compilation = NamespaceUses.Compile(
            [
                ("Model/Entity.cs", "namespace Herald.Server.Model;\npublic sealed class Entity\n{\n    public Herald.Server.Api.Handler? Owner { get; set; }\n}\n"),
                ("Storage/Store.cs", "using Herald.Server.Api;\nnamespace Herald.Server.Storage;\npublic static class Store\n{\n    public static int Save() => Handler.Run();\n}\n"),
                ("Api/Handler.cs", "using Herald.Server.Model;\nnamespace Herald.Server.Api;\npublic sealed class Handler\n{\n    public static int Run() => new Entity().GetHashCode();\n}\n"),
            ],
            [MetadataReference.CreateFromFile(typeof(object).Assembly.Location)]);
        var stack = new LayerStack(Root, ["Model", "Storage", "Api"]);

        var violations = stack.Check(NamespaceUses.Find(compilation, IsServer));

        Assert.Equal(
            [
                "Model -> Api: Model/Entity.cs:4 uses Herald.Server.Api.Handler",
                "Storage -> Api: Storage/Store.cs:5 uses Herald.Server.Api.Handler",
            ],
            violations.Select(v => v.ToString()).Distinct().Order(StringComparer.Ordinal));
        Assert.Contains("Model -> Api (1 uses):", LayerStack.Describe(violations), StringComparison.Ordinal);
    }

    [Fact]
    public void Check_NamespaceInNoLayer_Reported()
    {
        // A new folder must be placed in the table before code may depend on it or it on others.
        var compilation = NamespaceUses.Compile(
            [
                ("Model/Entity.cs", "namespace Herald.Server.Model;\npublic sealed class Entity;\n"),
                ("Extra/Thing.cs", "namespace Herald.Server.Extra;\npublic sealed class Thing\n{\n    public Herald.Server.Model.Entity? Entity { get; set; }\n}\n"),
            ],
            [MetadataReference.CreateFromFile(typeof(object).Assembly.Location)]);

        var violations = new LayerStack(Root, ["Model"]).Check(NamespaceUses.Find(compilation, IsServer));

        Assert.Equal("Extra -> Model: Extra/Thing.cs:4 uses Herald.Server.Model.Entity", Assert.Single(violations).ToString());
    }

    [Fact]
    public void PluginDomain_CoreThrowsApiException_Reported()
    {
        // The plugin rule on a known bad input: a manager throwing the API's error; Plugins/Http may.
        var compilation = NamespaceUses.Compile(
            [
                ("Http/ApiException.cs", "namespace Herald.Server.Http;\npublic sealed class ApiException(string m) : System.Exception(m);\n"),
                ("Plugins/Manager.cs", "namespace Herald.Server.Plugins;\npublic static class Manager\n{\n    public static void Fail() => throw new Herald.Server.Http.ApiException(\"no\");\n}\n"),
                ("Plugins/Http/Endpoints.cs", "namespace Herald.Server.Plugins.Http;\npublic static class Endpoints\n{\n    public static void Fail() => throw new Herald.Server.Http.ApiException(\"no\");\n}\n"),
            ],
            [MetadataReference.CreateFromFile(typeof(object).Assembly.Location)]);

        var violations = PluginDomainViolations(compilation);

        Assert.Equal("Plugins/Manager.cs:4 Herald.Server.Plugins -> Herald.Server.Http (Herald.Server.Http.ApiException)", Assert.Single(violations.Distinct()).ToString());
    }

    private static bool IsServer(string ns) => ns == Root || ns.StartsWith(Root + ".", StringComparison.Ordinal);

    /// <summary>Uses of ASP.NET Core's HTTP types or of Herald's HTTP layer (the API's errors) in the plugin domain.</summary>
    private static List<NamespaceUse> PluginDomainViolations(Compilation compilation) =>
        NamespaceUses.Find(compilation, ns => IsUnder(ns, "Microsoft.AspNetCore.Http") || IsUnder(ns, Root + ".Http"))
            .Where(u => IsUnder(u.FromNamespace, Root + ".Plugins") && !IsUnder(u.FromNamespace, Root + ".Plugins.Http"))
            .ToList();

    private static bool IsUnder(string ns, string prefix) => ns == prefix || ns.StartsWith(prefix + ".", StringComparison.Ordinal);
}
