using System.Text;

namespace Herald.Server.Model;

/// <summary>
/// One size limit for the text fields on every engine: Gotify's columns for message, title, names and description are
/// <c>text</c>, which MySQL caps at 65,535 bytes (longer values fail in strict mode and are cut in the others) while
/// SQLite and PostgreSQL take far more. A message that one engine stores and another refuses would make moving an
/// installation lossy, so every engine refuses what MySQL cannot hold, with a 400 before anything is stored.
/// </summary>
public static class TextLimit
{
    /// <summary>MySQL's <c>text</c>: the most UTF-8 bytes a field may hold.</summary>
    public const int MaxBytes = 65_535;

    /// <summary>Throws <see cref="UnstorableValueException"/> when <paramref name="value"/> is longer than <see cref="MaxBytes"/>.</summary>
    public static string Check(string field, string value)
    {
        // Three bytes per UTF-16 unit at most: the count is needed only for texts that might be too long.
        if (value.Length * 3 > MaxBytes && Encoding.UTF8.GetByteCount(value) is var bytes && bytes > MaxBytes)
        {
            throw new UnstorableValueException($"the {field} is {bytes} bytes long; a text field holds at most {MaxBytes} bytes on every database engine (the size of MySQL's text column)");
        }

        return value;
    }
}
