using System.Buffers;

namespace CodeForge.Core.Sessions;

/// <summary>
/// Reads a session transcript. Never fatal on damage: an incomplete last line (no <c>\n</c>: a write in progress or a
/// crash) or an invalid last line is skipped and reported as <see cref="SessionTranscript.TornTail"/>; invalid lines in
/// the middle are skipped and reported with their line numbers in <see cref="SessionTranscript.Errors"/>.
/// </summary>
/// <remarks>
/// Stateless and thread-safe. Takes no lock and may run while a <see cref="SessionWriter"/> appends: the file is opened
/// with full sharing and read once up to its end, so the result is a prefix of the lines appended (a line still being
/// written is skipped as a torn tail, and a later read sees it whole).
/// </remarks>
public static class SessionReader
{
    /// <summary>Reads the transcript at <paramref name="transcriptPath"/>; <see cref="SessionNotFoundException"/> if absent.</summary>
    public static SessionTranscript Read(string transcriptPath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(transcriptPath);
        return ReadAndParse(transcriptPath);
    }

    /// <summary>Reads the transcript at <paramref name="transcriptPath"/> without blocking the caller's thread.</summary>
    public static Task<SessionTranscript> ReadAsync(string transcriptPath, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(transcriptPath);
        return Task.Run(() => ReadAndParse(transcriptPath), cancellationToken);
    }

    // Reads the whole file into a pooled buffer (no large-object allocation per load) and parses it.
    private static SessionTranscript ReadAndParse(string path)
    {
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            var name = Path.GetFileNameWithoutExtension(path);
            throw new SessionNotFoundException(name, path, ex);
        }
        using (stream)
        {
            var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Clamp(stream.Length + 4096, 4096, Array.MaxLength));
            try
            {
                var length = 0;
                while (true)
                {
                    if (length == buffer.Length)
                    {
                        var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                        buffer.AsSpan(0, length).CopyTo(larger);
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = larger;
                    }
                    var read = stream.Read(buffer, length, buffer.Length - length);
                    if (read == 0)
                    {
                        return Parse(buffer.AsSpan(0, length));
                    }
                    length += read;
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    /// <summary>Parses transcript bytes (see the class summary for how damage is handled).</summary>
    public static SessionTranscript Parse(ReadOnlySpan<byte> content)
    {
        var entries = new List<SessionEntry>();
        var errors = new List<SessionLineError>();
        SessionLineError? torn = null;
        long offset = 0;
        long complete = 0;
        var lineNumber = 0;
        while (offset < content.Length)
        {
            lineNumber++;
            var rest = content[(int)offset..];
            var newline = rest.IndexOf((byte)'\n');
            if (newline < 0)
            {
                // No terminating newline: a write in progress or cut short by a crash.
                if (!IsBlank(rest))
                {
                    torn = new SessionLineError(lineNumber, offset, rest.Length, "incomplete last line (no newline): skipped");
                }
                break;
            }
            var line = rest[..newline];
            if (line.Length > 0 && line[^1] == (byte)'\r')
            {
                line = line[..^1];
            }
            var lineOffset = offset;
            offset += newline + 1;
            complete = offset;
            if (IsBlank(line))
            {
                continue;
            }
            if (SessionJson.TryParse(line, out var entry, out var error))
            {
                entries.Add(entry!);
            }
            else
            {
                errors.Add(new SessionLineError(lineNumber, lineOffset, line.Length, error!));
            }
        }
        // An invalid line with nothing valid after it is a torn tail (e.g. a block of NULs after a crash), not corruption.
        if (torn is null && errors.Count > 0 && IsBlank(content[(int)(errors[^1].Offset + errors[^1].Length)..]))
        {
            var last = errors[^1];
            errors.RemoveAt(errors.Count - 1);
            torn = last with { Reason = $"invalid last line: skipped ({last.Reason})" };
        }
        return new SessionTranscript(entries, errors, torn, complete, content.Length);
    }

    private static bool IsBlank(ReadOnlySpan<byte> bytes)
    {
        foreach (var b in bytes)
        {
            if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n'))
            {
                return false;
            }
        }
        return true;
    }
}
