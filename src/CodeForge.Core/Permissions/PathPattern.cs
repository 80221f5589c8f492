using CodeForge.Core.Paths;
using MAB.DotIgnore;

namespace CodeForge.Core.Permissions;

/// <summary>
/// A gitignore-style path pattern from a <c>Read(…)</c> or <c>Edit(…)</c> rule, anchored as Claude Code anchors it:
/// <c>//p</c> at the file-system root, <c>~/p</c> at the home directory, <c>/p</c> at the rule source's base directory
/// (the working directory for session rules), <c>./p</c> and bare <c>p</c> at the working directory. A bare pattern
/// without a slash matches at any depth (gitignore); a bare pattern with a slash is anchored for allow rules but matches
/// at any depth for deny and ask rules (Claude Code: deny <c>Read(secrets/**)</c> matches a <c>secrets</c> folder
/// anywhere). A path outside the anchor directory never matches. A pattern that matches a directory matches everything
/// in it. Matching uses MAB.DotIgnore (case-sensitive on Linux, case-insensitive elsewhere).
/// </summary>
internal sealed class PathPattern
{
    private readonly IgnoreList _matcher;

    /// <summary>
    /// For an anchored pattern, the literal text before its first wildcard: every path it matches starts with it, so a
    /// path that does not is rejected without running the (regex-based, allocating) gitignore matcher.
    /// </summary>
    private readonly string _literalPrefix;

    private readonly bool _coversTree;

    private PathPattern(Anchor anchor, string? baseDirectory, IgnoreList matcher, string literalPrefix, bool coversTree, bool isLiteral = false)
    {
        IsLiteral = isLiteral;
        _coversTree = coversTree;
        AnchorKind = anchor;
        BaseDirectory = baseDirectory;
        _matcher = matcher;
        _literalPrefix = literalPrefix;
    }

    private static StringComparison Comparison => OperatingSystem.IsLinux() ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase;

    internal enum Anchor
    {
        FileSystemRoot,
        Home,
        SettingsBase,
        WorkingDirectory,
    }

    public Anchor AnchorKind { get; }

    public string? BaseDirectory { get; }

    private static MatchFlags Flags => OperatingSystem.IsLinux() ? MatchFlags.PATHNAME : MatchFlags.PATHNAME | MatchFlags.CASEFOLD;

    /// <summary>Parses the specifier; returns null with <paramref name="error"/> set when it is malformed.</summary>
    public static PathPattern? Parse(string specifier, PermissionBehavior behavior, RuleSource source, out string? error)
    {
        error = null;
        Anchor anchor;
        string rest;
        if (specifier.StartsWith("//", StringComparison.Ordinal))
        {
            (anchor, rest) = (Anchor.FileSystemRoot, specifier[2..]);
        }
        else if (specifier.StartsWith("~/", StringComparison.Ordinal))
        {
            (anchor, rest) = (Anchor.Home, specifier[2..]);
        }
        else if (specifier.StartsWith('/'))
        {
            (anchor, rest) = (Anchor.SettingsBase, specifier[1..]);
        }
        else if (specifier.StartsWith("./", StringComparison.Ordinal))
        {
            (anchor, rest) = (Anchor.WorkingDirectory, specifier[2..]);
        }
        else if (specifier.StartsWith('~'))
        {
            error = "'~user' paths are not supported; write ~/path for the home directory";
            return null;
        }
        else
        {
            anchor = Anchor.WorkingDirectory;
            rest = specifier;
        }
        var anchored = anchor != Anchor.WorkingDirectory || specifier.StartsWith("./", StringComparison.Ordinal);
        rest = rest.TrimStart('/');
        if (rest.Length == 0)
        {
            error = $"empty path pattern after the '{specifier}' prefix (write e.g. {specifier}** for everything below)";
            return null;
        }
        if (rest.StartsWith('!'))
        {
            error = "negated path patterns ('!') are not supported in permission rules";
            return null;
        }
        if (rest.Contains('\0', StringComparison.Ordinal))
        {
            error = "NUL character in path pattern";
            return null;
        }
        string pattern;
        if (anchored)
        {
            pattern = "/" + rest; // anchored at the root of the anchor directory
        }
        else if (behavior != PermissionBehavior.Allow && rest.TrimEnd('/').Contains('/', StringComparison.Ordinal) && !rest.StartsWith("**/", StringComparison.Ordinal))
        {
            pattern = "**/" + rest; // deny/ask: a bare relative pattern matches at any depth
        }
        else
        {
            pattern = rest;
        }
        IgnoreList matcher;
        try
        {
            matcher = new IgnoreList([pattern], Flags);
        }
        catch (ArgumentException ex)
        {
            error = $"bad path pattern: {ex.Message}";
            return null;
        }
        var baseDirectory = anchor == Anchor.SettingsBase ? source.BaseDirectory : null;
        if (baseDirectory is not null)
        {
            if (!Path.IsPathFullyQualified(baseDirectory))
            {
                error = $"the rule source's base directory '{baseDirectory}' is not an absolute path";
                return null;
            }
            baseDirectory = Path.GetFullPath(baseDirectory);
            baseDirectory = baseDirectory.Length > 1 ? Path.TrimEndingDirectorySeparator(baseDirectory) : baseDirectory;
        }
        var wildcard = rest.AsSpan().IndexOfAny("*?[\\");
        var literalPrefix = anchored ? (wildcard < 0 ? rest : rest[..wildcard]).TrimEnd('/') : "";
        var afterPrefix = anchored ? rest[Math.Min(rest.Length, literalPrefix.Length)..].TrimEnd('/') : "*";
        var coversTree = anchored && literalPrefix.Length > 0 && afterPrefix is "" or "/**" or "/**/*" or "/*";
        return new PathPattern(anchor, baseDirectory, matcher, literalPrefix, coversTree, anchored && wildcard < 0 && literalPrefix.Length > 0 && !rest.EndsWith('/'));
    }

