namespace Herald.Server.Tests.Architecture;

/// <summary>An arrow that runs up the stack: code in a lower layer naming something of a higher one.</summary>
public sealed record LayerViolation(string FromLayer, string ToLayer, NamespaceUse Use)
{
    public override string ToString() => $"{FromLayer} -> {ToLayer}: {Use.File}:{Use.Line} uses {Use.Used}";
}

/// <summary>
/// A declared stack of layers, lowest first. A layer is the first namespace segment under the root
/// (<c>Herald.Server.Plugins.Http</c> is in <c>Plugins</c>), or the root itself; code may use its own layer and those
/// below it, and the listed exceptions. Anything else is a violation; a namespace in no layer is one too, so a new folder must be placed.
/// </summary>
public sealed class LayerStack
{
    private readonly string root;
    private readonly string[] layers;
    private readonly HashSet<(string From, string To)> exceptions;

    public LayerStack(string root, IReadOnlyList<string> layers, IEnumerable<(string From, string To, string Why)>? exceptions = null)
    {
        this.root = root;
        this.layers = [.. layers];
        this.exceptions = (exceptions ?? []).Select(e => (e.From, e.To)).ToHashSet();
    }

    /// <summary>The layer of a namespace: the segment after the root, or the root itself for the entry point.</summary>
    public string LayerOf(string ns)
    {
        if (ns.Length == 0 || ns == root)
        {
            return root;
        }

        var rest = ns.StartsWith(root + ".", StringComparison.Ordinal) ? ns[(root.Length + 1)..] : ns;
        return rest.Split('.')[0];
    }

    /// <summary>Every use among <paramref name="uses"/> whose arrow does not point down (or sideways within a layer).</summary>
    public IReadOnlyList<LayerViolation> Check(IEnumerable<NamespaceUse> uses)
    {
        var violations = new List<LayerViolation>();
        foreach (var use in uses)
        {
            var from = LayerOf(use.FromNamespace);
            var to = LayerOf(use.ToNamespace);
            if (from == to || exceptions.Contains((from, to)))
            {
                continue;
            }

            var fromRank = Rank(from);
            var toRank = Rank(to);
            if (fromRank < 0 || toRank < 0 || toRank > fromRank)
            {
                violations.Add(new LayerViolation(from, to, use));
            }
        }

        return violations;
    }

    /// <summary>The violations grouped by arrow, the first ten uses of each one a line, for an assertion message.</summary>
    public static string Describe(IEnumerable<LayerViolation> violations) =>
        string.Join(
            Environment.NewLine,
            violations
                .GroupBy(v => (v.FromLayer, v.ToLayer))
                .OrderBy(g => g.Key.FromLayer, StringComparer.Ordinal).ThenBy(g => g.Key.ToLayer, StringComparer.Ordinal)
                .SelectMany(g =>
                {
                    var lines = g.Select(v => "  " + v).Distinct().ToList();
                    var shown = lines.Take(10).Prepend($"{g.Key.FromLayer} -> {g.Key.ToLayer} ({lines.Count} uses):");
                    return lines.Count > 10 ? shown.Append($"  ... and {lines.Count - 10} more") : shown;
                }));

    // The root namespace sits where the table puts it, or, when the table leaves it out (the entry point), on top.
    private int Rank(string layer)
    {
        var rank = Array.IndexOf(layers, layer);
        return rank >= 0 || layer != root ? rank : layers.Length;
    }
}
