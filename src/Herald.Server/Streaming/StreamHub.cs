using System.Net.WebSockets;
using Herald.Server.Http;
using Herald.Server.Http.Json;
using Herald.Server.Model;
using Herald.Server.Services;

namespace Herald.Server.Streaming;

/// <summary>
/// Fans each new message out to every open stream of its user. The message is serialized once and the same bytes
/// are queued on each connection without waiting, so delivery cost does not depend on the slowest subscriber.
/// </summary>
public sealed class StreamHub : IMessageObserver, IClientObserver
{
    private const WebSocketCloseStatus StoppingStatus = WebSocketCloseStatus.EndpointUnavailable;
    private const string StoppingReason = "server shutting down";

    private readonly object gate = new();
    private readonly Dictionary<long, List<StreamConnection>> byUser = [];
    private bool stopping;

    /// <summary>Number of open streams, for metrics and tests.</summary>
    public int Count
    {
        get
        {
            lock (gate)
            {
                return byUser.Values.Sum(c => c.Count);
            }
        }
    }

    public void OnMessageCreated(long userId, Message message)
    {
        lock (gate)
        {
            if (!byUser.TryGetValue(userId, out var connections))
            {
                return;
            }

            // Enqueueing never blocks (a full queue closes that connection), so it is safe under the lock and needs
            // no snapshot of the list.
            var frame = UnpooledJson.Serialize(MessageMapper.ToJson(message), HeraldJson.Api.MessageJson);
            foreach (var connection in connections)
            {
                connection.TryEnqueue(frame);
            }
        }
    }

    /// <summary>The client tokens that have an open stream, so their last use can be recorded.</summary>
    public IReadOnlyCollection<string> ConnectedClientTokens()
    {
        lock (gate)
        {
            return byUser.Values.SelectMany(c => c).Select(c => c.ClientToken).OfType<string>().Distinct().ToList();
        }
    }

    /// <summary>Closes the streams opened with <paramref name="clientToken"/>: the client was deleted.</summary>
    public void OnClientDeleted(string clientToken) => CloseWhere(c => c.ClientToken == clientToken);

    /// <summary>Closes every stream of a user (the user was deleted).</summary>
    public void CloseUser(long userId) => CloseWhere(c => c.UserId == userId);

    /// <summary>Closes every stream with "going away" (the server is stopping), and every stream still opening.</summary>
    public void CloseAll()
    {
        lock (gate)
        {
            stopping = true;
        }

        CloseWhere(_ => true, StoppingStatus, StoppingReason);
    }

    /// <summary>
    /// Registers <paramref name="connection"/>, completes the websocket handshake with <paramref name="accept"/> and
    /// runs the stream until it ends. Registering first means a message posted as soon as the client saw the upgrade
    /// is queued and delivered, never missed.
    /// </summary>
    internal async Task RunAsync(StreamConnection connection, Func<Task<WebSocket>> accept, CancellationToken cancellationToken)
    {
        if (!Add(connection))
        {
            // The server is stopping: the stream is closed right after the handshake instead of holding the shutdown
            // open until its timeout.
            connection.Close(StoppingStatus, StoppingReason);
        }

        try
        {
            var socket = await accept();
            await connection.RunAsync(socket, cancellationToken);
        }
        finally
        {
            Remove(connection);
        }
    }

    /// <summary>Registers the connection; false (nothing registered) once the server is stopping.</summary>
    private bool Add(StreamConnection connection)
    {
        lock (gate)
        {
            if (stopping)
            {
                return false;
            }

            if (!byUser.TryGetValue(connection.UserId, out var connections))
            {
                byUser[connection.UserId] = connections = [];
            }

            connections.Add(connection);
            return true;
        }
    }

    private void Remove(StreamConnection connection)
    {
        lock (gate)
        {
            if (byUser.TryGetValue(connection.UserId, out var connections) && connections.Remove(connection) && connections.Count == 0)
            {
                byUser.Remove(connection.UserId);
            }
        }
    }

    private void CloseWhere(Func<StreamConnection, bool> predicate, WebSocketCloseStatus status = WebSocketCloseStatus.NormalClosure, string reason = "")
    {
        List<StreamConnection> matches;
        lock (gate)
        {
            matches = byUser.Values.SelectMany(c => c).Where(predicate).ToList();
        }

        foreach (var connection in matches)
        {
            connection.Close(status, reason);
        }
    }
}
