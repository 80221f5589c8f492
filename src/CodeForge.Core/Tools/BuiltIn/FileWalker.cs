using System.IO.Enumeration;

namespace CodeForge.Core.Tools.BuiltIn;

/// <summary>One file found by <see cref="FileWalker"/>.</summary>
/// <param name="FullPath">The absolute path (below the walk's root, symbolic links not followed).</param>
/// <param name="RelativePath">The path from the walk's root with '/' separators.</param>
/// <param name="IsSymbolicLink">True when the entry is a symbolic link to a file.</param>
internal readonly record struct WalkEntry(string FullPath, string RelativePath, bool IsSymbolicLink);

/// <summary>A directory still to list in a walk, with the ignore rules that apply inside it.</summary>
internal sealed record WalkDirectory(string FullPath, string RelativePath, FileWalker.IgnoreLevel? Levels);

/// <summary>The start of a walk: its root and the git work tree it is in (null when none).</summary>
internal sealed record WalkStart(WalkDirectory Root, string? GitRoot);

/// <summary>Which files a walk yields (see <see cref="FileWalker"/>).</summary>
internal sealed record WalkOptions
{
    /// <summary>Honour <c>.gitignore</c> (inside a git work tree), <c>.git/info/exclude</c>, <c>.ignore</c> and <c>.rgignore</c>.</summary>
    public bool RespectIgnoreFiles { get; init; } = true;

    /// <summary>ripgrep-style override globs (<c>-g</c>), matched before the ignore files.</summary>
    public GlobRules Overrides { get; init; } = GlobRules.Empty;

    /// <summary>File-name globs of a file type (<c>--type</c>); null means every type.</summary>
    public GlobRules? Types { get; init; }

    /// <summary>Yield symbolic links to files (never descends into linked directories).</summary>
    public bool IncludeSymbolicLinks { get; init; }

    /// <summary>Decides whether to descend into a directory (by its relative path), after the ignore rules; null means always.</summary>
    public Func<string, bool>? ShouldDescend { get; init; }
}

/// <summary>
/// Walks a directory tree the way ripgrep does by default with <c>--hidden</c>: hidden files are included, <c>.git</c>
/// entries are skipped, symbolic links are not followed, and ignore files are honoured (ripgrep's precedence: overrides,
/// then ignore files, deepest first and last rule winning, then file types). Used by Glob and by the managed Grep.
/// </summary>
/// <remarks>Stateless; each enumeration is independent and single-threaded. Unreadable directories are skipped.</remarks>
internal static class FileWalker
{
    private static readonly EnumerationOptions ListOptions = new()
    {
        RecurseSubdirectories = false,
        IgnoreInaccessible = true,
        AttributesToSkip = 0,
        ReturnSpecialDirectories = false,
    };

    /// <summary>Where a walk starts: the root directory (with its ancestors' ignore rules) and the enclosing git work tree.</summary>
    public static WalkStart Start(string root, WalkOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new WalkStart(new WalkDirectory(root, "", options.RespectIgnoreFiles ? AncestorLevels(root) : null), FindGitRoot(root));
    }

    /// <summary>A sequential walk from <paramref name="root"/>, directories in name order, depth first.</summary>
    public static IEnumerable<WalkEntry> Enumerate(string root, WalkOptions options, CancellationToken cancellationToken)
    {
        var start = Start(root, options);
        var stack = new Stack<WalkDirectory>();
        stack.Push(start.Root);
        var files = new List<WalkEntry>();
        var subdirectories = new List<WalkDirectory>();
        while (stack.Count > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            files.Clear();
            subdirectories.Clear();
            Expand(stack.Pop(), options, start, files, subdirectories);
            foreach (var file in files)
            {
                yield return file;
            }
            for (var i = subdirectories.Count - 1; i >= 0; i--)
            {
                stack.Push(subdirectories[i]);
            }
        }
    }

