using System.Text.Json;
using Herald.Server.Http.Json;
using Herald.Server.Model;

namespace Herald.Server.Http;

/// <summary>Maps stored rows to Gotify's JSON shapes.</summary>
internal static class MessageMapper
{
    public static MessageJson ToJson(Message m) => new(m.Id, m.ApplicationId, m.Text, m.Title, m.Priority, Extras(m.Extras), m.Date);

    /// <summary>
    /// Go's decoder limit: Gotify stored nothing deeper. Parsing is iterative, so the depth costs no stack, and the
    /// extras are written verbatim (<see cref="VerbatimJsonConverter"/>), so no writer limit applies.
    /// </summary>
    private static readonly JsonDocumentOptions StoredExtras = new() { MaxDepth = 10_000 };

    /// <summary>Extras as stored; an empty or unreadable object is omitted, as Gotify does.</summary>
    private static JsonElement? Extras(byte[]? extras)
    {
        if (extras is null || extras.Length == 0)
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(extras, StoredExtras);
            return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.EnumerateObject().Any()
                ? document.RootElement.Clone()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
