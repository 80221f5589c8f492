using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using System.Threading.Channels;

namespace CodeForge.Core.Tools.BuiltIn;

/// <summary>
/// The managed Grep: walks the tree as ripgrep does (<see cref="FileWalker"/>), searches files in parallel (one worker
/// per core), and reports the same files, counts and lines as the ripgrep path. Regular expressions are .NET's; lines are
/// searched one at a time unless <c>multiline</c> (then <c>.</c> matches newlines and a match may span lines).
/// </summary>
/// <remarks>
/// Stateless and thread-safe; each search owns its buffers. Binary files (a NUL byte anywhere, without a UTF-16/32 BOM)
/// and files larger than <see cref="MaxFileBytes"/> are skipped; a UTF-8 BOM is dropped, UTF-16/32 files with a BOM are
/// decoded, invalid UTF-8 becomes U+FFFD.
/// </remarks>
internal sealed class ManagedGrepEngine : IGrepEngine
{
    /// <summary>Files larger than this are skipped by the managed search (ripgrep has no such limit).</summary>
    public const long MaxFileBytes = 256L * 1024 * 1024;

    private static readonly System.Buffers.SearchValues<char> RegexSyntax = System.Buffers.SearchValues.Create(@"\^$.|?*+()[]{}");

    /// <summary>The first read of each file, checked for NUL bytes before the rest is read.</summary>
    private const int FirstBlock = 64 * 1024;

    private static readonly TimeSpan MatchTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Searching workers: twice the cores, so that a worker waiting on a read (cold cache, slow file system) does not
    /// leave a core idle.
    /// </summary>
    private static readonly int Workers = Math.Max(2, 2 * Environment.ProcessorCount);

    public string Name => "managed";

    /// <summary>Builds the regular expression for <paramref name="query"/>; throws <see cref="ArgumentException"/> on a bad pattern.</summary>
    public static Regex BuildRegex(GrepQuery query)
    {
        var options = RegexOptions.CultureInvariant | RegexOptions.Multiline | RegexOptions.Compiled;
        if (query.IgnoreCase)
        {
            options |= RegexOptions.IgnoreCase;
        }
        if (query.Multiline)
        {
            options |= RegexOptions.Singleline;
        }
        return new Regex(query.Pattern, options, MatchTimeout);
    }

