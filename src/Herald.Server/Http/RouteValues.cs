using System.Globalization;

namespace Herald.Server.Http;

/// <summary>Reads path parameters as Gotify does: ids are unsigned integers, anything else is 400 "invalid id".</summary>
internal static class RouteValues
{
    public static long Id(HttpContext context, string name = "id")
    {
        var text = context.Request.RouteValues[name] as string;
        return ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id <= long.MaxValue
            ? (long)id
            : throw ApiException.BadRequest("invalid id");
    }
}
