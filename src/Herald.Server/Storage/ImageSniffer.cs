namespace Herald.Server.Storage;

/// <summary>Recognizes image formats by their first bytes, as Gotify's upload check does.</summary>
public static class ImageSniffer
{
    /// <summary>The number of leading bytes <see cref="IsImage"/> looks at.</summary>
    public const int HeaderLength = 261;

    public static bool IsImage(ReadOnlySpan<byte> h) =>
        StartsWith(h, [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) // PNG
        || StartsWith(h, [0xFF, 0xD8, 0xFF]) // JPEG
        || StartsWith(h, "GIF87a"u8) || StartsWith(h, "GIF89a"u8)
        || (StartsWith(h, "RIFF"u8) && h.Length >= 12 && h.Slice(8, 4).SequenceEqual("WEBP"u8))
        || StartsWith(h, "BM"u8)
        || StartsWith(h, [0x49, 0x49, 0x2A, 0x00]) || StartsWith(h, [0x4D, 0x4D, 0x00, 0x2A]) // TIFF (and CR2)
        || StartsWith(h, [0x00, 0x00, 0x01, 0x00]) // ICO
        || StartsWith(h, "8BPS"u8) // PSD
        || StartsWith(h, [0x49, 0x49, 0xBC]) // JPEG XR
        || StartsWith(h, [0x76, 0x2F, 0x31, 0x01]) // OpenEXR
        || StartsWith(h, [0x00, 0x00, 0x00, 0x0C, 0x6A, 0x50, 0x20, 0x20]) // JPEG 2000
        || (h.Length >= 12 && h.Slice(4, 4).SequenceEqual("ftyp"u8) && IsImageBrand(h.Slice(8, 4))); // HEIF, AVIF

    private static bool IsImageBrand(ReadOnlySpan<byte> brand) =>
        brand.SequenceEqual("heic"u8) || brand.SequenceEqual("heix"u8) || brand.SequenceEqual("mif1"u8)
        || brand.SequenceEqual("msf1"u8) || brand.SequenceEqual("avif"u8) || brand.SequenceEqual("avis"u8);

    private static bool StartsWith(ReadOnlySpan<byte> data, ReadOnlySpan<byte> prefix) => data.StartsWith(prefix);
}
