namespace Herald.Server.Tests.Infrastructure;

/// <summary>Tiny real image files for upload tests.</summary>
public static class TestImages
{
    /// <summary>A 1×1 PNG.</summary>
    public static byte[] Png { get; } = Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==");

    /// <summary>A 1×1 GIF.</summary>
    public static byte[] Gif { get; } = Convert.FromBase64String("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7");

    /// <summary>A JFIF JPEG header followed by an end marker (sniffed as image/jpeg).</summary>
    public static byte[] Jpeg { get; } =
    [
        0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 0x4A, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00,
        0xFF, 0xD9,
    ];

    /// <summary>Plain text that is no image at all.</summary>
    public static byte[] Text { get; } = "this is not an image, just some text\n"u8.ToArray();
}
