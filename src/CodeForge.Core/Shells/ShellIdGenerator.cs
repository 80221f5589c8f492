namespace CodeForge.Core.Shells;

/// <summary>
/// Shell ids <c>shell_xxxxxxxx</c>: a per-generator random key plus an atomic counter, passed through a bijective 32-bit
/// mixer, so ids look random yet two calls on one generator never return the same id (until 2^32 ids).
/// </summary>
/// <remarks>Thread safety: <see cref="Next"/> may be called concurrently; it is one <see cref="Interlocked.Increment(ref int)"/>.</remarks>
internal sealed class ShellIdGenerator
{
    private readonly uint _key;
    private int _counter = -1;

    public ShellIdGenerator()
        : this(RandomKey())
    {
    }

    public ShellIdGenerator(uint key) => _key = key;

    public string Next()
    {
        var n = unchecked((uint)Interlocked.Increment(ref _counter));
        return "shell_" + Mix(unchecked(n + _key)).ToString("x8", System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Four random bytes from <see cref="Guid.NewGuid"/>: a version-4 GUID comes from the operating system's secure random
    /// source (getrandom or /dev/urandom on Unix) and its first four bytes are all random (the version and variant bits are
    /// in bytes 6 to 8). <c>RandomNumberGenerator</c> would be as good, but on Linux it goes through OpenSSL, and this
    /// constructor runs at every start: loading libssl and libcrypto cost a run that never opens a TLS connection (a local
    /// model over http) about 3 ms of CPU and 3.7 MB of resident memory (docs/benchmarks.md, issue 15).
    /// </summary>
    internal static uint RandomKey()
    {
        Span<byte> bytes = stackalloc byte[16];
        Guid.NewGuid().TryWriteBytes(bytes);
        return BitConverter.ToUInt32(bytes);
    }

    /// <summary>MurmurHash3's 32-bit finalizer: every step (xor-shift, multiply by an odd constant) is invertible.</summary>
    internal static uint Mix(uint h)
    {
        unchecked
        {
            h ^= h >> 16;
            h *= 0x85ebca6b;
            h ^= h >> 13;
            h *= 0xc2b2ae35;
            h ^= h >> 16;
            return h;
        }
    }
}
