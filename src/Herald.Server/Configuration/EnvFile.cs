using System.Text;

namespace Herald.Server.Configuration;

/// <summary>Reads dotenv files (<c>KEY=value</c> lines, <c>#</c> comments, optional <c>export</c>, single or double quotes).</summary>
internal static class EnvFile
{
    /// <exception cref="FormatException">A line is not <c>KEY=value</c>; the message names the line.</exception>
    public static Dictionary<string, string> Parse(string text)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        for (var n = 0; n < lines.Length; n++)
        {
            var line = lines[n].Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            if (line.StartsWith("export ", StringComparison.Ordinal))
            {
                line = line[7..].TrimStart();
            }

            var eq = line.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw new FormatException($"line {n + 1} is not KEY=value");
            }

            var key = line[..eq].Trim();
            var value = line[(eq + 1)..].Trim();
            if (value.StartsWith('"'))
            {
                // A double-quoted value may continue over several lines.
                var builder = new StringBuilder(value[1..]);
                while (!EndsWithUnescapedQuote(builder) && n + 1 < lines.Length)
                {
                    builder.Append('\n').Append(lines[++n]);
                }

                var inner = builder.ToString().TrimEnd();
                if (!inner.EndsWith('"'))
                {
                    throw new FormatException($"line {n + 1}: unterminated quoted value for {key}");
                }

                value = Unescape(inner[..^1]);
            }
            else if (value.StartsWith('\'') && value.Length >= 2 && value.EndsWith('\''))
            {
                value = value[1..^1];
            }
            else
            {
                var comment = value.IndexOf(" #", StringComparison.Ordinal);
                if (comment >= 0)
                {
                    value = value[..comment].TrimEnd();
                }
            }

            result[key] = value;
        }

        return result;
    }

    private static bool EndsWithUnescapedQuote(StringBuilder b)
    {
        var s = b.ToString().TrimEnd();
        return s.EndsWith('"') && (s.Length < 2 || s[^2] != '\\');
    }

    private static string Unescape(string s) => s
        .Replace("\\n", "\n", StringComparison.Ordinal)
        .Replace("\\r", "\r", StringComparison.Ordinal)
        .Replace("\\\"", "\"", StringComparison.Ordinal)
        .Replace("\\\\", "\\", StringComparison.Ordinal);
}
