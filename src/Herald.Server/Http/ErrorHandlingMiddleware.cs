using Herald.Server.Model;

namespace Herald.Server.Http;

/// <summary>
/// Makes every failure a Gotify error JSON: <see cref="ApiException"/>s, malformed or oversized requests that the
/// framework rejects, unknown routes and methods (404 "page not found", as Gotify has no 405), and unexpected
/// exceptions (500 without internals, logged). No request can crash the server.
/// </summary>
internal sealed class ErrorHandlingMiddleware
{
    private readonly RequestDelegate next;
    private readonly ILogger<ErrorHandlingMiddleware> logger;

    public ErrorHandlingMiddleware(RequestDelegate next, ILogger<ErrorHandlingMiddleware> logger)
    {
        this.next = next;
        this.logger = logger;
    }

    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
            var unmatched = (context.Response.StatusCode == 404 && context.GetEndpoint() is null) || context.Response.StatusCode == 405;
            if (unmatched && !context.Response.HasStarted && context.Response.ContentLength is null or 0)
            {
                context.Response.Headers.Remove("Allow");
                await ErrorResponse.WriteAsync(context, 404, "page not found");
            }
        }
        catch (ApiException e)
        {
            await WriteAsync(context, e.StatusCode, e.Message);
        }
        catch (RuleException e)
        {
            await WriteAsync(context, StatusCodes.Status400BadRequest, e.Message);
        }
        catch (UnstorableValueException e)
        {
            await WriteAsync(context, StatusCodes.Status400BadRequest, e.Message);
        }
        catch (BadHttpRequestException e)
        {
            // Kestrel's verdict on the request itself, wherever the body was read (a route, the form reader, a
            // plugin's webhook): its status with a fixed text, never the exception's own.
            await WriteAsync(context, e.StatusCode, BadRequestDescription(e.StatusCode));
        }
        catch (Exception e) when (e is OperationCanceledException or IOException && context.RequestAborted.IsCancellationRequested)
        {
            // The client went away (mid-body, the reset surfaces as an IOException); there is nobody to answer.
        }
        catch (Exception e)
        {
            logger.LogError(e, "Unhandled error on {Method} {Path}", context.Request.Method, context.Request.Path);
            await WriteAsync(context, 500, "an internal error occurred");
        }
    }

    private static string BadRequestDescription(int status) => status switch
    {
        StatusCodes.Status413PayloadTooLarge => "request body too large",
        StatusCodes.Status408RequestTimeout => "the request body arrived too slowly",
        _ => "the request could not be read",
    };

    private static async Task WriteAsync(HttpContext context, int status, string description)
    {
        if (context.Response.HasStarted)
        {
            context.Abort();
            return;
        }

        context.Response.Clear();
        await ErrorResponse.WriteAsync(context, status, description);
    }
}
