using System.Text;
using System.Text.Json;
using Herald.Server.Tests.Adversarial.Spec;
using Herald.Server.Tests.Infrastructure;

namespace Herald.Server.Tests.Adversarial.Corpus;

/// <summary>
/// The valid request every mutation starts from: the spec's own examples, with the few values changed that would
/// otherwise collide between cases or change more than the one field under test. A mutated request differs from
/// a request that succeeds in that one field only, so a refusal is about that field and an acceptance is visible.
/// </summary>
public static class Seeds
{
    /// <summary>The JSON value each field gets when it is not the one mutated; null leaves the field out.</summary>
    public static Func<CorpusTargets, string>? For(SpecOperation op, SpecField field) => (op.BodyModel ?? op.OperationId, field.Name) switch
    {
        // Sort keys are unique per user: a fixed one would make every later acceptance a "sort key is not unique".
        ("ApplicationParams", "sortKey") => null,

        // The examples create admins and rotate tokens; the corpus changes nothing it need not change.
        (_, "admin") => _ => "false",
        ("SecurityUpdateAction", "regenerateToken") => _ => "false",
        ("CreateUserExternal", "name") => _ => Quote(Scenario.UniqueName("corpus")),

        // Updating the victim with its own name and password is a no-op, so only the mutated field can change it.
        ("UpdateUserExternal", "name") => t => Quote(t.VictimName),
        ("UpdateUserExternal", "pass") => t => Quote(t.VictimPass),

        // The login form's name has no example.
        ("localLogin", "name") => _ => Quote(Scenario.UniqueName("corpus-session")),
        _ when field.Example is { } example => _ => example.GetRawText(),
        _ => throw new InvalidOperationException($"{op.Key}: no seed for {field.Name}"),
    };

    /// <summary>The JSON object of the seed with <paramref name="mutated"/> (if any) replaced by <paramref name="value"/>.</summary>
    public static byte[] JsonBody(SpecOperation op, CorpusTargets targets, string? mutated = null, byte[]? value = null)
    {
        using var body = new MemoryStream();
        body.WriteByte((byte)'{');
        var first = true;
        foreach (var field in JsonFields(op))
        {
            byte[] json;
            if (field.Name == mutated)
            {
                json = value!;
            }
            else if (For(op, field) is { } seed)
            {
                json = Encoding.UTF8.GetBytes(seed(targets));
            }
            else
            {
                continue;
            }

            if (!first)
            {
                body.WriteByte((byte)',');
            }

            first = false;
            body.Write(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(field.Name) + ":"));
            body.Write(json);
        }

        body.WriteByte((byte)'}');
        return body.ToArray();
    }

    /// <summary>The seed as form fields (strings unquoted), for the multipart and urlencoded cases.</summary>
    public static IEnumerable<(string Name, string Value)> FormFields(SpecOperation op, CorpusTargets targets)
    {
        foreach (var field in JsonFields(op).Where(f => f.Type is not (GoType.Object or GoType.File)))
        {
            if (For(op, field) is not { } seed)
            {
                continue;
            }

            using var doc = JsonDocument.Parse(seed(targets));
            yield return (field.Name, doc.RootElement.ValueKind == JsonValueKind.String ? doc.RootElement.GetString()! : doc.RootElement.GetRawText());
        }
    }

    /// <summary>The fields a JSON body of <paramref name="op"/> carries: its body model, or its form fields (Gotify binds both).</summary>
    public static IEnumerable<SpecField> JsonFields(SpecOperation op) =>
        op.BodyModel is not null ? op.BodyFields : op.FormFields.Where(f => f.Type != GoType.File);

    private static string Quote(string text) => JsonSerializer.Serialize(text);
}
