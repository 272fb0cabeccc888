namespace Herald.Server.Storage;

/// <summary>
/// Fractional-index keys as Gotify (fracdex) and its web UI (npm fractional-indexing) compute them:
/// base-62 keys <c>a0, a1, …, az, b00, …</c> that sort as bytes.
/// </summary>
public static class FractionalIndex
{
    private const string Digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    /// <summary>The first key of an empty list.</summary>
    public const string First = "a0";

    /// <summary>A key that sorts after <paramref name="key"/> (or <see cref="First"/> when it is empty).</summary>
    public static string KeyAfter(string? key)
    {
        if (string.IsNullOrEmpty(key))
        {
            return First;
        }

        var integerLength = IntegerLength(key[0]);
        if (integerLength is null || integerLength > key.Length)
        {
            // Not a key this algorithm made: append a digit, which still sorts after it.
            return key + "V";
        }

        var integer = key[..integerLength.Value];
        var fraction = key[integerLength.Value..];
        return Increment(integer) ?? integer + Midpoint(fraction);
    }

    private static int? IntegerLength(char head) => head switch
    {
        >= 'a' and <= 'z' => head - 'a' + 2,
        >= 'A' and <= 'Z' => 'Z' - head + 2,
        _ => null,
    };

    private static string? Increment(string integer)
    {
        var head = integer[0];
        var digits = integer[1..].ToCharArray().ToList();
        var carry = true;
        for (var i = digits.Count - 1; carry && i >= 0; i--)
        {
            var d = Digits.IndexOf(digits[i], StringComparison.Ordinal) + 1;
            if (d == Digits.Length)
            {
                digits[i] = '0';
            }
            else
            {
                digits[i] = Digits[d];
                carry = false;
            }
        }

        if (!carry)
        {
            return head + new string(digits.ToArray());
        }

        if (head == 'Z')
        {
            return First;
        }

        if (head == 'z')
        {
            return null;
        }

        var next = (char)(head + 1);
        if (next > 'a')
        {
            digits.Add('0');
        }
        else
        {
            digits.RemoveAt(digits.Count - 1);
        }

        return next + new string(digits.ToArray());
    }

    private static string Midpoint(string a)
    {
        var digitA = a.Length > 0 ? Digits.IndexOf(a[0], StringComparison.Ordinal) : 0;
        var digitB = Digits.Length;
        if (digitB - digitA > 1)
        {
            return Digits[(int)Math.Round(0.5 * (digitA + digitB), MidpointRounding.AwayFromZero)].ToString();
        }

        return Digits[digitA] + Midpoint(a.Length > 1 ? a[1..] : string.Empty);
    }
}
