using System.Net;

namespace Herald.Plugins.Tests.Infrastructure;

/// <summary>
/// <c>count</c> concurrent webhook requests to a slow route (the echo fixture's <c>hold?ms=</c>), sent together over
/// loopback. Disposing cancels those still open: the server sees each client go away, which cancels the plugin's call
/// or its wait for a slot, so the slots are free again.
/// </summary>
internal sealed class HeldCalls : IAsyncDisposable
{
    private readonly HttpClient client;
    private readonly CancellationTokenSource cancel = new();

    public HeldCalls(Uri baseAddress, string path, int count)
    {
        client = new HttpClient { BaseAddress = baseAddress, Timeout = Timeout.InfiniteTimeSpan };
        Answers = Enumerable.Range(0, count).Select(_ => SendAsync(path)).ToArray();
    }

    /// <summary>Each request's status and body; status 0 for one cancelled by <see cref="DisposeAsync"/>.</summary>
    public Task<(HttpStatusCode Status, string Body)>[] Answers { get; }

    public async ValueTask DisposeAsync()
    {
        await cancel.CancelAsync();
        await Task.WhenAll(Answers);
        client.Dispose();
        cancel.Dispose();
    }

    private async Task<(HttpStatusCode, string)> SendAsync(string path)
    {
        try
        {
            using var response = await client.GetAsync(path, cancel.Token);
            return (response.StatusCode, await response.Content.ReadAsStringAsync(cancel.Token));
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            return (0, string.Empty);
        }
    }
}
