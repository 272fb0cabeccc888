using System.Text.Json;

namespace Herald.PluginApi;

/// <summary>A stored message of the instance's user, as delivered to an <see cref="IMessageSubscriber"/>.</summary>
public sealed class ReceivedMessage
{
    /// <summary>The message's id.</summary>
    public required long Id { get; init; }

    /// <summary>The id of the application that sent it.</summary>
    public required long ApplicationId { get; init; }

    /// <summary>The message body.</summary>
    public required string Message { get; init; }

    /// <summary>The title as stored (after the application-name default was applied).</summary>
    public required string Title { get; init; }

    /// <summary>The priority as stored.</summary>
    public required int Priority { get; init; }

    /// <summary>The extras object, or <see langword="null"/> when the message has none.</summary>
    public JsonElement? Extras { get; init; }

    /// <summary>When the message was stored.</summary>
    public required DateTimeOffset Date { get; init; }
}
