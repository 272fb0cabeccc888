using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace Herald.Server.Configuration;

/// <summary>
/// Loads YAML that nobody has checked (config.yml, YAML lists and maps in variables) so that any malformed input ends
/// as one <see cref="YamlException"/>: the caller turns it into the one-line start-up error.
/// </summary>
internal static class SafeYaml
{
    /// <summary>Gotify's deepest key is four levels down (server.ssl.letsencrypt.hosts), plus one for a list or map value.</summary>
    public const int MaxDepth = 32;

    /// <exception cref="YamlException">The text is not YAML, or nests collections deeper than <see cref="MaxDepth"/>.</exception>
    /// <exception cref="IOException">The reader failed.</exception>
    public static YamlStream Load(TextReader reader)
    {
        var stream = new YamlStream();
        var parser = new DepthLimitedParser(new Parser(reader));
        try
        {
            stream.Load(parser);
        }
        catch (Exception e) when (e is not (YamlException or IOException or OutOfMemoryException))
        {
            // YamlDotNet's scanner and representation model throw InvalidOperationException on some malformed flow
            // collections and ArgumentException on an alias used as an implicit key (`b: *p: *q`, found by the config
            // fuzz target). They describe the input, not a fault of the server.
            var at = parser.Current?.Start ?? Mark.Empty;
            throw new YamlException(at, at, e.Message, e);
        }

        return stream;
    }

    /// <summary>
    /// Checks the parser's events before YamlDotNet's representation model sees them, which it builds by recursion and
    /// indexes by hashing whole nodes. Both rules were found by the config fuzz target:
    /// <list type="bullet">
    /// <item>no collection nested deeper than <see cref="MaxDepth"/>: 100,000 <c>[</c> (200 KB) overflowed the stack;</item>
    /// <item>mapping keys are plain scalars, not lists, maps or aliases: a key is hashed and compared as a whole tree, so
    /// an alias to an anchor that contains itself (<c>&amp;a [*a]</c>) recursed without end (stack overflow), and an
    /// alias bomb as a key would hash 9^9 nodes. No setting has such a key.</item>
    /// </list>
    /// The parser itself is iterative, so counting and tracking its events is enough.
    /// </summary>
    private sealed class DepthLimitedParser(IParser inner) : IParser
    {
        private readonly Stack<Collection> open = new();

        public ParsingEvent? Current => inner.Current;

        public bool MoveNext()
        {
            if (!inner.MoveNext())
            {
                return false;
            }

            var current = inner.Current!;
            switch (current)
            {
                case Scalar or AnchorAlias:
                    CheckKey(current);
                    NodeDone();
                    break;
                case SequenceStart or MappingStart:
                    CheckKey(current);
                    if (open.Count >= MaxDepth)
                    {
                        throw new YamlException(current.Start, current.End, $"collections are nested deeper than {MaxDepth} levels");
                    }

                    open.Push(new Collection(current is MappingStart));
                    break;
                case SequenceEnd or MappingEnd:
                    open.Pop();
                    NodeDone();
                    break;
            }

            return true;
        }

        private void CheckKey(ParsingEvent node)
        {
            if (open.TryPeek(out var parent) && parent.IsMapping && parent.ExpectsKey && node is not Scalar)
            {
                throw new YamlException(node.Start, node.End, "a mapping key must be a plain value, not a list, a map or an alias");
            }
        }

        // A complete node in a mapping switches it between key and value.
        private void NodeDone()
        {
            if (open.TryPeek(out var parent) && parent.IsMapping)
            {
                parent.ExpectsKey = !parent.ExpectsKey;
            }
        }

        private sealed class Collection(bool isMapping)
        {
            public bool IsMapping { get; } = isMapping;

            public bool ExpectsKey { get; set; } = true;
        }
    }
}
