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
    /// Refuses collections nested deeper than <see cref="MaxDepth"/>. The representation model builds nested nodes by
    /// recursion, so 100,000 <c>[</c> (200 KB) overflowed the stack and aborted the process; the parser itself is
    /// iterative, so counting its events before the model sees them is enough.
    /// </summary>
    private sealed class DepthLimitedParser(IParser inner) : IParser
    {
        private int depth;

        public ParsingEvent? Current => inner.Current;

        public bool MoveNext()
        {
            if (!inner.MoveNext())
            {
                return false;
            }

            switch (inner.Current)
            {
                case SequenceStart or MappingStart when ++depth > MaxDepth:
                    throw new YamlException(inner.Current.Start, inner.Current.End, $"collections are nested deeper than {MaxDepth} levels");
                case SequenceEnd or MappingEnd:
                    depth--;
                    break;
            }

            return true;
        }
    }
}
