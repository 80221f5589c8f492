using MAB.DotIgnore;

namespace CodeForge.Core.Tools.BuiltIn;

/// <summary>The outcome of matching a path against an ordered list of gitignore-style rules: the last matching rule decides.</summary>
internal enum RuleMatch
{
    None,
    Ignore,
    Whitelist,
}

/// <summary>
/// An ordered list of gitignore-syntax rules (git's wildmatch through MAB.DotIgnore), matched against paths relative to
/// the list's directory with '/' separators. The last matching rule wins. A pattern without a slash matches the entry's
/// name at any depth; a pattern with a slash (or a leading one) is anchored to the list's directory. Callers walk the tree
/// top-down and prune ignored directories, so only the entry itself is matched, never its parents.
/// </summary>
/// <remarks>Immutable after construction; safe to share between threads.</remarks>
internal sealed class GlobRules
{
    private readonly Rule[] _rules;

    private GlobRules(Rule[] rules) => _rules = rules;

    public static GlobRules Empty { get; } = new([]);

    public bool IsEmpty => _rules.Length == 0;

    /// <summary>How many rules say "include" (for overrides: a list with any makes unmatched files excluded).</summary>
    public int WhitelistCount => _rules.Count(r => r.Include);

    /// <summary>Rules from the lines of an ignore file: <c>!x</c> re-includes; blank lines and <c>#</c> comments skipped.</summary>
    public static GlobRules FromIgnoreLines(IEnumerable<string> lines) =>
        new([.. lines.Select(CleanIgnoreLine).Where(l => l.Length > 0).SelectMany(l => Parse(l, invert: false))]);

    /// <summary>
    /// Rules from ripgrep-style override globs (<c>-g</c>): a plain glob includes, <c>!glob</c> excludes; braces
    /// (<c>*.{ts,tsx}</c>) are expanded.
    /// </summary>
    public static GlobRules FromOverrideGlobs(IEnumerable<string> globs) =>
        new([.. globs.Where(g => !string.IsNullOrWhiteSpace(g)).SelectMany(g => Parse(g.Trim(), invert: true))]);

    /// <summary>Matches an entry: <paramref name="relativePath"/> from the rules' directory, its <paramref name="name"/>, whether it is a directory.</summary>
    public RuleMatch Match(string relativePath, string name, bool isDirectory)
    {
        for (var i = _rules.Length - 1; i >= 0; i--)
        {
            if (_rules[i].IsMatch(relativePath, name, isDirectory))
            {
                return _rules[i].Include ? RuleMatch.Whitelist : RuleMatch.Ignore;
            }
        }
        return RuleMatch.None;
    }

    /// <summary>Expands <c>{a,b}</c> alternatives (nested allowed; a backslash escapes a brace or comma).</summary>
    public static IEnumerable<string> ExpandBraces(string pattern)
    {
        var open = FindUnescaped(pattern, '{', 0);
        if (open < 0)
        {
            yield return pattern;
            yield break;
        }
        var depth = 0;
        var close = -1;
        var commas = new List<int>();
        for (var i = open; i < pattern.Length; i++)
        {
            if (pattern[i] == '\\')
            {
                i++;
                continue;
            }
            if (pattern[i] == '{')
            {
                depth++;
            }
            else if (pattern[i] == '}')
            {
                if (--depth == 0)
                {
                    close = i;
                    break;
                }
            }
            else if (pattern[i] == ',' && depth == 1)
            {
                commas.Add(i);
            }
        }
        if (close < 0)
        {
            yield return pattern;
            yield break;
        }
        var prefix = pattern[..open];
        var suffix = pattern[(close + 1)..];
        var bounds = new List<int> { open };
        bounds.AddRange(commas);
        bounds.Add(close);
        for (var k = 0; k + 1 < bounds.Count; k++)
        {
            var alternative = pattern[(bounds[k] + 1)..bounds[k + 1]];
            foreach (var expanded in ExpandBraces(prefix + alternative + suffix))
            {
                yield return expanded;
            }
        }
    }

    private static int FindUnescaped(string s, char c, int start)
    {
        for (var i = start; i < s.Length; i++)
        {
            if (s[i] == '\\')
            {
                i++;
            }
            else if (s[i] == c)
            {
                return i;
            }
        }
        return -1;
    }

    private static string CleanIgnoreLine(string line)
    {
        if (line.Length == 0 || line[0] == '#')
        {
            return "";
        }
        // Trailing spaces are ignored unless escaped with a backslash.
        var end = line.Length;
        while (end > 0 && line[end - 1] is ' ' or '\t' or '\r' && !(end >= 2 && line[end - 2] == '\\'))
        {
            end--;
        }
        return line[..end];
    }

    private static IEnumerable<Rule> Parse(string line, bool invert)
    {
        var negated = line.StartsWith('!');
        var body = negated ? line[1..] : line;
        if (body.Length == 0 || body == "/")
        {
            yield break;
        }
        var include = invert ? !negated : negated;
        foreach (var pattern in invert ? ExpandBraces(body) : [body])
        {
            IgnoreRule rule;
            try
            {
                rule = new IgnoreRule(pattern, MatchFlags.PATHNAME);
            }
            catch (ArgumentException)
            {
                continue;
            }
            var anchored = (rule.PatternFlags & PatternFlags.ABSOLUTE_PATH) != 0;
            var hasSlash = rule.Pattern.Contains('/', StringComparison.Ordinal);
            var kind = hasSlash || rule.Pattern.Contains("**", StringComparison.Ordinal) ? MatchKind.Path
                : anchored ? MatchKind.RootName
                : MatchKind.Name;
            yield return new Rule(rule, kind, include);
        }
    }

    private enum MatchKind
    {
        /// <summary>No slash: matches the entry's name at any depth.</summary>
        Name,

        /// <summary>A leading slash and no other: matches a name directly in the rules' directory.</summary>
        RootName,

        /// <summary>Contains a slash: matched against the whole relative path.</summary>
        Path,
    }

    private sealed record Rule(IgnoreRule Inner, MatchKind Kind, bool Include)
    {
        public bool IsMatch(string relativePath, string name, bool isDirectory) => Kind switch
        {
            MatchKind.Name => Inner.IsMatch(name, isDirectory),
            MatchKind.RootName => !relativePath.Contains('/', StringComparison.Ordinal) && Inner.IsMatch(relativePath, isDirectory),
            _ => Inner.IsMatch(relativePath, isDirectory),
        };
    }
}
