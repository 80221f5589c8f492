using System.Globalization;
using System.Text;

namespace CodeForge.Core.Shells;

/// <summary>
/// Collects a command's (already cleaned) output with a cap: up to the cap everything is kept in memory; beyond it only the
/// head and the tail are kept, and the whole output is streamed to a spill file so that nothing is lost.
/// </summary>
/// <remarks>Not thread-safe: one writer (the output pump), then one reader after the writer finished.</remarks>
public sealed class CappedOutput : IDisposable
{
    private readonly int _cap;
    private readonly int _headChars;
    private readonly int _tailChars;
    private readonly Func<string> _spillPath;
    private readonly StringBuilder _head = new();
    private readonly StringBuilder _tail = new();
    private StreamWriter? _spill;

    /// <summary>
    /// Creates a collector that keeps up to <paramref name="cap"/> characters; beyond that, the first third and the last
    /// two thirds of the cap are shown and the full text goes to the file <paramref name="spillPath"/> names (called at most
    /// once, when the cap is first exceeded).
    /// </summary>
    public CappedOutput(int cap, Func<string> spillPath)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(cap, 3);
        _cap = cap;
        _headChars = cap / 3;
        _tailChars = cap - _headChars;
        _spillPath = spillPath ?? throw new ArgumentNullException(nameof(spillPath));
    }

    /// <summary>Characters appended in total.</summary>
    public long TotalChars { get; private set; }

    /// <summary>True once the output exceeded the cap.</summary>
    public bool Truncated => TotalChars > _cap;

    /// <summary>The file holding the full output, once the cap was exceeded and the file could be written.</summary>
    public string? SpillFile { get; private set; }

    /// <summary>Why the full output could not be saved, if it could not.</summary>
    public string? SpillError { get; private set; }

    /// <summary>Appends <paramref name="text"/>.</summary>
    public void Append(ReadOnlySpan<char> text)
    {
        if (text.IsEmpty)
        {
            return;
        }
        var wasTruncated = Truncated;
        TotalChars += text.Length;
        if (!wasTruncated)
        {
            _head.Append(text);
            if (!Truncated)
            {
                return;
            }
            // Just crossed the cap: start the spill file with everything so far, then split into head and tail.
            OpenSpill();
            WriteSpill(_head.ToString());
            var all = _head.ToString();
            _head.Clear().Append(all.AsSpan(0, _headChars));
            _tail.Append(all.AsSpan(_headChars));
            TrimTail();
            return;
        }
        WriteSpill(text);
        _tail.Append(text);
        TrimTail();
    }

    /// <summary>
    /// The text to show: everything, or the head, a marker saying how much was left out and where the full output is, and
    /// the tail. Closes the spill file.
    /// </summary>
    public string Render()
    {
        CloseSpill();
        if (!Truncated)
        {
            return _head.ToString();
        }
        if (_tail.Length > _tailChars)
        {
            _tail.Remove(0, _tail.Length - _tailChars);
        }
        if (_tail.Length > 0 && char.IsLowSurrogate(_tail[0]))
        {
            _tail.Remove(0, 1);
        }
        if (_head.Length > 0 && char.IsHighSurrogate(_head[^1]))
        {
            _head.Length--;
        }
        var omitted = TotalChars - _head.Length - _tail.Length;
        var where = SpillFile is not null
            ? $"the full output ({TotalChars.ToString(CultureInfo.InvariantCulture)} characters) is saved in {SpillFile}; Read it with offset/limit or search it with Grep"
            : $"the full output could not be saved: {SpillError}";
        return $"{_head}\n\n... [{omitted.ToString(CultureInfo.InvariantCulture)} characters omitted; {where}] ...\n\n{_tail}";
    }

    /// <summary>Closes the spill file if open.</summary>
    public void Dispose() => CloseSpill();

    private void TrimTail()
    {
        // Amortised: trim only when the tail has grown to twice its size.
        if (_tail.Length > 2 * _tailChars)
        {
            _tail.Remove(0, _tail.Length - _tailChars);
        }
    }

    private void OpenSpill()
    {
        string path;
        try
        {
            path = _spillPath();
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            _spill = new StreamWriter(new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read), new UTF8Encoding(false));
            SpillFile = path;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            SpillError = ex.Message;
        }
    }

    private void WriteSpill(ReadOnlySpan<char> text)
    {
        if (_spill is null)
        {
            return;
        }
        try
        {
            _spill.Write(text);
        }
        catch (IOException ex)
        {
            SpillError = $"writing {SpillFile} failed: {ex.Message}";
            SpillFile = null;
            CloseSpill();
        }
    }

    private void CloseSpill()
    {
        var spill = _spill;
        _spill = null;
        if (spill is null)
        {
            return;
        }
        try
        {
            spill.Dispose();
        }
        catch (IOException ex)
        {
            SpillError = $"writing {SpillFile} failed: {ex.Message}";
            SpillFile = null;
        }
    }
}
