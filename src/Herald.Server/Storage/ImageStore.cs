using Herald.Server.Configuration;
using Herald.Server.Security;

namespace Herald.Server.Storage;

/// <summary>
/// Application images in <c>uploadedimagesdir</c>. Names are generated here and every name read from a request is
/// checked to be a plain file name, so no path can leave the folder.
/// </summary>
public sealed class ImageStore
{
    /// <summary>The extensions Gotify accepts and serves (compared case-insensitively).</summary>
    public static readonly IReadOnlySet<string> Extensions = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { ".gif", ".png", ".jpg", ".jpeg" };

    private readonly string folder;
    private readonly ILogger<ImageStore> logger;

    public ImageStore(HeraldSettings settings, ILogger<ImageStore> logger)
    {
        folder = Path.GetFullPath(settings.UploadedImagesDir);
        this.logger = logger;
    }

    /// <summary>Saves an upload under a new random name with <paramref name="extension"/>; returns the name.</summary>
    public async Task<string> SaveAsync(Stream content, string extension, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(folder);
        var name = TokenGenerator.NewImageName(extension);
        var path = Path.Combine(folder, name);
        await using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 16 * 1024, useAsync: true))
        {
            await content.CopyToAsync(file, cancellationToken);
        }

        return name;
    }

    /// <summary>The full path of an image, or null when the name is not a plain image file name that exists.</summary>
    public string? Find(string name)
    {
        if (!IsPlainName(name) || !Extensions.Contains(Path.GetExtension(name)))
        {
            return null;
        }

        var path = Path.Combine(folder, name);
        return File.Exists(path) ? path : null;
    }

    /// <summary>Deletes an image if it exists; a failure is logged, never thrown (the row change already happened).</summary>
    public void Delete(string name)
    {
        if (!IsPlainName(name))
        {
            return;
        }

        try
        {
            File.Delete(Path.Combine(folder, name));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            logger.LogWarning(e, "Could not delete image {Image}", name);
        }
    }

    private static bool IsPlainName(string name) =>
        name.Length > 0 && name.IndexOfAny(['/', '\\', '\0']) < 0 && name is not "." and not ".." && Path.GetFileName(name) == name;
}