    /// <summary>
    /// Whether the pattern may match some path at or below the directory <paramref name="directory"/> (a whole tree read
    /// or removed). Errs towards yes: it compares the pattern's anchor and literal prefix with the directory.
    /// </summary>
    public bool MayMatchUnder(string directory, PermissionPolicy policy)
    {
        var root = Root(directory, policy);
        if (_literalPrefix.Length == 0)
        {
            // Matches anywhere below its anchor (a bare pattern, or one starting with a wildcard).
            return PathText.IsUnderOrSame(directory, root) || PathText.IsUnderOrSame(root, directory);
        }
        var prefix = root.TrimEnd('/') + "/" + _literalPrefix;
        return prefix.StartsWith(directory.TrimEnd('/') + "/", Comparison) || directory.StartsWith(prefix, Comparison);
    }

    /// <summary>
    /// Whether the pattern covers <paramref name="directory"/> and everything below it (<c>secrets/**</c> covers
    /// <c>secrets</c> and <c>secrets/db</c>).
    /// </summary>
    public bool CoversTree(string directory, PermissionPolicy policy)
    {
        if (!_coversTree)
        {
            return false;
        }
        var prefix = Root(directory, policy).TrimEnd('/') + "/" + _literalPrefix;
        return PathText.IsUnderOrSame(directory, prefix);
    }

    /// <summary>
    /// For an anchored pattern, the literal text before its first wildcard (every match starts with the anchor directory
    /// followed by it); empty for a pattern that matches at any depth.
    /// </summary>
    public string LiteralPrefix => _literalPrefix;

    /// <summary>
    /// True for an anchored pattern without wildcards (<c>./secret.txt</c>, <c>//etc/shadow</c>): it names one path, the
    /// anchor directory joined with <see cref="LiteralPrefix"/>, and everything below it when that is a directory.
    /// </summary>
    public bool IsLiteral { get; }

    /// <summary>The directory the pattern is anchored at under <paramref name="policy"/> (<c>/</c>, home, base or working directory).</summary>
    public string AnchorDirectory(PermissionPolicy policy) => Root("/", policy);

    private string Root(string fullPath, PermissionPolicy policy) => AnchorKind switch
    {
        Anchor.FileSystemRoot => Path.GetPathRoot(fullPath) ?? "/",
        Anchor.Home => policy.HomeDirectory,
        Anchor.SettingsBase => BaseDirectory ?? policy.WorkingDirectory,
        _ => policy.WorkingDirectory,
    };

    /// <summary>Whether the absolute, normalized <paramref name="fullPath"/> matches.</summary>
    public bool Matches(string fullPath, PermissionPolicy policy, bool isDirectory = false)
    {
        var root = Root(fullPath, policy);
        // Both paths are absolute and normalized, so "under root" is a prefix test (no Path.GetRelativePath allocation).
        var rootLength = Path.EndsInDirectorySeparator(root) ? root.Length : root.Length + 1;
        if (fullPath.Length <= rootLength || !fullPath.StartsWith(root, Comparison) ||
            (rootLength > root.Length && fullPath[root.Length] != Path.DirectorySeparatorChar))
        {
            return false;
        }
        var relative = fullPath.AsSpan(rootLength);
        if (!relative.StartsWith(_literalPrefix, Comparison))
        {
            return false;
        }
        var text = Path.DirectorySeparatorChar == '/' ? relative.ToString() : relative.ToString().Replace(Path.DirectorySeparatorChar, '/');
        return _matcher.IsIgnored(text, isDirectory);
    }
}
