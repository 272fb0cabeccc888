using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Herald.Server.Configuration;

/// <summary>
/// A YAML parser that refuses collections nested deeper than <see cref="MaxDepth"/>. YamlDotNet's representation model
/// builds nested nodes by recursion, so a file of 100,000 <c>[</c> (200 KB) overflowed the stack and killed the process
/// instead of giving the one-line start-up error; the scanner itself is iterative, so counting the events before the
/// model sees them is enough.
/// </summary>
internal sealed class DepthLimitedParser(IParser inner) : IParser
{
    /// <summary>Gotify's deepest key is four levels down (server.ssl.letsencrypt.hosts) plus one for a list or map value.</summary>
    public const int MaxDepth = 32;

    private int depth;

    public ParsingEvent? Current => inner.Current;

    /// <exception cref="YamlException">The next collection would be nested deeper than <see cref="MaxDepth"/>.</exception>
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
