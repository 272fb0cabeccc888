using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Herald.Server.Tls;

/// <summary>
/// The <c>letsencrypt.cache</c> directory, in Go autocert's layout so a Gotify cache directory keeps working:
/// <c>acme_account+key</c> holds the account key and a file named after each host holds its ECDSA key followed by
/// the certificate chain, all PEM.
/// </summary>
internal sealed class CertificateCache
{
    private const string AccountKeyFile = "acme_account+key";
    private readonly string directory;

    public CertificateCache(string directory)
    {
        this.directory = Path.GetFullPath(directory);
    }

    public string Directory => directory;

    /// <summary>The stored account key, or null when there is none yet.</summary>
    public async Task<AcmeAccountKey?> ReadAccountKeyAsync(CancellationToken cancellationToken)
    {
        var text = await ReadAsync(AccountKeyFile, cancellationToken);
        return text is null ? null : AcmeAccountKey.ImportPem(text);
    }

    public Task WriteAccountKeyAsync(AcmeAccountKey key, CancellationToken cancellationToken) =>
        WriteAsync(AccountKeyFile, key.ExportPem(), cancellationToken);

    /// <summary>The cached certificate for <paramref name="host"/>, or null when none is stored.</summary>
    /// <exception cref="CryptographicException">The stored file is not a key and a certificate chain.</exception>
    public async Task<HostCertificate?> ReadHostAsync(string host, CancellationToken cancellationToken)
    {
        var text = await ReadAsync(host, cancellationToken);
        return text is null ? null : Parse(text);
    }

    /// <summary>Stores the host's private key and chain (leaf first) and returns them loaded.</summary>
    public async Task<HostCertificate> WriteHostAsync(string host, ECDsa key, string chainPem, CancellationToken cancellationToken)
    {
        var text = key.ExportECPrivateKeyPem() + "\n" + chainPem.Trim() + "\n";
        var certificate = Parse(text);
        await WriteAsync(host, text, cancellationToken);
        return certificate;
    }

    private static HostCertificate Parse(string text)
    {
        var leaf = X509Certificate2.CreateFromPem(text, text);
        var all = new X509Certificate2Collection();
        all.ImportFromPem(text);
        var intermediates = new X509Certificate2Collection();
        foreach (var certificate in all.Skip(1))
        {
            intermediates.Add(certificate);
        }

        return new HostCertificate(leaf, intermediates);
    }

    private async Task<string?> ReadAsync(string name, CancellationToken cancellationToken)
    {
        var path = Path.Combine(directory, name);
        return File.Exists(path) ? await File.ReadAllTextAsync(path, cancellationToken) : null;
    }

    /// <summary>Writes through a temporary file and a rename, readable by the owner only (the files hold private keys).</summary>
    private async Task WriteAsync(string name, string text, CancellationToken cancellationToken)
    {
        if (OperatingSystem.IsWindows())
        {
            System.IO.Directory.CreateDirectory(directory);
        }
        else
        {
            System.IO.Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        var path = Path.Combine(directory, name);
        var temporary = path + ".tmp-" + Guid.NewGuid().ToString("N");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        await using (var stream = new FileStream(temporary, options))
        await using (var writer = new StreamWriter(stream))
        {
            await writer.WriteAsync(text.AsMemory(), cancellationToken);
        }

        File.Move(temporary, path, overwrite: true);
    }
}
