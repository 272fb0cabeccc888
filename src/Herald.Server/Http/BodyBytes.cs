namespace Herald.Server.Http;

/// <summary>
/// Reads a whole request body into one array of exactly its length, holding no more than what has arrived.
/// </summary>
/// <remarks>
/// A <see cref="MemoryStream"/> doubles its buffer as the body arrives, so a 10 MB body left about 32 MB of large
/// arrays behind it (256 B up to 16 MB, then the copy <c>ToArray</c> makes). Here the body is read in pieces below the
/// large-object size, which die young in generation 0, and copied once into its final array; a body that fits in one
/// piece (every ordinary API call) is read straight into its final array. The declared length only sizes the pieces:
/// trusting it for one up-front array would let a client make the server hold <c>maxbodybytes</c> per connection by
/// sending headers alone.
/// </remarks>
internal static class BodyBytes
{
    /// <summary>Below the 85,000-byte threshold of the large object heap.</summary>
    private const int PieceBytes = 64 * 1024;

    /// <summary>The first piece of a body without a declared length; most such bodies are small forms.</summary>
    private const int UndeclaredFirstPieceBytes = 4 * 1024;

    /// <exception cref="BadHttpRequestException">Kestrel refused the body (over <c>maxbodybytes</c>, too slow, cut short).</exception>
    public static async Task<byte[]> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var body = request.Body;
        var declared = request.ContentLength;
        if (declared == 0)
        {
            return [];
        }

        var first = new byte[declared is { } d ? (int)Math.Min(d, PieceBytes) : UndeclaredFirstPieceBytes];
        var filled = await FillAsync(body, first, cancellationToken);
        if (filled == declared)
        {
            return first;
        }

        if (filled < first.Length)
        {
            return filled == 0 ? [] : first.AsSpan(0, filled).ToArray();
        }

        var pieces = new List<(byte[] Bytes, int Length)> { (first, filled) };
        long total = filled;
        while (declared is not { } expected || total < expected)
        {
            var piece = new byte[(int)Math.Min((declared ?? long.MaxValue) - total, PieceBytes)];
            filled = await FillAsync(body, piece, cancellationToken);
            pieces.Add((piece, filled));
            total += filled;
            if (filled < piece.Length)
            {
                break;
            }
        }

        var whole = GC.AllocateUninitializedArray<byte>(checked((int)total));
        var at = 0;
        foreach (var (bytes, count) in pieces)
        {
            bytes.AsSpan(0, count).CopyTo(whole.AsSpan(at));
            at += count;
        }

        return whole;
    }

    /// <summary>Reads until <paramref name="buffer"/> is full or the body ends; returns the bytes read.</summary>
    private static async Task<int> FillAsync(Stream body, byte[] buffer, CancellationToken cancellationToken)
    {
        var filled = 0;
        while (filled < buffer.Length)
        {
            var read = await body.ReadAsync(buffer.AsMemory(filled), cancellationToken);
            if (read == 0)
            {
                break;
            }

            filled += read;
        }

        return filled;
    }
}
