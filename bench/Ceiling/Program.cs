using System.Net.WebSockets;
using System.Text.Json.Serialization;
using System.Threading.Channels;
using Herald.Bench.Ceiling;

// Minimal ASP.NET Core app answering `POST /message` like Herald does, but with no auth and no storage:
// it binds the JSON body, assigns an id and the server date, and returns the Message JSON.
// `GET /health` answers like Gotify's so the benchmark can wait for readiness the same way.
// `GET /stream` is a websocket that receives every posted message (any token), like Gotify's stream: the benchmark
// runs its fan-out and memory figures against it too, as the floor of what the stream client can measure here.
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
        TimeProvider.System.GetLocalNow());
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

    /// <summary>
    /// Websocket fan-out the way a push server does it, with nothing else: every stream has a small queue and
    /// its own writer loop; a new message is queued to every stream without waiting for any socket.
    /// Used to calibrate the benchmark's stream client (the latency floor on this machine), not as a goal.
    /// </summary>
    internal sealed class StreamHub
    {
        private readonly Lock _gate = new();
        private Channel<byte[]>[] _queues = [];

        public Task BroadcastAsync(Message msg)
        {
            var current = Volatile.Read(ref _queues);
            if (current.Length == 0)
            {
                return Task.CompletedTask;
            }
            var bytes = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(msg, CeilingJsonContext.Default.Message);
            foreach (var q in current)
            {
                q.Writer.TryWrite(bytes);
            }
            return Task.CompletedTask;
        }

        public async Task RunAsync(WebSocket ws, CancellationToken ct)
        {
            var queue = Channel.CreateBounded<byte[]>(new BoundedChannelOptions(16)
            {
                SingleReader = true,
                FullMode = BoundedChannelFullMode.DropOldest,
            });
            lock (_gate)
            {
                _queues = [.. _queues, queue];
            }
            using var done = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var writer = WriteLoopAsync(ws, queue.Reader, done.Token);
            try
            {
                var buffer = new byte[64];
                while (ws.State == WebSocketState.Open)
                {
                    var r = await ws.ReceiveAsync(buffer.AsMemory(), ct);
                    if (r.MessageType == WebSocketMessageType.Close)
                    {
                        break;
                    }
                }
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException)
            {
                // Client went away.
            }
            finally
            {
                lock (_gate)
                {
                    _queues = [.. _queues.Where(q => q != queue)];
                }
                await done.CancelAsync();
                await writer;
                if (ws.State == WebSocketState.CloseReceived)
                {
                    try
                    {
                        await ws.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
                    }
                    catch (WebSocketException)
                    {
                    }
                }
            }
        }

        private static async Task WriteLoopAsync(WebSocket ws, ChannelReader<byte[]> reader, CancellationToken ct)
        {
            try
            {
                await foreach (var bytes in reader.ReadAllAsync(ct))
                {
                    await ws.SendAsync(bytes, WebSocketMessageType.Text, true, ct);
                }
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException)
            {
            }
        }
    }
}
