namespace CodeForge.Core.Tools.BuiltIn;

/// <summary>What to search for and where (the normalised Grep arguments both engines run).</summary>
internal sealed record GrepQuery(
    string Root,
    bool RootIsFile,
    string Pattern,
    bool IgnoreCase,
    bool Multiline,
    int Before,
    int After,
    IReadOnlyList<string> Globs,
    IReadOnlyList<string>? TypeGlobs,
    bool RespectIgnoreFiles,
    bool WantLines,
    bool FirstMatchOnly = false);

/// <summary>One output line of a file: a matching line or a context line.</summary>
internal readonly record struct GrepLine(long Number, bool IsMatch, string Text);

/// <summary>One file with matches: how many lines matched and (content mode) the matching and context lines in order.</summary>
internal sealed record GrepFileResult(string Path, long MatchingLines, IReadOnlyList<GrepLine> Lines);

/// <summary>What an engine found, or why it could not search.</summary>
internal sealed record GrepOutcome(IReadOnlyList<GrepFileResult> Files, string? Error = null, bool PatternError = false);

/// <summary>A Grep implementation: ripgrep or the managed search. Both must give the same files, counts and lines.</summary>
internal interface IGrepEngine
{
    string Name { get; }

    Task<GrepOutcome> SearchAsync(GrepQuery query, CancellationToken cancellationToken);
}

/// <summary>Helpers both engines share so that their results agree line for line.</summary>
internal static class GrepLines
{
    /// <summary>
    /// Merges match and context lines of one file: ordered by number, one entry per line, a match winning over context.
    /// </summary>
    public static List<GrepLine> Merge(IEnumerable<GrepLine> lines)
    {
        var byNumber = new SortedDictionary<long, GrepLine>();
        foreach (var line in lines)
        {
            if (!byNumber.TryGetValue(line.Number, out var existing) || (line.IsMatch && !existing.IsMatch))
            {
                byNumber[line.Number] = line;
            }
        }
        return [.. byNumber.Values];
    }

    /// <summary>A line's text without its line terminator (LF or CRLF).</summary>
    public static string StripTerminator(ReadOnlySpan<char> line)
    {
        if (line.EndsWith('\n'))
        {
            line = line[..^1];
        }
        if (line.EndsWith('\r'))
        {
            line = line[..^1];
        }
        return line.ToString();
    }
}
