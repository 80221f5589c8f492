namespace CodeForge.Core.Shells;

/// <summary>A read cursor over a shell's standard output and standard error: each read returns what is new since the last one.</summary>
/// <remarks>
/// Thread safety: <see cref="Read"/> is atomic (one private lock around "read both buffers from my offsets, advance my
/// offsets"), so concurrent callers of the same reader partition the output: every char is returned by exactly one call,
/// in order of the offsets. Different readers are independent: each one sees all output exactly once (less what the
/// buffers dropped, which it is told about in <see cref="OutputSlice.SkippedChars"/>).
/// </remarks>
public sealed class ShellOutputReader
{
    private readonly object _gate = new();
    private readonly OutputBuffer _stdout;
    private readonly OutputBuffer _stderr;
    private long _stdoutOffset;
    private long _stderrOffset;

    internal ShellOutputReader(OutputBuffer stdout, OutputBuffer stderr)
    {
        _stdout = stdout;
        _stderr = stderr;
    }

    /// <summary>Returns the output after this reader's offsets (at most <paramref name="maxChars"/> chars per stream) and advances them.</summary>
    public ShellOutput Read(int maxChars = int.MaxValue)
    {
        lock (_gate)
        {
            var stdout = _stdout.ReadFrom(_stdoutOffset, maxChars);
            var stderr = _stderr.ReadFrom(_stderrOffset, maxChars);
            _stdoutOffset = stdout.NextOffset;
            _stderrOffset = stderr.NextOffset;
            return new ShellOutput(stdout, stderr);
        }
    }
}
