namespace CodeForge.Core.Shells;

/// <summary>Tuning for <see cref="ShellManager"/> and its shells. Immutable once passed to a manager.</summary>
public sealed record ShellManagerOptions
{
    /// <summary>The most chars kept per stream (stdout, stderr) per shell; older output is dropped. Default 10 Mi.</summary>
    public int MaxBufferedCharsPerStream { get; init; } = OutputBuffer.DefaultCapacity;

    /// <summary>
    /// After the process exits, how long to wait for its output pipes to reach end of stream before the shell's status
    /// becomes final (background children that inherited the pipes can keep them open). Default 1 s;
    /// <see cref="Timeout.InfiniteTimeSpan"/> waits for end of stream; <see cref="TimeSpan.Zero"/> does not wait.
    /// </summary>
    public TimeSpan OutputDrainTimeout { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Bytes requested per read of an output pipe. Default 8 KiB.</summary>
    public int ReadChunkBytes { get; init; } = 8 * 1024;

    internal void Validate()
    {
        if (MaxBufferedCharsPerStream < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxBufferedCharsPerStream), MaxBufferedCharsPerStream,
                "The output buffer must hold at least 2 chars (one surrogate pair).");
        }
        if (OutputDrainTimeout < TimeSpan.Zero && OutputDrainTimeout != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(OutputDrainTimeout), OutputDrainTimeout,
                "The output drain timeout must be zero, positive or Timeout.InfiniteTimeSpan.");
        }
        if (ReadChunkBytes < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(ReadChunkBytes), ReadChunkBytes, "Reads must request at least 1 byte.");
        }
    }
}
