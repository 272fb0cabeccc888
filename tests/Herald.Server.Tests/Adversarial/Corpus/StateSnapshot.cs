using System.Text;
using System.Text.Json;
using Herald.Server.Tests.Infrastructure;
using static Herald.Server.Tests.Infrastructure.ApiAssert;

namespace Herald.Server.Tests.Adversarial.Corpus;

/// <summary>
/// Everything a refused write could have changed, read through the API as a client would: the owner's applications
/// (tokens included), clients, messages (all pages, and one application's pages), plugin state and configuration,
/// the users, and whether the owner's and the victim's passwords still work. Reading it also proves every list still
/// answers 200 after whatever was stored.
/// </summary>
public static class StateSnapshot
{
    // Change by themselves (every 5 minutes of use), not by requests under test.
    private static readonly HashSet<string> Volatile = ["lastUsed", "expiresAt"];

    public static async Task<string> CaptureAsync(CorpusServer fx)
    {
        var api = fx.Api;
        var owner = fx.Owner.Auth;
        var text = new StringBuilder();
        void Section(string name, IEnumerable<JsonElement> rows)
        {
            text.Append(name).Append(":\n");
            foreach (var row in rows)
            {
                text.Append("  ").Append(Canonical(row)).Append('\n');
            }
        }

        Section("applications", Ok(await api.GetAsync("/application", owner)).EnumerateArray());
        Section("clients", Ok(await api.GetAsync("/client", owner)).EnumerateArray());
        Section("messages", await api.AllMessagesAsync(owner));
        Section("application messages", await PagesAsync(api, owner, $"/application/{fx.Owner.App.Id}/message"));
        Section("users", Ok(await api.GetAsync("/user", fx.Admin)).EnumerateArray());
        Section("plugins", Ok(await api.GetAsync("/plugin", owner)).EnumerateArray());
        text.Append("plugin config:\n").Append(Status(await api.GetAsync($"/plugin/{fx.Targets.PluginId}/config", owner), 200).Body).Append('\n');
        text.Append("owner password works: ").Append((await api.GetAsync("/current/user", fx.Owner.User.Basic)).StatusCode).Append('\n');
        text.Append("victim password works: ").Append((await api.GetAsync("/current/user", fx.Victim.Basic)).StatusCode).Append('\n');
        return text.ToString();
    }

    /// <summary>Fails with the lines that differ when <paramref name="after"/> is not <paramref name="before"/>.</summary>
    public static void Unchanged(string caseName, string before, string after)
    {
        if (before == after)
        {
            return;
        }

        var old = before.Split('\n');
        var now = after.Split('\n');
        var gone = old.Except(now).Select(l => "- " + l);
        var added = now.Except(old).Select(l => "+ " + l);
        throw new Xunit.Sdk.XunitException($"{caseName}: refused, but the state changed:\n{string.Join('\n', gone.Concat(added))}");
    }

    private static async Task<List<JsonElement>> PagesAsync(HeraldClient api, Credential auth, string path)
    {
        var all = new List<JsonElement>();
        long since = 0;
        do
        {
            var page = Ok(await api.GetAsync(since == 0 ? $"{path}?limit=200" : $"{path}?limit=200&since={since}", auth));
            all.AddRange(page.GetProperty("messages").EnumerateArray());
            since = page.GetProperty("paging").GetProperty("since").GetInt64();
        }
        while (since != 0);
        return all;
    }

    private static string Canonical(JsonElement row)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var property in row.EnumerateObject().Where(p => !Volatile.Contains(p.Name)))
            {
                property.WriteTo(writer);
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
