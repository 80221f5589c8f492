using System.Text;
using System.Text.Json;

namespace CodeForge.Cli.Interactive;

/// <summary>
/// Prompt history across sessions, in <c>~/.forge/history</c>: one JSON string per line (so multi-line prompts stay one
/// entry), newest last, appended as each prompt is submitted. Lines that do not parse (a torn write) are skipped.
/// </summary>
/// <remarks>
/// Concurrency: an instance is used by one session's input loop (not thread-safe). Across processes each entry is one
/// write of one line at the end of the file under the file's exclusive lock, so several <c>forge</c> processes appending
/// at once neither interleave nor overwrite entries; each process sees the others' entries from its next start.
/// </remarks>
internal sealed class InputHistory
{
    public const int MaxEntries = 1000;
    private readonly List<string> _entries = [];
    private readonly string? _path;

    public InputHistory(string? path)
    {
        _path = path;
        if (path is null || !File.Exists(path))
        {
            return;
        }
        try
        {
            foreach (var line in File.ReadLines(path).TakeLast(MaxEntries))
            {
                if (TryParse(line, out var entry))
                {
                    AddInMemory(entry);
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    /// <summary>Entries, oldest first.</summary>
    public IReadOnlyList<string> Entries => _entries;

    /// <summary>Adds a submitted prompt (blank prompts and repeats of the last entry are not added) and appends it to the file.</summary>
    public void Add(string entry)
    {
        if (string.IsNullOrWhiteSpace(entry) || (_entries.Count > 0 && _entries[^1] == entry))
        {
            return;
        }
        AddInMemory(entry);
        if (_path is null)
        {
            return;
        }
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
            var bytes = Encode(entry);
            // .NET does not open with O_APPEND, so two writers could both write at the old end: take the file's
            // exclusive lock (flock on Unix) for the seek-and-write, retrying briefly while another process holds it.
            for (var attempt = 0; ; attempt++)
            {
                try
                {
                    using var stream = new FileStream(_path, FileMode.OpenOrCreate, FileAccess.Write, FileShare.None);
                    stream.Seek(0, SeekOrigin.End);
                    stream.Write(bytes);
                    return;
                }
                catch (IOException) when (attempt < 100 && File.Exists(_path))
                {
                    Thread.Sleep(5);
                }
            }
        }
        catch (IOException)
        {
            // History is a convenience: a full disk or a read-only home must not stop the session.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private void AddInMemory(string entry)
    {
        _entries.Add(entry);
        if (_entries.Count > MaxEntries)
        {
            _entries.RemoveAt(0);
        }
    }

    internal static byte[] Encode(string entry)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStringValue(entry);
        }
        buffer.WriteByte((byte)'\n');
        return buffer.ToArray();
    }

    internal static bool TryParse(string line, out string entry)
    {
        entry = "";
        try
        {
            var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(line));
            if (reader.Read() && reader.TokenType == JsonTokenType.String)
            {
                entry = reader.GetString() ?? "";
                return entry.Length > 0 && !reader.Read();
            }
        }
        catch (JsonException)
        {
        }
        return false;
    }
}
