using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Herald.Server.Http.Json;

/// <summary>JSON to a byte array through buffers of its own, none of them from the shared array pool.</summary>
/// <remarks>
/// <see cref="JsonSerializer.SerializeToUtf8Bytes{TValue}(TValue, JsonTypeInfo{TValue})"/> grows a buffer rented from
/// <c>ArrayPool&lt;byte&gt;.Shared</c>: a stream frame with a 10 MB message left a 16 MB array there, which the pool
/// keeps until gen-2 collections 30 to 60 s apart. The arrays here are garbage once the
/// frame is sent.
/// </remarks>
internal static class UnpooledJson
{
    /// <summary>The UTF-8 JSON of <paramref name="value"/>; the memory may be part of a larger array.</summary>
    public static ReadOnlyMemory<byte> Serialize<T>(T value, JsonTypeInfo<T> type)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        var options = type.Options;
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions
        {
            Encoder = options.Encoder,
            Indented = options.WriteIndented,
            MaxDepth = options.MaxDepth,

            // As the serializer's own writers: the serializer only writes well-formed JSON.
            SkipValidation = true,
        }))
        {
            JsonSerializer.Serialize(writer, value, type);
        }

        return buffer.WrittenMemory;
    }
}
