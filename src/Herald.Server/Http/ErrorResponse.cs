using System.Text.Json.Serialization;
using Herald.Server.Http.Json;

namespace Herald.Server.Http;

/// <summary>Gotify's error body: <c>{"error":"Bad Request","errorCode":400,"errorDescription":"…"}</c>.</summary>
public sealed record ErrorResponse(
    [property: JsonPropertyName("error")] string Error,
    [property: JsonPropertyName("errorCode")] int ErrorCode,
    [property: JsonPropertyName("errorDescription")] string ErrorDescription)
{
    /// <summary>Go's <c>http.StatusText</c>, which Gotify puts in <c>error</c>; ASP.NET's phrases differ for a few codes.</summary>
    public static string StatusText(int status) => status switch
    {
        413 => "Request Entity Too Large",
        _ => Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status),
    };

    public static Task WriteAsync(HttpContext context, int status, string description)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(new ErrorResponse(StatusText(status), status, description), HeraldJson.Api.ErrorResponse);
    }
}
