using CodeForge.Core.Paths;

namespace CodeForge.Core.Permissions;

/// <summary>
/// Turns paths as the model wrote them into the absolute paths the rules match: <c>~</c>, <c>..</c> and relative paths
/// resolved lexically, symbolic links resolved through the real file system, and Bash globs expanded against it.
/// Stateless and thread-safe; reads the file system.
/// </summary>
internal static class PathResolver
{
    /// <summary>At most this many files come out of one glob; a larger expansion is unknown (the call asks).</summary>
    public const int MaxGlobMatches = 2_000;

    private const int MaxLinkHops = 40;

    /// <summary>The absolute, normalized form of <paramref name="path"/> (no file-system access), or null if it is not a path.</summary>
    public static string? Lexical(string? path, string directory, string home)
    {
        if (string.IsNullOrEmpty(path) || path.Contains('\0', StringComparison.Ordinal))
        {
            return null;
        }
        try
        {
            var full = Path.GetFullPath(PathText.ExpandHome(path, home), directory);
            return full.Length > 1 ? Path.TrimEndingDirectorySeparator(full) : full;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    /// <summary>
    /// The real path of an absolute, normalized path: every symbolic link on the way resolved (a missing tail kept as
    /// written). Returns the input when nothing is a link; on a loop or an error, the input.
    /// </summary>
    public static string Real(string full)
    {
        var root = Path.GetPathRoot(full) ?? "/";
        var pending = new Stack<string>(full[root.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries).Reverse());
        var current = root;
        var hops = 0;
        try
        {
            while (pending.Count > 0)
            {
                var part = pending.Pop();
                if (part == ".")
                {
                    continue;
                }
                if (part == "..")
                {
                    current = Path.GetDirectoryName(current) ?? root;
                    continue;
                }
                var candidate = Path.Join(current, part);
                var info = new FileInfo(candidate);
                if ((int)info.Attributes == -1)
                {
                    // Missing: nothing below can be a link.
                    current = candidate;
                    while (pending.Count > 0)
                    {
                        current = Path.Join(current, pending.Pop());
                    }
                    return Normalize(current);
                }
                if (!info.Attributes.HasFlag(FileAttributes.ReparsePoint) || info.LinkTarget is not { } target)
                {
                    current = candidate;
                    continue;
                }
                if (++hops > MaxLinkHops)
                {
                    return full;
                }
                var targetParts = target.Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries);
                for (var i = targetParts.Length - 1; i >= 0; i--)
                {
                    pending.Push(targetParts[i]);
                }
                if (Path.IsPathRooted(target))
                {
                    current = Path.GetPathRoot(target) ?? root;
                }
            }
            return Normalize(current);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return full;
        }
    }

    private static string Normalize(string path) => PathText.Normalize(path);

    /// <summary>
    /// The absolute paths a Bash word names in <paramref name="directory"/>: one path, or the matches of a glob (the
    /// pattern itself when nothing matches, as bash does). Null when the word is computed at run time (variables,
    /// substitutions, brace expansion, <c>~user</c>) or the glob is too large to expand.
    /// </summary>
    public static List<string>? ResolveWord(string raw, string directory, string home)
    {
        if (BashWords.IsDynamic(raw))
        {
            return null;
        }
        if (!BashWords.HasGlob(raw))
        {
            var unquoted = BashWords.Unquote(raw);
            // Tilde expansion happens only when the ~ itself is unquoted.
            if (unquoted.StartsWith('~') && !raw.StartsWith('~'))
            {
                unquoted = "./" + unquoted;
            }
            return Lexical(unquoted, directory, home) is { } one ? [one] : [];
        }
        var glob = BashWords.GlobText(raw);
        if (glob.StartsWith("~/", StringComparison.Ordinal) && raw.StartsWith('~'))
        {
            glob = home.TrimEnd('/') + glob[1..];
        }
        var absolute = glob.StartsWith('/') ? glob : directory.TrimEnd('/') + "/" + glob;
        var segments = absolute.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var current = new List<string> { "/" };
        foreach (var segment in segments)
        {
            var next = new List<string>();
            if (!BashWords.SegmentHasWildcard(segment))
            {
                var literal = BashWords.SegmentLiteral(segment);
                foreach (var dir in current)
                {
                    next.Add(Path.Join(dir, literal));
                }
            }
            else
            {
                var regex = BashWords.SegmentRegex(segment);
                foreach (var dir in current)
                {
                    try
                    {
                        if (!Directory.Exists(dir))
                        {
                            continue;
                        }
                        foreach (var entry in Directory.EnumerateFileSystemEntries(dir))
                        {
                            var name = Path.GetFileName(entry);
                            if (regex.IsMatch(name))
                            {
                                next.Add(entry);
                                if (next.Count > MaxGlobMatches)
                                {
                                    return null;
                                }
                            }
                        }
                    }
                    catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Text.RegularExpressions.RegexMatchTimeoutException)
                    {
                        return null;
                    }
                }
            }
            current = next;
            if (current.Count == 0)
            {
                break;
            }
        }
        if (current.Count == 0)
        {
            // No match: bash passes the pattern on as written.
            return Lexical(BashWords.SegmentLiteral(absolute), directory, home) is { } literal ? [literal] : [];
        }
        return current.Select(p => Lexical(p, directory, home)).OfType<string>().ToList();
    }
}
