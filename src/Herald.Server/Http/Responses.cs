using System.Text.Json.Serialization.Metadata;
using Herald.Server.Http.Json;

namespace Herald.Server.Http;

/// <summary>Writes API answers: JSON bodies with source-generated serializers, and Gotify's empty 200.</summary>
internal static class Responses
{
    /// <summary>Writes of at most this size, each awaited, so Kestrel buffers no more than that at once.</summary>
    private const int PieceBytes = 64 * 1024;

    /// <summary>
    /// Serializes the answer into buffers of its own (<see cref="UnpooledJson"/>), then writes it with its length, in
    /// pieces that are each sent before the next is copied.
    /// </summary>
    /// <remarks>
    /// Serialized straight into the response, an answer is copied into Kestrel's 4 KB blocks whole before the first
    /// flush, and the blocks stay in Kestrel's pool afterwards: one 10 MB message left 20 MB of them. The JSON writer
    /// also asked the pipe for room for a whole string at once, which the pipe took from the shared array pool and
    /// left there (32 MB for a 10 MB message; listing five such messages, 184 MB). Small answers (one piece) cost one
    /// copy of a few hundred bytes more than before.
    /// </remarks>
    public static async Task Json<T>(HttpContext context, T value, JsonTypeInfo<T> type, int status = 200)
    {
        var json = UnpooledJson.Serialize(value, type);
        var response = context.Response;
        response.StatusCode = status;
        response.ContentType = "application/json; charset=utf-8";
        response.ContentLength = json.Length;
        while (json.Length > PieceBytes)
        {
            await response.Body.WriteAsync(json[..PieceBytes], context.RequestAborted);
            json = json[PieceBytes..];
        }

        await response.Body.WriteAsync(json, context.RequestAborted);
    }

    /// <summary>200 with an empty body; the content type stays JSON as on every API route.</summary>
    public static Task Empty(HttpContext context, int status = 200)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        return Task.CompletedTask;
    }
}
