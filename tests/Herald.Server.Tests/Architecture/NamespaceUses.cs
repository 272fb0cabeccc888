using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Herald.Server.Tests.Architecture;

/// <summary>One use of a symbol: where it is (file, line, the namespace of the code) and what it names.</summary>
public sealed record NamespaceUse(string File, int Line, string FromNamespace, string ToNamespace, string Used)
{
    public override string ToString() => $"{File}:{Line} {FromNamespace} -> {ToNamespace} ({Used})";
}

/// <summary>
/// Reads C# sources with Roslyn's semantic model and lists, for every name in the code, the namespace of what it
/// binds to. The semantic model is exact where text or metadata is not: it resolves <c>using</c>s, aliases, global
/// usings, extension methods and <c>new()</c> to the symbol the compiler picks, and, unlike the compiled IL, it still
/// sees constants (inlined into IL), <c>nameof</c> and attribute arguments, each with its file and line.
/// </summary>
public static class NamespaceUses
{
    /// <summary>Compiler errors that mean a reference is missing, so some names would bind to nothing and be missed.</summary>
    private static readonly HashSet<string> MissingReference = ["CS0246", "CS0234", "CS0012", "CS0400", "CS0518"];

    /// <summary>A compilation of <paramref name="sources"/> (path, text) against <paramref name="references"/>.</summary>
    public static CSharpCompilation Compile(IEnumerable<(string Path, string Text)> sources, IEnumerable<MetadataReference> references)
    {
        var options = CSharpParseOptions.Default.WithLanguageVersion(LanguageVersion.Preview);
        var trees = sources.Select(s => CSharpSyntaxTree.ParseText(s.Text, options, s.Path)).ToList();
        return CSharpCompilation.Create(
            "layering",
            trees,
            references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
    }

    /// <summary>
    /// Errors that would make the list incomplete. Source-generated members (the JSON serializer context's type
    /// properties) are absent from a compilation without the generators; they bind to nothing, but their containing
    /// type (named in the same expression) still counts, so those errors are not among these.
    /// </summary>
    public static IReadOnlyList<Diagnostic> MissingReferences(Compilation compilation) =>
        compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error && MissingReference.Contains(d.Id)).ToList();

    /// <summary>Every use, in <paramref name="compilation"/>'s own code, of a symbol declared in a namespace that <paramref name="counts"/>.</summary>
    public static IReadOnlyList<NamespaceUse> Find(Compilation compilation, Func<string, bool> counts)
    {
        var uses = new List<NamespaceUse>();
        foreach (var tree in compilation.SyntaxTrees)
        {
            var model = compilation.GetSemanticModel(tree);
            // The code's namespace is the file's (file-scoped or the first block); usings above it belong to it too.
            var declaration = tree.GetRoot().DescendantNodes().OfType<BaseNamespaceDeclarationSyntax>().FirstOrDefault();
            var from = declaration is null ? string.Empty : declaration.Name.ToString();
            foreach (var node in tree.GetRoot().DescendantNodes())
            {
                if (node is not (SimpleNameSyntax or ImplicitObjectCreationExpressionSyntax) || node.Parent is NamespaceDeclarationSyntax or FileScopedNamespaceDeclarationSyntax or QualifiedNameSyntax { Parent: BaseNamespaceDeclarationSyntax })
                {
                    continue;
                }

                var symbol = model.GetSymbolInfo(node).Symbol ?? model.GetSymbolInfo(node).CandidateSymbols.FirstOrDefault();
                var target = TypeOf(symbol);
                if (target is null)
                {
                    continue;
                }

                var to = target.ContainingNamespace?.ToDisplayString() ?? string.Empty;
                if (counts(to))
                {
                    var line = tree.GetLineSpan(node.Span).StartLinePosition.Line + 1;
                    uses.Add(new NamespaceUse(tree.FilePath, line, from, to, target.ToDisplayString()));
                }
            }
        }

        return uses;
    }

    /// <summary>The type a name stands for: itself for a type, the containing type for a member or constructor.</summary>
    private static INamedTypeSymbol? TypeOf(ISymbol? symbol) => symbol switch
    {
        INamedTypeSymbol type => type.OriginalDefinition,
        IMethodSymbol { ReducedFrom: { } extension } => extension.ContainingType,
        IMethodSymbol or IPropertySymbol or IFieldSymbol or IEventSymbol => symbol.ContainingType?.OriginalDefinition,
        _ => null,
    };
}
