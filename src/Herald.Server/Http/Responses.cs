using System.Text.Json.Serialization.Metadata;

namespace Herald.Server.Http;

/// <summary>Writes API answers: JSON bodies with source-generated serializers, and Gotify's empty 200.</summary>
internal static class Responses
{
    public static Task Json<T>(HttpContext context, T value, JsonTypeInfo<T> type, int status = 200)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(value, type, "application/json; charset=utf-8", context.RequestAborted);
    }

    /// <summary>200 with an empty body; the content type stays JSON as on every API route.</summary>
    public static Task Empty(HttpContext context, int status = 200)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        return Task.CompletedTask;
    }
}
