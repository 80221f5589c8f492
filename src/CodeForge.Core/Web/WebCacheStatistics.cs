namespace CodeForge.Core.Web;

/// <summary>A consistent snapshot of a <see cref="WebCache"/>'s memory tier, taken at one instant.</summary>
/// <param name="Count">Entries in memory.</param>
/// <param name="Size">Σ of their sizes in UTF-8 bytes; never above <paramref name="MaxSize"/>.</param>
/// <param name="MaxSize">The memory budget in bytes.</param>
/// <param name="Hits">Gets answered from memory or disk.</param>
/// <param name="Misses">Gets that found nothing valid.</param>
/// <param name="Evictions">Entries evicted from memory to make room.</param>
/// <remarks>Immutable; all fields were read under the cache's lock at one instant, so they are mutually consistent.</remarks>
public sealed record WebCacheStatistics(int Count, long Size, long MaxSize, long Hits, long Misses, long Evictions);
