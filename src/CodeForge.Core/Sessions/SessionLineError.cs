namespace CodeForge.Core.Sessions;

/// <summary>A transcript line that could not be read.</summary>
/// <remarks>Immutable.</remarks>
/// <param name="LineNumber">1-based line number in the file.</param>
/// <param name="Offset">Byte offset of the line's start.</param>
/// <param name="Length">The line's length in bytes (without its <c>\n</c>).</param>
/// <param name="Reason">Why it was skipped.</param>
public sealed record SessionLineError(int LineNumber, long Offset, int Length, string Reason)
{
    public override string ToString() => $"line {LineNumber} (offset {Offset}, {Length} bytes): {Reason}";
}
