using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace CodeForge.Core.Web;

/// <summary>
/// The stored form of one cache entry: its size in memory and, byte for byte, the content of its file in the disk tier.
/// </summary>
/// <param name="FormatVersion">The document format; files with another value are discarded.</param>
/// <param name="Key">The entry's key (checked against the file name on read).</param>
/// <param name="StoredAtUnixMs">When the entry was stored (the TTL basis), in Unix milliseconds.</param>
/// <param name="Response">The cached response.</param>
internal sealed record WebCacheEntryDocument(int FormatVersion, string Key, long StoredAtUnixMs, FetchResponse Response)
{
    public const int CurrentFormatVersion = 1;
}

/// <summary>
/// Source-generated (AOT-safe) JSON for <see cref="WebCacheEntryDocument"/>; strict about missing or null members.
/// Non-ASCII text is written as UTF-8, not as \u escapes, so an entry's size is the UTF-8 size of its text (the files
/// are never embedded in HTML, so the relaxed encoder is safe here).
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    RespectNullableAnnotations = true,
    RespectRequiredConstructorParameters = true)]
[JsonSerializable(typeof(WebCacheEntryDocument))]
internal sealed partial class WebCacheJsonContext : JsonSerializerContext
{
    /// <summary>The context used by <see cref="WebCache"/>: the generated metadata with the relaxed encoder.</summary>
    public static WebCacheJsonContext Relaxed { get; } = new(new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
