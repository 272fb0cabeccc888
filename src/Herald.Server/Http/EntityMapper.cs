using Herald.Server.Http.Json;
using Herald.Server.Model;

namespace Herald.Server.Http;

/// <summary>Maps applications, clients and users to Gotify's JSON shapes (2.x: tokens included).</summary>
internal static class EntityMapper
{
    public const string DefaultImage = "static/defaultapp.png";

    public static ApplicationJson ToJson(Application a) => new(
        a.Id,
        a.Token,
        a.Name,
        a.Description,
        a.Internal,
        a.Image.Length == 0 ? DefaultImage : "image/" + a.Image,
        a.DefaultPriority,
        a.CreatedAt,
        a.LastUsed,
        a.SortKey);

    /// <summary>A client; an elevation that already ended is hidden, as in Gotify.</summary>
    public static ClientJson ToJson(Client c, DateTimeOffset now) => new(
        c.Id,
        c.Token,
        c.Name,
        c.CreatedAt,
        c.LastUsed,
        c.ElevatedUntil > now ? c.ElevatedUntil : null,
        c.ExpiresAfterInactivitySeconds,
        c.ExpiresAt);

    public static UserJson ToJson(User u) => new(u.Id, u.Name, u.Admin, u.CreatedAt);
}
