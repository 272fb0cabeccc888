using System.Text.Json.Serialization;
using Herald.Bench.Ceiling;

// Minimal ASP.NET Core app answering `POST /message` like Herald does, but with no auth and no storage:
// it binds the JSON body, assigns an id and the server date, and returns the Message JSON.
// `GET /health` answers like Gotify's so the benchmark can wait for readiness the same way.
// `GET /stream` (debug aid only) is a websocket that receives every posted message, like Gotify's stream.
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, CeilingJsonContext.Default));

var app = builder.Build();
app.UseWebSockets();

long nextId = 0;
var streams = new StreamHub();

app.MapGet("/health", () => new HealthBody("green", "green"));

app.MapPost("/message", async (CreateMessage body) =>
{
    if (string.IsNullOrEmpty(body.Message))
    {
        return Results.BadRequest(new ErrorBody("Bad Request", 400, "Field 'message' is required"));
    }
    var msg = new Message(
        Interlocked.Increment(ref nextId),
        1,
        body.Message,
        string.IsNullOrWhiteSpace(body.Title) ? "bench" : body.Title,
        body.Priority ?? 0,
        DateTimeOffset.Now);
    await streams.BroadcastAsync(msg);
    return Results.Ok(msg);
});

app.Map("/stream", async (HttpContext ctx) =>
{
    if (!ctx.WebSockets.IsWebSocketRequest)
    {
        ctx.Response.StatusCode = 400;
        return;
    }
    using var ws = await ctx.WebSockets.AcceptWebSocketAsync();
    await streams.RunAsync(ws, ctx.RequestAborted);
});

await app.RunAsync();

namespace Herald.Bench.Ceiling
{
    internal sealed record CreateMessage(string? Message, string? Title, int? Priority, long? Appid);

    internal sealed record Message(
        long Id,
        long Appid,
        [property: JsonPropertyName("message")] string Text,
        string Title,
        int Priority,
        DateTimeOffset Date);

    internal sealed record HealthBody([property: JsonPropertyName("health")] string Status, string Database);

    internal sealed record ErrorBody(string Error, int ErrorCode, string ErrorDescription);

    [JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web)]
    [JsonSerializable(typeof(CreateMessage))]
    [JsonSerializable(typeof(Message))]
    [JsonSerializable(typeof(HealthBody))]
    [JsonSerializable(typeof(ErrorBody))]
    internal sealed partial class CeilingJsonContext : JsonSerializerContext;

    /// <summary>Debug-only websocket fan-out (every stream gets every message).</summary>
    internal sealed class StreamHub
    {
        private readonly Lock _gate = new();
        private System.Net.WebSockets.WebSocket[] _sockets = [];

        public async Task BroadcastAsync(Message msg)
        {
            var current = Volatile.Read(ref _sockets);
            if (current.Length == 0)
            {
                return;
            }
            var bytes = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(msg, CeilingJsonContext.Default.Message);
            foreach (var ws in current)
            {
                try
                {
                    await ws.SendAsync(bytes, System.Net.WebSockets.WebSocketMessageType.Text, true, CancellationToken.None);
                }
                catch (System.Net.WebSockets.WebSocketException)
                {
                    // The stream is closing; RunAsync removes it.
                }
            }
        }

        public async Task RunAsync(System.Net.WebSockets.WebSocket ws, CancellationToken ct)
        {
            lock (_gate)
            {
                _sockets = [.. _sockets, ws];
            }
            try
            {
                var buffer = new byte[64];
                while (ws.State == System.Net.WebSockets.WebSocketState.Open)
                {
                    var r = await ws.ReceiveAsync(buffer, ct);
                    if (r.MessageType == System.Net.WebSockets.WebSocketMessageType.Close)
                    {
                        await ws.CloseOutputAsync(System.Net.WebSockets.WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
                        break;
                    }
                }
            }
            catch (Exception e) when (e is System.Net.WebSockets.WebSocketException or OperationCanceledException)
            {
                // Client went away.
            }
            finally
            {
                lock (_gate)
                {
                    _sockets = [.. _sockets.Where(s => s != ws)];
                }
            }
        }
    }
}
