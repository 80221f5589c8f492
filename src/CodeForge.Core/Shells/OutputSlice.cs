namespace CodeForge.Core.Shells;

/// <summary>The result of reading an <see cref="OutputBuffer"/> from an absolute offset.</summary>
/// <param name="Start">Absolute offset (in UTF-16 chars since the stream began) of the first char of <paramref name="Text"/>.</param>
/// <param name="Text">The text read; empty when nothing new was available.</param>
/// <param name="NextOffset">The offset to pass to the next read (<c>Start + Text.Length</c>).</param>
/// <param name="SkippedChars">
/// Chars between the requested offset and <paramref name="Start"/> that the buffer had already dropped (truncation), so the
/// reader never saw them. 0 unless the reader fell behind by more than the buffer's capacity.
/// </param>
public readonly record struct OutputSlice(long Start, string Text, long NextOffset, long SkippedChars);
