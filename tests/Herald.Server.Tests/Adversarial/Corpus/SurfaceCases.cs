using System.Text;
using Herald.Server.Tests.Adversarial.Http;
using Herald.Server.Tests.Adversarial.Spec;
using Herald.Server.Tests.Infrastructure;

namespace Herald.Server.Tests.Adversarial.Corpus;

/// <summary>
/// Inputs the spec describes without a JSON model: the image upload's file part, the plugin configuration's YAML,
/// a plugin webhook's body (not in the spec; reachable by anyone holding the URL) and header bytes.
/// </summary>
public static class SurfaceCases
{
    private const string ImageUpload = "POST /application/{id}/image";
    private const string PluginConfig = "POST /plugin/{id}/config";
    private const string Yaml = "application/x-yaml";

    /// <summary>The webhook route of the echo fixture plugin that reads its whole body.</summary>
    private const string Webhook = "POST /plugin/{id}/custom/{token}/message";

    // Eight levels of nine aliases each: 9^8 (43 million) strings if expanded.
    private const string AliasBomb = "a: &a [\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
        + "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\ng: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n"
        + "h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]\n";

    public static IEnumerable<CorpusCase> All() => Image().Concat(Config()).Concat(WebhookBody()).Concat(Headers());

    private static IEnumerable<CorpusCase> Image()
    {
        var op = GotifySpec.Get(ImageUpload);
        var type = RawBodies.MultipartType();
        var png = TestImages.Png;
        CorpusCase C(string label, Expectation e, string? contentType, Func<CorpusTargets, byte[]> body) => BodyCases.Case(op, "file", label, e, contentType, body);
        var refused = Expectation.Refused("no usable image in the upload");
        yield return C("no file part", refused, type, _ => RawBodies.Multipart([("other", "x")]));
        yield return C("file under another name", refused, type, _ => RawBodies.Multipart([], [("image", "icon.png", png)]));
        yield return C("not an image", refused, type, _ => RawBodies.Multipart([], [("file", "icon.png", TestImages.Text)]));
        yield return C("image named .html", refused, type, _ => RawBodies.Multipart([], [("file", "icon.html", png)]));
        yield return C("empty file", refused, type, _ => RawBodies.Multipart([], [("file", "icon.png", [])]));
        yield return C("only the closing delimiter", refused, type, _ => Encoding.ASCII.GetBytes($"--{RawBodies.Boundary}--\r\n"));
        yield return C("JSON instead of multipart", refused, "application/json", _ => "{\"file\":\"icon.png\"}"u8.ToArray());
        var broken = Expectation.Refused("a broken multipart body is a bad request (was a 500)");
        yield return C("truncated after the PNG header", broken, type, _ => RawBodies.Multipart([], [("file", "icon.png", png)], close: false)[..^(png.Length - 8 + 2)]);
        yield return C("truncated before the closing delimiter", broken, type, _ => RawBodies.Multipart([], [("file", "icon.png", png)], close: false));
        yield return C("wrong boundary", broken, type, _ => RawBodies.Multipart([], [("file", "icon.png", png)], boundary: "SomeOtherBoundary"));
        yield return C("no boundary parameter", broken, "multipart/form-data", _ => RawBodies.Multipart([], [("file", "icon.png", png)]));
        yield return C("over maxbodybytes", Expectation.Refused("over maxbodybytes", 413), type, _ => RawBodies.Multipart([], [("file", "icon.png", [.. png, .. new byte[BodyCases.HugeSize]])]));
        yield return C("path traversal in the file name", Expectation.Accepted("the stored name is random; only the extension is kept"), type,
            _ => RawBodies.Multipart([], [("file", "../../../../etc/icon.png", png)]));
    }

