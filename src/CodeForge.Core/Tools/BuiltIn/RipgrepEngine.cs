using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace CodeForge.Core.Tools.BuiltIn;

/// <summary>
/// Grep through ripgrep (<c>rg --json</c>): ripgrep walks and searches; this class turns its JSON messages into the
/// same results the managed engine gives. Files ripgrep found binary (a NUL byte: <c>binary_offset</c> set) are dropped.
/// files_with_matches, the Grep tool's default mode, takes ripgrep's own <c>--files-with-matches --null</c> instead: ripgrep
/// stops at each file's first match and prints only paths, so forge parses one path per file rather than a JSON message
/// per match (docs/benchmarks.md, "Grep on its ripgrep path vs bare rg").
/// </summary>
/// <remarks>Stateless and thread-safe: each search runs its own <c>rg</c> process, killed on cancellation.</remarks>
internal sealed class RipgrepEngine(string executable) : IGrepEngine
{
    /// <summary>The type name the query's file-type globs are registered under with <c>--type-add</c>.</summary>
    private const string TypeName = "forgetype";

    private static readonly Lazy<string?> OnPath = new(() => FindOnPath("rg"));

    public string Name => "ripgrep";

    /// <summary>The ripgrep executable on <c>PATH</c>, or null when it is not installed.</summary>
    public static string? Find() => OnPath.Value;

    /// <summary>The command-line arguments for <paramref name="query"/> (exposed for tests and diagnostics).</summary>
    public static List<string> Arguments(GrepQuery query)
    {
        var args = ListsFilesOnly(query)
            ? new List<string> { "--files-with-matches", "--null", "--hidden", "--no-config", "--no-ignore-global" }
            : new List<string> { "--json", "--hidden", "--no-config", "--no-ignore-global" };
        if (!query.RespectIgnoreFiles)
        {
            args.Add("--no-ignore");
        }
        if (query.IgnoreCase)
        {
            args.Add("--ignore-case");
        }
        if (query.Multiline)
        {
            args.Add("--multiline");
            args.Add("--multiline-dotall");
        }
        if (query.WantLines && query.Before > 0)
        {
            args.Add($"--before-context={query.Before}");
        }
        if (query.WantLines && query.After > 0)
        {
            args.Add($"--after-context={query.After}");
        }
        if (query.TypeGlobs is { } types)
        {
            foreach (var glob in types)
            {
                args.Add($"--type-add={TypeName}:{glob}");
            }
            args.Add($"--type={TypeName}");
        }
        foreach (var glob in query.Globs)
        {
            args.Add("--glob");
            args.Add(glob);
        }
        // Last, so that no user glob can bring .git internals back (the managed walker skips them the same way).
        args.Add("--glob");
        args.Add("!.git");
        args.Add("--regexp");
        args.Add(query.Pattern);
        args.Add("--");
        args.Add(query.RootIsFile ? query.Root : ".");
        return args;
    }

