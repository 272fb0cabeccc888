using System.Text;

namespace Herald.Server.Tests.Adversarial.Http;

/// <summary>Request bodies built byte by byte, for the corpus' malformed and multipart cases.</summary>
public static class RawBodies
{
    public const string Boundary = "HeraldCorpusBoundary";

    /// <summary>The Content-Type of <see cref="Multipart"/> bodies.</summary>
    public static string MultipartType(string boundary = Boundary) => "multipart/form-data; boundary=" + boundary;

    /// <summary>A multipart/form-data body: text fields, then files; <paramref name="close"/> false leaves out the closing delimiter.</summary>
    public static byte[] Multipart(IEnumerable<(string Name, string Value)> fields, IEnumerable<(string Name, string FileName, byte[] Content)>? files = null, string boundary = Boundary, bool close = true)
    {
        using var body = new MemoryStream();
        void Write(string text) => body.Write(Encoding.UTF8.GetBytes(text));
        foreach (var (name, value) in fields)
        {
            Write($"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n");
        }

        foreach (var (name, fileName, content) in files ?? [])
        {
            Write($"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{fileName}\"\r\nContent-Type: application/octet-stream\r\n\r\n");
            body.Write(content);
            Write("\r\n");
        }

        if (close)
        {
            Write($"--{boundary}--\r\n");
        }

        return body.ToArray();
    }

    /// <summary>The header names and values of <paramref name="contentType"/> as a request header list.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> ContentType(string? contentType) =>
        contentType is null ? [] : [new("Content-Type", contentType)];
}
