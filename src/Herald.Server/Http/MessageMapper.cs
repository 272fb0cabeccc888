using Herald.Server.Http.Json;
using Herald.Server.Model;

namespace Herald.Server.Http;

/// <summary>Maps stored rows to Gotify's JSON shapes.</summary>
internal static class MessageMapper
{
    /// <summary>The message as clients receive it; extras as stored, omitted when empty or unreadable, as Gotify does.</summary>
    public static MessageJson ToJson(Message m) => new(m.Id, m.ApplicationId, m.Text, m.Title, m.Priority, ExtrasJson.ForWire(m.Extras), m.Date);
}
