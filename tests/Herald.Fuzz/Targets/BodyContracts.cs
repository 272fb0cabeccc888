using System.Text.Json;
using Herald.Server.Http;
using Herald.Server.Http.Json;
using Herald.Server.Model;

namespace Herald.Fuzz.Targets;

/// <summary>
/// The request contracts of the API, bound field for field as their endpoints bind them (the Go struct name, then each
/// field with the reader method the endpoint calls), each followed by the answer the endpoint writes with what it read.
/// Binding and answering together is the invariant: what the reader accepts, the server can store and write back.
/// </summary>
internal static class BodyContracts
{
    private static readonly DateTimeOffset Now = new(2025, 1, 2, 3, 4, 5, TimeSpan.Zero);

    /// <summary>Every contract: its Go struct name and the binding plus answer (returns the JSON the endpoint would write).</summary>
    public static IReadOnlyList<(string StructName, Func<RequestBody, byte[]> BindAndAnswer)> All { get; } =
    [
        ("CreateMessage", CreateMessage),
        ("ApplicationParams", ApplicationParams),
        ("ClientParams", ClientParams),
        ("ElevateRequest", Elevate),
        ("CreateUserExternal", CreateUser),
        ("UpdateUserExternal", UpdateUser),
        ("UserExternalPass", body => Answer(Validation.Required(body.GetString("pass"), "pass"), HeraldJson.Api.String)),
        ("SecurityUpdateAction", body => Answer(body.GetBool("regenerateToken") == true ? "regenerate" : "keep", HeraldJson.Api.String)),
    ];

    // MessageEndpoints.CreateAsync, then what GET /message and the stream write for the stored row.
    private static byte[] CreateMessage(RequestBody body)
    {
        var text = Validation.Required(body.GetString("message"), "message");
        var title = body.GetString("title");
        var priority = body.GetInt("priority");
        var stored = body.GetExtras("extras");
        var appId = body.GetUInt("appid") is { } id and <= long.MaxValue ? (long)id : 1;
        var message = MessageMapper.ToJson(new Message(1, appId, text, string.IsNullOrWhiteSpace(title) ? "app" : title, priority ?? 0, stored, Now));
        Answer(message, HeraldJson.Api.MessageJson);
        return Answer(new PagedMessagesJson(new PagingJson("http://127.0.0.1/message?limit=1&since=1", 1, 1, 1), [message]), HeraldJson.Api.PagedMessagesJson);
    }

    // ApplicationEndpoints.CreateAsync / UpdateAsync.
    private static byte[] ApplicationParams(RequestBody body)
    {
        var name = Validation.Required(body.GetString("name"), "name");
        var description = body.GetString("description") ?? string.Empty;
        var priority = body.GetInt("defaultPriority") ?? 0;
        var sortKey = body.GetString("sortKey") is { Length: > 0 } key ? key : "a0";
        var application = new Application(1, "AToken", 1, name, description, false, string.Empty, priority, Now, null, sortKey);
        return Answer(EntityMapper.ToJson(application), HeraldJson.Api.ApplicationJson);
    }

    // ClientEndpoints.CreateAsync / UpdateAsync and SessionEndpoints' login (same struct).
    private static byte[] ClientParams(RequestBody body)
    {
        var name = Validation.Required(body.GetString("name"), "name");
        var expiry = body.GetInteger("expiresAfterInactivitySeconds", "uint", 0, uint.MaxValue) ?? 0;
        var client = new Client(1, "CToken", 1, name, Now, null, null, expiry, null);
        return Answer(EntityMapper.ToJson(client with { ExpiresAt = ClientExpiry.ExpiresAt(client, Now) }, Now), HeraldJson.Api.ClientJson);
    }

    // ClientEndpoints.ElevateAsync: the elevation ends now + duration, then the client is listed with it.
    private static byte[] Elevate(RequestBody body)
    {
        var seconds = Validation.Required(body.GetInteger("durationSeconds", "int", int.MinValue, int.MaxValue), "durationSeconds");
        var client = new Client(1, "CToken", 1, "phone", Now, null, Now.AddSeconds(seconds), 0, null);
        return Answer(EntityMapper.ToJson(client, Now), HeraldJson.Api.ClientJson);
    }

    // UserEndpoints.CreateAsync.
    private static byte[] CreateUser(RequestBody body)
    {
        var name = Validation.Required(body.GetString("name"), "name");
        _ = Validation.Required(body.GetString("pass"), "pass");
        var admin = body.GetBool("admin") ?? false;
        return Answer(EntityMapper.ToJson(new User(1, name, null, admin, Now)), HeraldJson.Api.UserJson);
    }

    // UserEndpoints.UpdateAsync (the password is optional there).
    private static byte[] UpdateUser(RequestBody body)
    {
        var name = Validation.Required(body.GetString("name"), "name");
        var admin = body.GetBool("admin") ?? false;
        _ = body.GetString("pass");
        return Answer(EntityMapper.ToJson(new User(1, name, null, admin, Now)), HeraldJson.Api.UserJson);
    }

    /// <summary>Serializes the answer as the API does and parses it back: a client must be able to read what it gets.</summary>
    /// <exception cref="FuzzFindingException">The answer cannot be written or is not JSON.</exception>
    private static byte[] Answer<T>(T value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
    {
        byte[] json;
        try
        {
            json = JsonSerializer.SerializeToUtf8Bytes(value, type);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or ArgumentException)
        {
            throw new FuzzFindingException($"accepted input whose answer cannot be written ({type.Type.Name}): {e.Message}", e);
        }

        try
        {
            // As a Gotify client reads it: Go's decoder nests up to 10,000 levels.
            using var parsed = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 10_000 });
        }
        catch (JsonException e)
        {
            throw new FuzzFindingException($"accepted input whose answer is not JSON ({type.Type.Name}): {e.Message}", e);
        }

        return json;
    }
}
