namespace Herald.Server.Http;

/// <summary>
/// Ends a request with Gotify's error JSON. Thrown by handlers, binding and authentication; the error middleware
/// writes it, so nothing after the throw runs and nothing is stored half-way.
/// </summary>
public sealed class ApiException : Exception
{
    public ApiException(int statusCode, string description)
        : base(description)
    {
        StatusCode = statusCode;
    }

    public int StatusCode { get; }

    public static ApiException BadRequest(string description) => new(StatusCodes.Status400BadRequest, description);

    public static ApiException NotFound(string description) => new(StatusCodes.Status404NotFound, description);

    public static ApiException Forbidden(string description) => new(StatusCodes.Status403Forbidden, description);

    public static ApiException Unauthorized(string description) => new(StatusCodes.Status401Unauthorized, description);
}