    /// <summary>
    /// Lists one directory: adds the files to yield to <paramref name="files"/> and the directories to descend into to
    /// <paramref name="subdirectories"/> (both in name order). Thread-safe: a parallel walk may expand many directories at once.
    /// </summary>
    public static void Expand(WalkDirectory directory, WalkOptions options, WalkStart start, List<WalkEntry> files, List<WalkDirectory> subdirectories)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(start);
        var (full, relative, levels) = (directory.FullPath, directory.RelativePath, directory.Levels);
        var entries = List(full);
        if (options.RespectIgnoreFiles)
        {
            var rules = LoadIgnoreFiles(full, entries, inGitRepo: start.GitRoot is not null,
                atGitRoot: relative.Length == 0 && start.GitRoot == start.Root.FullPath);
            if (rules is not null)
            {
                levels = new IgnoreLevel(rules, relative.Length == 0 ? "" : relative + "/", "", levels);
            }
        }
        foreach (var entry in entries)
        {
            if (entry.Name == ".git")
            {
                continue;
            }
            var entryRelative = relative.Length == 0 ? entry.Name : relative + "/" + entry.Name;
            var isDirectory = entry.IsDirectory && !entry.IsSymbolicLink;
            if (entry.IsSymbolicLink && (entry.IsDirectory || !options.IncludeSymbolicLinks))
            {
                continue;
            }
            if (!Included(options, levels, entryRelative, entry.Name, isDirectory))
            {
                continue;
            }
            var entryFull = Path.Join(full, entry.Name);
            if (isDirectory)
            {
                if (options.ShouldDescend is null || options.ShouldDescend(entryRelative))
                {
                    subdirectories.Add(new WalkDirectory(entryFull, entryRelative, levels));
                }
            }
            else
            {
                files.Add(new WalkEntry(entryFull, entryRelative, entry.IsSymbolicLink));
            }
        }
    }

    /// <summary>The nearest directory at or above <paramref name="directory"/> that contains a <c>.git</c> entry, or null.</summary>
    public static string? FindGitRoot(string directory)
    {
        for (var current = directory; !string.IsNullOrEmpty(current); current = Path.GetDirectoryName(current))
        {
            var git = Path.Join(current, ".git");
            if (Directory.Exists(git) || File.Exists(git))
            {
                return current;
            }
        }
        return null;
    }

    private static bool Included(WalkOptions options, IgnoreLevel? levels, string relative, string name, bool isDirectory)
    {
        if (!options.Overrides.IsEmpty)
        {
            switch (options.Overrides.Match(relative, name, isDirectory))
            {
                case RuleMatch.Ignore:
                    return false;
                case RuleMatch.Whitelist:
                    return true;
                default:
                    if (!isDirectory && options.Overrides.WhitelistCount > 0)
                    {
                        return false;
                    }
                    break;
            }
        }
        for (var level = levels; level is not null; level = level.Parent)
        {
            var path = level.AddPrefix + (level.StripPrefix.Length == 0 ? relative : relative[level.StripPrefix.Length..]);
            var match = level.Rules.Match(path, name, isDirectory);
            if (match == RuleMatch.Ignore)
            {
                return false;
            }
            if (match == RuleMatch.Whitelist)
            {
                break;
            }
        }
        if (!isDirectory && options.Types is { } types && types.Match(relative, name, isDirectory) != RuleMatch.Whitelist)
        {
            return false;
        }
        return true;
    }

    private static List<Entry> List(string directory)
    {
        try
        {
            // Name, type and the link bit only: no modification times or sizes. The link bit still costs a lstat per entry
            // (.NET keeps readdir's d_type-based IsSymbolicLink internal; reading it through UnsafeAccessor made listing
            // 2.5x faster but breaks Coyote's rewriting of this assembly).
            var enumerable = new FileSystemEnumerable<Entry>(directory, static (ref FileSystemEntry e) => new Entry(
                e.FileName.ToString(),
                e.IsDirectory,
                (e.Attributes & FileAttributes.ReparsePoint) != 0), ListOptions);
            var list = enumerable.ToList();
            list.Sort(static (a, b) => string.CompareOrdinal(a.Name, b.Name));
            return list;
        }
        catch (IOException)
        {
            return [];
        }
        catch (UnauthorizedAccessException)
        {
            return [];
        }
    }

    private static GlobRules? LoadIgnoreFiles(string directory, List<Entry>? entries, bool inGitRepo, bool atGitRoot)
    {
        bool Has(string name) => entries is null ? File.Exists(Path.Join(directory, name)) : entries.Exists(e => e.Name == name && !e.IsDirectory);
        var lines = new List<string>();
        if (atGitRoot)
        {
            var exclude = Path.Join(directory, ".git", "info", "exclude");
            if (File.Exists(exclude))
            {
                lines.AddRange(ReadLines(exclude));
            }
        }
        if (inGitRepo && Has(".gitignore"))
        {
            lines.AddRange(ReadLines(Path.Join(directory, ".gitignore")));
        }
        if (Has(".ignore"))
        {
            lines.AddRange(ReadLines(Path.Join(directory, ".ignore")));
        }
        if (Has(".rgignore"))
        {
            lines.AddRange(ReadLines(Path.Join(directory, ".rgignore")));
        }
        if (lines.Count == 0)
        {
            return null;
        }
        var rules = GlobRules.FromIgnoreLines(lines);
        return rules.IsEmpty ? null : rules;
    }

    /// <summary>The ignore files of the walk root's ancestors (up to the git root for .gitignore; all the way up for .ignore).</summary>
    private static IgnoreLevel? AncestorLevels(string root)
    {
        var gitRoot = FindGitRoot(root);
        var ancestors = new List<string>();
        for (var current = Path.GetDirectoryName(root); !string.IsNullOrEmpty(current); current = Path.GetDirectoryName(current))
        {
            ancestors.Add(current);
        }
        IgnoreLevel? levels = null;
        // Outermost first, so the nearest ancestor ends up first in the chain (deepest wins).
        for (var i = ancestors.Count - 1; i >= 0; i--)
        {
            var ancestor = ancestors[i];
            var inRepo = gitRoot is not null && FilePathPolicy.IsAtOrBelow(ancestor, gitRoot);
            var rules = LoadIgnoreFiles(ancestor, null, inRepo, atGitRoot: inRepo && ancestor == gitRoot);
            if (rules is not null)
            {
                var prefix = Path.GetRelativePath(ancestor, root).Replace(Path.DirectorySeparatorChar, '/') + "/";
                levels = new IgnoreLevel(rules, "", prefix, levels);
            }
        }
        return levels;
    }

    private static string[] ReadLines(string path)
    {
        try
        {
            return File.ReadAllLines(path);
        }
        catch (IOException)
        {
            return [];
        }
        catch (UnauthorizedAccessException)
        {
            return [];
        }
    }

    private readonly record struct Entry(string Name, bool IsDirectory, bool IsSymbolicLink);

    /// <summary>
    /// One directory's ignore rules. An entry's root-relative path becomes the level-relative path by removing
    /// <see cref="StripPrefix"/> (a level below the root) or prepending <see cref="AddPrefix"/> (an ancestor of the root).
    /// </summary>
    internal sealed record IgnoreLevel(GlobRules Rules, string StripPrefix, string AddPrefix, IgnoreLevel? Parent);
}
