namespace CodeForge.Core.Tokens;

/// <summary>One consistent snapshot of a <see cref="CachingCounter"/>'s statistics (all fields read under one lock).</summary>
/// <param name="Hits">Calls answered without tokenizing: found in the cache, or joined a count of the same text in flight.</param>
/// <param name="Misses">Calls that tokenized: not cached and not in flight, or longer than the cacheable limit.</param>
/// <param name="Size">Texts cached now; never more than <paramref name="Capacity"/>.</param>
/// <param name="Capacity">The most texts the cache holds.</param>
public sealed record TokenCacheStats(long Hits, long Misses, int Size, int Capacity)
{
    /// <summary>Hits over all calls, from 0 to 1; 0 when there were no calls.</summary>
    public double HitRate => Hits + Misses == 0 ? 0 : (double)Hits / (Hits + Misses);
}
