using System.Net;
using System.Text.Json;
using System.Threading.Channels;

namespace Herald.PluginSdk.Tests.Infrastructure;

/// <summary>
/// An HTTP endpoint on a free loopback port that records JSON POSTs, answering 500 to the first
/// <c>failFirst</c> requests so retries can be observed.
/// </summary>
public sealed class HttpSink : IDisposable
{
    private readonly HttpListener listener = new();
    private readonly Channel<JsonElement> deliveries = Channel.CreateUnbounded<JsonElement>();
    private readonly CancellationTokenSource stop = new();
    private int attempts;

    public HttpSink(int failFirst)
    {
        var port = HeraldProcess.FreePort();
        Url = new Uri($"http://127.0.0.1:{port}/hook/");
        listener.Prefixes.Add(Url.ToString());
        listener.Start();
        _ = Task.Run(() => ServeAsync(failFirst));
    }

    public Uri Url { get; }

    /// <summary>Requests received, failed ones included.</summary>
    public int Attempts => Volatile.Read(ref attempts);

    /// <summary>The body of the next request that was answered with 200.</summary>
    public async Task<JsonElement> WaitForDeliveryAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        return await deliveries.Reader.ReadAsync(cts.Token);
    }

    public void Dispose()
    {
        stop.Cancel();
        listener.Close();
        stop.Dispose();
    }

    private async Task ServeAsync(int failFirst)
    {
        while (!stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            var attempt = Interlocked.Increment(ref attempts);
            using var document = await JsonDocument.ParseAsync(context.Request.InputStream);
            context.Response.StatusCode = attempt <= failFirst ? 500 : 200;
            if (attempt > failFirst)
            {
                deliveries.Writer.TryWrite(document.RootElement.Clone());
            }

            context.Response.Close();
        }
    }
}