    public async Task<GrepOutcome> SearchAsync(GrepQuery query, CancellationToken cancellationToken)
    {
        Regex regex;
        try
        {
            regex = BuildRegex(query);
        }
        catch (ArgumentException ex)
        {
            return new GrepOutcome([], $"Invalid regular expression '{query.Pattern}': {ex.Message}", PatternError: true);
        }
        if (query.RootIsFile)
        {
            return await Task.Run(() =>
            {
                var searcher = new FileSearcher(query, regex);
                var result = searcher.Search(query.Root);
                return new GrepOutcome(result is null ? [] : [result]);
            }, cancellationToken).ConfigureAwait(false);
        }

        var walk = new WalkOptions
        {
            RespectIgnoreFiles = query.RespectIgnoreFiles,
            Overrides = GlobRules.FromOverrideGlobs(query.Globs),
            Types = query.TypeGlobs is null ? null : GlobRules.FromOverrideGlobs(query.TypeGlobs),
        };
        // One pool of workers both walks (lists directories) and searches files, as ripgrep does: listing costs a
        // stat per entry (the link bit), which on a slow file system is worth spreading over the workers too.
        var start = FileWalker.Start(query.Root, walk);
        var queue = Channel.CreateUnbounded<object>();
        var results = new ConcurrentBag<GrepFileResult>();
        var pending = 1;
        queue.Writer.TryWrite(start.Root);
        var workers = new Task[Workers];
        for (var i = 0; i < workers.Length; i++)
        {
            workers[i] = Task.Run(async () =>
            {
                var searcher = new FileSearcher(query, regex);
                var files = new List<WalkEntry>();
                var directories = new List<WalkDirectory>();
                await foreach (var item in queue.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
                {
                    try
                    {
                        if (item is WalkDirectory directory)
                        {
                            files.Clear();
                            directories.Clear();
                            FileWalker.Expand(directory, walk, start, files, directories);
                            Interlocked.Add(ref pending, files.Count + directories.Count);
                            foreach (var subdirectory in directories)
                            {
                                queue.Writer.TryWrite(subdirectory);
                            }
                            foreach (var file in files)
                            {
                                queue.Writer.TryWrite(file.FullPath);
                            }
                        }
                        else if (searcher.Search((string)item) is { } result)
                        {
                            results.Add(result);
                        }
                    }
                    finally
                    {
                        if (Interlocked.Decrement(ref pending) == 0)
                        {
                            queue.Writer.TryComplete();
                        }
                    }
                }
            }, cancellationToken);
        }
        try
        {
            await Task.WhenAll(workers).ConfigureAwait(false);
        }
        finally
        {
            queue.Writer.TryComplete();
        }
        return new GrepOutcome([.. results]);
    }

    /// <summary>Searches files one at a time, reusing its buffers (one per worker).</summary>
    private sealed class FileSearcher(GrepQuery query, Regex regex)
    {
        /// <summary>
        /// For a case-sensitive pattern without regex syntax, its UTF-8 bytes: a UTF-8 file that does not contain them
        /// cannot match, and is dismissed with a vectorised byte search before any decoding.
        /// </summary>
        private readonly byte[]? _literal = !query.IgnoreCase && query.Pattern.AsSpan().IndexOfAny(RegexSyntax) < 0
            ? System.Text.Encoding.UTF8.GetBytes(query.Pattern)
            : null;

        private byte[] _bytes = new byte[FirstBlock];
        private char[] _chars = new char[64 * 1024];

        public GrepFileResult? Search(string path)
        {
            int charCount;
            try
            {
                using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                // Read the first block and give up at once on a binary file (as ripgrep quits at the first NUL it sees),
                // so large binaries cost one small read. A short first block is the whole file (no fstat needed).
                var total = ReadInto(handle, _bytes.AsSpan(0, FirstBlock), 0);
                var (kind, bomLength) = TextCodec.DetectBom(_bytes.AsSpan(0, total));
                var text = kind is TextEncodingKind.Utf8 or TextEncodingKind.Utf8Bom;
                if (text && _bytes.AsSpan(bomLength, total - bomLength).Contains((byte)0))
                {
                    return null;
                }
                if (total == FirstBlock)
                {
                    var length = RandomAccess.GetLength(handle);
                    if (length > MaxFileBytes)
                    {
                        return null;
                    }
                    if (_bytes.Length < length)
                    {
                        var larger = new byte[Math.Max(length, _bytes.Length * 2L)];
                        _bytes.AsSpan(0, total).CopyTo(larger);
                        _bytes = larger;
                    }
                    var rest = ReadInto(handle, _bytes.AsSpan(total, (int)Math.Max(0, length - total)), total);
                    if (text && _bytes.AsSpan(total, rest).Contains((byte)0))
                    {
                        return null;
                    }
                    total += rest;
                }
                var body = _bytes.AsSpan(bomLength, total - bomLength);
                if (text && _literal is not null && body.IndexOf(_literal) < 0)
                {
                    return null;
                }
                var encoding = TextCodec.DisplayEncoding(kind);
                var needed = encoding.GetMaxCharCount(body.Length);
                if (_chars.Length < needed)
                {
                    _chars = new char[Math.Max(needed, _chars.Length * 2L)];
                }
                charCount = encoding.GetChars(body, _chars);
            }
            catch (IOException)
            {
                return null;
            }
            catch (UnauthorizedAccessException)
            {
                return null;
            }
            try
            {
                return SearchText(path, _chars.AsSpan(0, charCount));
            }
            catch (RegexMatchTimeoutException)
            {
                return null;
            }
        }

        private static int ReadInto(Microsoft.Win32.SafeHandles.SafeFileHandle handle, Span<byte> buffer, long offset)
        {
            var total = 0;
            while (total < buffer.Length)
            {
                var wanted = buffer.Length - total;
                var read = RandomAccess.Read(handle, buffer[total..], offset + total);
                total += read;
                if (read < wanted)
                {
                    // A regular file returns less than asked only at its end: no extra read to find EOF.
                    break;
                }
            }
            return total;
        }

        private GrepFileResult? SearchText(string path, ReadOnlySpan<char> text)
        {
            var matched = new List<long>();
            var counter = new LineCounter();
            var position = 0;
            while (position <= text.Length)
            {
                if (!FirstMatch(text, position, out var index, out var length))
                {
                    break;
                }
                if (index == text.Length && (text.Length == 0 || text[^1] == '\n'))
                {
                    break;
                }
                var lineStart = index == 0 ? 0 : text[..index].LastIndexOf('\n') + 1;
                if (!query.Multiline)
                {
                    var newline = text[lineStart..].IndexOf('\n');
                    var lineEnd = newline < 0 ? text.Length : lineStart + newline;
                    if (index + length > lineEnd && !regex.IsMatch(text[lineStart..lineEnd]))
                    {
                        // The match ran past the end of its line: the line alone does not match.
                        position = lineEnd + 1;
                        continue;
                    }
                    matched.Add(counter.LineOf(text, lineStart));
                    if (!query.WantLines && query.FirstMatchOnly)
                    {
                        break;
                    }
                    position = lineEnd + 1;
                }
                else
                {
                    var last = length > 0 ? Math.Min(index + length - 1, text.Length - 1) : index;
                    var first = counter.LineOf(text, index);
                    var end = last <= index ? first : first + text[index..last].Count('\n');
                    for (var line = first; line <= end; line++)
                    {
                        if (matched.Count == 0 || matched[^1] < line)
                        {
                            matched.Add(line);
                        }
                    }
                    if (!query.WantLines && query.FirstMatchOnly)
                    {
                        break;
                    }
                    position = length > 0 ? index + length : index + 1;
                }
            }
            if (matched.Count == 0)
            {
                return null;
            }
            if (!query.WantLines)
            {
                return new GrepFileResult(path, matched.Count, []);
            }
            return new GrepFileResult(path, matched.Count, CollectLines(text, matched));
        }

        private bool FirstMatch(ReadOnlySpan<char> text, int start, out int index, out int length)
        {
            foreach (var match in regex.EnumerateMatches(text, start))
            {
                index = match.Index;
                length = match.Length;
                return true;
            }
            index = length = 0;
            return false;
        }

        private List<GrepLine> CollectLines(ReadOnlySpan<char> text, List<long> matched)
        {
            var starts = new List<int> { 0 };
            var offset = 0;
            while (true)
            {
                var newline = text[offset..].IndexOf('\n');
                if (newline < 0)
                {
                    break;
                }
                offset += newline + 1;
                starts.Add(offset);
            }
            var totalLines = starts[^1] == text.Length ? starts.Count - 1 : starts.Count;
            var lines = new List<GrepLine>(matched.Count * (1 + query.Before + query.After));
            string LineText(ReadOnlySpan<char> t, long number)
            {
                var from = starts[(int)number - 1];
                var to = number < starts.Count ? starts[(int)number] : t.Length;
                return GrepLines.StripTerminator(t[from..to]);
            }
            foreach (var number in matched)
            {
                for (var n = Math.Max(1, number - query.Before); n < number; n++)
                {
                    lines.Add(new GrepLine(n, false, LineText(text, n)));
                }
                lines.Add(new GrepLine(number, true, LineText(text, number)));
                for (var n = number + 1; n <= Math.Min(totalLines, number + query.After); n++)
                {
                    lines.Add(new GrepLine(n, false, LineText(text, n)));
                }
            }
            return GrepLines.Merge(lines);
        }
    }

    /// <summary>Line numbers of increasing positions, counting newlines incrementally.</summary>
    private sealed class LineCounter
    {
        private int _position;
        private long _line = 1;

        public long LineOf(ReadOnlySpan<char> text, int position)
        {
            if (position < _position)
            {
                _position = 0;
                _line = 1;
            }
            _line += text[_position..position].Count('\n');
            _position = position;
            return _line;
        }
    }
}
