using System.Buffers;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace CodeForge.Core.Skills;

/// <summary>
/// Reads a whole text file as <see cref="File.ReadAllText(string, Encoding)"/> with UTF-8 does (a UTF-8 byte order mark
/// dropped, invalid bytes replaced), in one read of the file's bytes instead of through a <see cref="StreamReader"/>
/// and its buffers: start-up reads every SKILL.md, command and agent file of every plugin.
/// </summary>
/// <remarks>Stateless; thread-safe. Throws what <see cref="File.ReadAllBytes"/> throws.</remarks>
internal static class TextFiles
{
    public static string ReadAllText(string path)
    {
        var bytes = File.ReadAllBytes(path);
        // A UTF-16 or UTF-32 byte order mark: the stream reader detects the encoding.
        if (bytes.Length >= 2 && (bytes[0] == 0xFF && bytes[1] == 0xFE || bytes[0] == 0xFE && bytes[1] == 0xFF)
            || bytes.Length >= 4 && bytes[0] == 0 && bytes[1] == 0 && bytes[2] == 0xFE && bytes[3] == 0xFF)
        {
            return File.ReadAllText(path, Encoding.UTF8);
        }
        var start = bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0;
        return Encoding.UTF8.GetString(bytes, start, bytes.Length - start);
    }

    /// <summary>The size of the first read of <see cref="ReadFrontmatterHead"/> (most frontmatter fits; more is read when not).</summary>
    internal const int HeadChunk = 4096;

    /// <summary>
    /// Reads only what start-up needs of a Markdown file with YAML frontmatter: the text up to and including the line that
    /// closes the frontmatter (decoded as <see cref="ReadAllText"/> decodes, so <see cref="MarkdownFrontmatter.Parse(string, string)"/>
    /// of it gives the same fields, diagnostics and body line, with an empty body), and whether the body after it holds any
    /// non-white-space character. The body is scanned as bytes, not decoded or kept. A file that does not open with a
    /// <c>---</c> line, whose frontmatter is never closed, or that has a UTF-16/32 byte order mark is read whole
    /// (<see cref="FrontmatterHead.IsWholeFile"/>), so every problem is reported as before.
    /// </summary>
    public static FrontmatterHead ReadFrontmatterHead(string path)
    {
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        var buffer = ArrayPool<byte>.Shared.Rent(HeadChunk);
        try
        {
            var length = Fill(handle, ref buffer, 0, 0);
            var eof = length < buffer.Length;
            if (length >= 2 && (buffer[0] == 0xFF && buffer[1] == 0xFE || buffer[0] == 0xFE && buffer[1] == 0xFF)
                || length >= 4 && buffer[0] == 0 && buffer[1] == 0 && buffer[2] == 0xFE && buffer[3] == 0xFF)
            {
                return Whole(path);
            }
            var start = length >= 3 && buffer[0] == 0xEF && buffer[1] == 0xBB && buffer[2] == 0xBF ? 3 : 0;
            // The opening line, then each line until one that is "---" or "..." (trailing '\r', spaces and tabs ignored).
            var lineStart = start;
            var first = true;
            var headEnd = -1;
            while (headEnd < 0)
            {
                var newline = Array.IndexOf(buffer, (byte)'\n', lineStart, length - lineStart);
                if (newline < 0)
                {
                    if (eof)
                    {
                        // The last line has no newline: it may still be the opening or closing line.
                        if (!first && IsFence(buffer.AsSpan(lineStart, length - lineStart), closing: true))
                        {
                            headEnd = length;
                            break;
                        }
                        return Whole(path);
                    }
                    length = Fill(handle, ref buffer, length, length);
                    eof = length < buffer.Length;
                    continue;
                }
                var line = buffer.AsSpan(lineStart, newline - lineStart);
                if (first)
                {
                    if (!IsFence(line, closing: false))
                    {
                        return Whole(path);
                    }
                    first = false;
                }
                else if (IsFence(line, closing: true))
                {
                    headEnd = newline + 1;
                }
                lineStart = newline + 1;
            }
            var text = Encoding.UTF8.GetString(buffer, start, headEnd - start);
            // The body: any byte that is not ASCII white space means text. A non-ASCII byte first (U+00A0, U+2028 and
            // others are white space too) sends the file the whole way.
            long offset = 0;
            var position = headEnd;
            while (true)
            {
                for (var i = position; i < length; i++)
                {
                    var b = buffer[i];
                    if (b >= 0x80)
                    {
                        return Whole(path);
                    }
                    if (!(b is (byte)' ' or (>= 0x09 and <= 0x0D) or (>= 0x1C and <= 0x1F)))
                    {
                        return new FrontmatterHead(text, false, true);
                    }
                }
                if (eof)
                {
                    return new FrontmatterHead(text, false, false);
                }
                offset += length;
                position = 0;
                length = RandomAccess.Read(handle, buffer, offset);
                eof = length == 0;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static FrontmatterHead Whole(string path) => new(ReadAllText(path), true, false);

    /// <summary>"---" (opening) or "---"/"..." (closing), with trailing '\r', spaces and tabs.</summary>
    private static bool IsFence(ReadOnlySpan<byte> line, bool closing)
    {
        line = line.TrimEnd("\r \t"u8);
        return line.SequenceEqual("---"u8) || closing && line.SequenceEqual("..."u8);
    }

    /// <summary>Reads from the file (at byte <paramref name="fileOffset"/>) into <paramref name="buffer"/> from
    /// <paramref name="at"/> until it is full or the file ends, growing a full buffer first; returns the bytes held.</summary>
    private static int Fill(SafeFileHandle handle, ref byte[] buffer, int at, long fileOffset)
    {
        if (at == buffer.Length)
        {
            var bigger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
            buffer.AsSpan(0, at).CopyTo(bigger);
            ArrayPool<byte>.Shared.Return(buffer);
            buffer = bigger;
        }
        while (at < buffer.Length)
        {
            var read = RandomAccess.Read(handle, buffer.AsSpan(at), fileOffset);
            if (read == 0)
            {
                break;
            }
            at += read;
            fileOffset += read;
        }
        return at;
    }
}

/// <summary>What <see cref="TextFiles.ReadFrontmatterHead"/> read of a file.</summary>
/// <param name="Text">The text up to and including the frontmatter's closing line, or the whole file.</param>
/// <param name="IsWholeFile">Whether <paramref name="Text"/> is the whole file (then its body is in it).</param>
/// <param name="BodyHasText">When not the whole file: whether the body after the frontmatter holds anything but white space.</param>
internal readonly record struct FrontmatterHead(string Text, bool IsWholeFile, bool BodyHasText);