    private static IEnumerable<CorpusCase> Config()
    {
        var op = GotifySpec.Get(PluginConfig);
        CorpusCase C(string label, Expectation e, byte[] yaml) => BodyCases.Case(op, "yaml", label, e, Yaml, _ => yaml);
        CorpusCase T(string label, Expectation e, string yaml) => C(label, e, Encoding.UTF8.GetBytes(yaml));
        var refused = Expectation.Refused("not a configuration the plugin takes");
        yield return T("malformed", refused, "magic_string: [unclosed");
        yield return T("sequence for a string", refused, "magic_string: [1, 2]\n");
        yield return T("mapping for a string", refused, "magic_string: {a: 1}\n");
        yield return T("refused by the plugin", refused, "magic_string: \"\"\n");
        yield return T("alias bomb into a field", refused, AliasBomb + "magic_string: *h\n");
        yield return T("alias bomb in unknown keys", Expectation.Either("Gotify's YAML decoder refuses excessive aliasing; Herald must not expand it"), AliasBomb);
        yield return T("sequences nested 10000 deep", refused, "magic_string: " + new string('[', 10_000) + new string(']', 10_000) + "\n");
        yield return T("lone surrogate escape", Expectation.Either("lone surrogate escape: refused with 400 or stored as U+FFFD, never a 500"), "magic_string: \"a\\ud800\"\n");
        yield return C("invalid UTF-8", Expectation.Refused("YAML is Unicode text: Gotify's decoder refuses bytes that are not UTF-8"), [.. "magic_string: a"u8, 0xFF, 0xFE, .. "\n"u8]);
        yield return C("NUL byte", Expectation.Refused("YAML allows no control characters: Gotify's decoder refuses them"), [.. "magic_string: a"u8, 0x00, .. "b\n"u8]);
        yield return T("empty document", Expectation.Accepted("an empty document keeps the defaults"), string.Empty);
        var tooLarge = Expectation.Refused("over maxbodybytes (was a 500 exposing the exception)", 413);
        var huge = Encoding.ASCII.GetBytes("magic_string: " + new string('x', BodyCases.HugeSize) + "\n");
        yield return C("over maxbodybytes", tooLarge, huge);
        yield return BodyCases.Chunked(C("over maxbodybytes, chunked", tooLarge, huge));
    }

    private static IEnumerable<CorpusCase> WebhookBody()
    {
        var tooLarge = Expectation.Refused("over maxbodybytes (was a 500 with an empty body)", 413);
        var huge = new byte[BodyCases.HugeSize];
        Array.Fill(huge, (byte)'x');
        var request = new CorpusRequest("POST", "/plugin/{plugin}/custom/{ptoken}/message", Caller.None) { Body = _ => huge, ContentType = "text/plain" };
        yield return new CorpusCase($"{Webhook} | body | over maxbodybytes", Webhook, request, tooLarge);
        yield return new CorpusCase($"{Webhook} | body | over maxbodybytes, chunked", Webhook, request with { Chunked = true }, tooLarge);
    }

    private static IEnumerable<CorpusCase> Headers()
    {
        // Go passes header bytes through; Herald may refuse them, but a refusal is a Gotify error, not Kestrel's empty 400.
        var either = Expectation.Either("Go takes any header byte; a refusal must be Gotify's error JSON");
        yield return Header("GET /version", "X-Custom", "\u00ff\u00fe", either);
        yield return Header("GET /version", "X-Custom", "a\u00c3\u0028b", either);
        yield return Header("POST /message", "X-Custom", "\u00ff", either);
        yield return Header("GET /current/user", "X-Gotify-Key", "C\u00ff\u00fe", Expectation.Refused("a token that is not text is no token", 400, 401), Caller.None);
        yield return new CorpusCase("GET /version | path | %00 after the route", "GET /version", new CorpusRequest("GET", "/version%00", Caller.None), Expectation.RefusedByKestrel("a NUL in the path"));
    }

    /// <param name="caller">Who else is sent; none when the header under test is the credential itself.</param>
    private static CorpusCase Header(string key, string name, string value, Expectation expect, Caller? caller = null)
    {
        var op = GotifySpec.Get(key);
        var request = new CorpusRequest(op.Method, CorpusRoutes.PathOf(op), caller ?? CorpusRoutes.CallerOf(op)) { Headers = [new(name, value)] };
        if (op.BodyModel is not null)
        {
            request = request with { Body = t => Seeds.JsonBody(op, t), ContentType = "application/json" };
        }

        return new CorpusCase($"{key} | header {name} | bytes {string.Join(' ', value.Select(c => ((int)c).ToString("X2", System.Globalization.CultureInfo.InvariantCulture)))}", key, request, expect);
    }
}
