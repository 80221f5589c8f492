namespace CodeForge.Core.Web;

/// <summary>Limits and location of a <see cref="WebCache"/>.</summary>
/// <remarks>Immutable; read once by the <see cref="WebCache"/> constructor.</remarks>
public sealed record WebCacheOptions
{
    /// <summary>The memory tier's budget in UTF-8 bytes of serialized entries (default 100 MiB).</summary>
    public long MaxMemoryBytes { get; init; } = 100L * 1024 * 1024;

    /// <summary>How long an entry stays valid after it was stored (default 15 minutes).</summary>
    public TimeSpan Ttl { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>The directory of the disk tier, or <see langword="null"/> for a memory-only cache.</summary>
    public string? Directory { get; init; }

    /// <summary>The disk tier's budget in bytes of entry files (default 100 MiB).</summary>
    public long MaxDiskBytes { get; init; } = 100L * 1024 * 1024;
}