    public async Task<GrepOutcome> SearchAsync(GrepQuery query, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = query.RootIsFile ? Path.GetDirectoryName(query.Root)! : query.Root,
            StandardOutputEncoding = new UTF8Encoding(false),
            StandardErrorEncoding = new UTF8Encoding(false),
        };
        foreach (var argument in Arguments(query))
        {
            start.ArgumentList.Add(argument);
        }
        using var process = new Process { StartInfo = start };
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            return new GrepOutcome([], $"Could not start ripgrep ({executable}): {ex.Message}");
        }
        process.StandardInput.Close();
        using var kill = cancellationToken.Register(() =>
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // Already exited.
            }
        });
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        var files = ListsFilesOnly(query)
            ? await ListFilesAsync(process, query, cancellationToken).ConfigureAwait(false)
            : await ReadJsonAsync(process, query, cancellationToken).ConfigureAwait(false);
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        var errors = await stderr.ConfigureAwait(false);
        if (process.ExitCode == 2 && files.Count == 0 && errors.Length > 0)
        {
            var patternError = errors.Contains("regex", StringComparison.OrdinalIgnoreCase);
            return new GrepOutcome([], $"ripgrep failed: {errors.Trim()}", patternError);
        }
        return new GrepOutcome(files);
    }

    /// <summary>The <c>--json</c> output: the matching (and context) lines of each file.</summary>
    private static async Task<List<GrepFileResult>> ReadJsonAsync(Process process, GrepQuery query, CancellationToken cancellationToken)
    {
        var files = new List<GrepFileResult>();
        var current = new FileAccumulator(query);
        while (await process.StandardOutput.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            if (line.Length == 0)
            {
                continue;
            }
            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            var data = root.GetProperty("data");
            switch (root.GetProperty("type").GetString())
            {
                case "begin":
                    current = new FileAccumulator(query);
                    break;
                case "match":
                    current.Add(data, isMatch: true);
                    break;
                case "context":
                    current.Add(data, isMatch: false);
                    break;
                case "end":
                    var binary = data.TryGetProperty("binary_offset", out var offset) && offset.ValueKind == JsonValueKind.Number;
                    if (!binary && current.Build(Absolute(query, Text(data.GetProperty("path")))) is { } result)
                    {
                        files.Add(result);
                    }
                    break;
            }
        }
        return files;
    }

    /// <summary>Whether <paramref name="query"/> wants only the files with a match (ripgrep's <c>-l</c>).</summary>
    private static bool ListsFilesOnly(GrepQuery query) => query.FirstMatchOnly && !query.WantLines;

    /// <summary>The <c>--files-with-matches --null</c> output: NUL-separated paths, each file with at least one match.</summary>
    private static async Task<List<GrepFileResult>> ListFilesAsync(Process process, GrepQuery query, CancellationToken cancellationToken)
    {
        // Paths are taken as ripgrep prints them, so the NUL check of large files overlaps ripgrep's search.
        var files = new List<GrepFileResult>();
        byte[]? buffer = null;
        var chunk = new char[16 * 1024];
        var pending = new StringBuilder();
        int read;
        while ((read = await process.StandardOutput.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            var start = 0;
            for (var i = 0; i < read; i++)
            {
                if (chunk[i] != '\0')
                {
                    continue;
                }
                pending.Append(chunk, start, i - start);
                start = i + 1;
                if (pending.Length > 0)
                {
                    var absolute = Absolute(query, pending.ToString());
                    if (!HasNulPastFirstBlock(absolute, ref buffer))
                    {
                        files.Add(new GrepFileResult(absolute, 1, []));
                    }
                }
                pending.Clear();
            }
            pending.Append(chunk, start, read - start);
        }
        return files;
    }

    /// <summary>Bytes of a file ripgrep is sure to have checked for NUL before it reports a first match (its first read
    /// fills a 64 KiB buffer; half of it, to be safe).</summary>
    private const int CheckedByRipgrep = 32 * 1024;

    /// <summary>
    /// Whether a UTF-8 file ripgrep listed has a NUL byte past the part ripgrep read before its first match. ripgrep
    /// <c>-l</c> stops at that match and never sees a later NUL, where its JSON mode and the managed engine call the whole
    /// file binary and drop it: this check keeps the engines' answers the same. Only files larger than
    /// <see cref="CheckedByRipgrep"/> and no larger than <see cref="ManagedGrepEngine.MaxFileBytes"/> are read.
    /// </summary>
    private static bool HasNulPastFirstBlock(string path, ref byte[]? buffer)
    {
        try
        {
            using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            var length = RandomAccess.GetLength(handle);
            if (length <= CheckedByRipgrep || length > ManagedGrepEngine.MaxFileBytes)
            {
                return false;
            }
            // One buffer for the whole listing (not one per file: hundreds of large-object allocations on a big tree).
            buffer ??= GC.AllocateUninitializedArray<byte>(256 * 1024);
            // ripgrep read the first CheckedByRipgrep bytes itself; only the BOM is needed from them.
            var head = RandomAccess.Read(handle, buffer.AsSpan(0, 4), 0);
            if (TextCodec.DetectBom(buffer.AsSpan(0, head)).Kind is not (TextEncodingKind.Utf8 or TextEncodingKind.Utf8Bom))
            {
                return false;
            }
            long offset = CheckedByRipgrep;
            int read;
            while ((read = RandomAccess.Read(handle, buffer, offset)) > 0)
            {
                if (buffer.AsSpan(0, read).Contains((byte)0))
                {
                    return true;
                }
                offset += read;
            }
            return false;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static string Absolute(GrepQuery query, string path) =>
        query.RootIsFile ? query.Root : Path.GetFullPath(Path.Join(query.Root, path.StartsWith("./", StringComparison.Ordinal) ? path[2..] : path));

    /// <summary>The text of a ripgrep "arbitrary data" object: <c>{"text": ...}</c> or <c>{"bytes": base64}</c> (decoded as UTF-8 with U+FFFD).</summary>
    private static string Text(JsonElement data) =>
        data.TryGetProperty("text", out var text) ? text.GetString() ?? ""
        : data.TryGetProperty("bytes", out var bytes) ? Encoding.UTF8.GetString(bytes.GetBytesFromBase64())
        : "";

    private static string? FindOnPath(string name)
    {
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Join(directory, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        return null;
    }

    /// <summary>The messages of one file, between "begin" and "end".</summary>
    private sealed class FileAccumulator(GrepQuery query)
    {
        private readonly List<GrepLine> _lines = [];
        private readonly HashSet<long> _matched = [];

        public void Add(JsonElement data, bool isMatch)
        {
            var number = data.TryGetProperty("line_number", out var n) && n.ValueKind == JsonValueKind.Number ? n.GetInt64() : 0;
            var text = Text(data.GetProperty("lines"));
            var pieces = text.Split('\n');
            var count = text.EndsWith('\n') ? pieces.Length - 1 : pieces.Length;
            for (var k = 0; k < count; k++)
            {
                if (isMatch)
                {
                    _matched.Add(number + k);
                }
                if (query.WantLines)
                {
                    _lines.Add(new GrepLine(number + k, isMatch, GrepLines.StripTerminator(pieces[k])));
                }
            }
        }

        public GrepFileResult? Build(string path) =>
            _matched.Count == 0 ? null : new GrepFileResult(path, _matched.Count, query.WantLines ? GrepLines.Merge(_lines) : []);
    }
}
