using System.Text;
using System.Text.RegularExpressions;

namespace CodeForge.Core.Permissions;

/// <summary>Facts about one shell word as written (quotes kept). Stateless and thread-safe.</summary>
internal static class BashWords
{
    /// <summary>The word as the program receives it (quotes and backslashes removed).</summary>
    public static string Unquote(string word) => BashCommand.Unquote(word);

    /// <summary>
    /// True when the shell computes the word when the command runs: a parameter expansion (<c>$X</c>, <c>${X}</c>),
    /// ANSI-C or locale quoting (<c>$'…'</c>, <c>$"…"</c>), a substitution, brace expansion (<c>{a,b}</c>,
    /// <c>{1..3}</c>) or <c>~user</c>. Single-quoted text is literal.
    /// </summary>
    public static bool IsDynamic(string word)
    {
        if (word.Length > 1 && word[0] == '~' && word[1] != '/')
        {
            return true; // ~user, ~+, ~-
        }
        var quote = '\0';
        for (var i = 0; i < word.Length; i++)
        {
            var c = word[i];
            if (quote == '\'')
            {
                if (c == '\'')
                {
                    quote = '\0';
                }
                continue;
            }
            if (c == '\\')
            {
                i++;
                continue;
            }
            if (c is '$' or '`')
            {
                return true;
            }
            if (quote == '"')
            {
                if (c == '"')
                {
                    quote = '\0';
                }
                continue;
            }
            if (c is '\'' or '"')
            {
                quote = c;
                continue;
            }
            if (c == '{')
            {
                var close = word.IndexOf('}', i + 1);
                if (close > i)
                {
                    var inner = word.AsSpan(i + 1, close - i - 1);
                    if (inner.Contains(',') || inner.Contains("..", StringComparison.Ordinal))
                    {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /// <summary>True when the word has an unquoted, unescaped glob character (<c>*</c>, <c>?</c>, <c>[</c>).</summary>
    public static bool HasGlob(string word)
    {
        var quote = '\0';
        for (var i = 0; i < word.Length; i++)
        {
            var c = word[i];
            if (quote != '\0')
            {
                if (c == quote)
                {
                    quote = '\0';
                }
                else if (c == '\\' && quote == '"')
                {
                    i++;
                }
                continue;
            }
            switch (c)
            {
                case '\\':
                    i++;
                    break;
                case '\'' or '"':
                    quote = c;
                    break;
                case '*' or '?' or '[':
                    return true;
            }
        }
        return false;
    }

    /// <summary>
    /// The word as a glob: quotes removed, quoted or escaped glob characters escaped with a backslash, unquoted ones
    /// kept as wildcards.
    /// </summary>
    public static string GlobText(string word)
    {
        var sb = new StringBuilder(word.Length);
        var quote = '\0';
        for (var i = 0; i < word.Length; i++)
        {
            var c = word[i];
            if (quote == '\0' && c is '\'' or '"')
            {
                quote = c;
                continue;
            }
            if (c == quote)
            {
                quote = '\0';
                continue;
            }
            if (c == '\\' && quote != '\'' && i + 1 < word.Length)
            {
                c = word[++i];
                sb.Append(c is '*' or '?' or '[' or ']' or '\\' ? "\\" + c : c.ToString());
                continue;
            }
            if (quote != '\0' && c is '*' or '?' or '[' or ']' or '\\')
            {
                sb.Append('\\');
            }
            sb.Append(c);
        }
        return sb.ToString();
    }

    /// <summary>A regex for one glob segment (no slash) as bash matches it: a leading dot must be matched literally.</summary>
    public static Regex SegmentRegex(string segment)
    {
        var sb = new StringBuilder("^");
        for (var i = 0; i < segment.Length; i++)
        {
            var c = segment[i];
            switch (c)
            {
                case '\\' when i + 1 < segment.Length:
                    sb.Append(Regex.Escape(segment[++i].ToString()));
                    break;
                case '*':
                    sb.Append(i == 0 ? "(?!\\.)[^/]*" : "[^/]*");
                    break;
                case '?':
                    sb.Append(i == 0 ? "(?!\\.)[^/]" : "[^/]");
                    break;
                case '[':
                    {
                        var close = segment.IndexOf(']', i + 2);
                        if (close < 0)
                        {
                            sb.Append("\\[");
                            break;
                        }
                        var body = segment[(i + 1)..close];
                        if (body.StartsWith('!'))
                        {
                            body = "^" + body[1..];
                        }
                        sb.Append('[').Append(body.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("[", "\\[", StringComparison.Ordinal)).Append(']');
                        i = close;
                        break;
                    }
                default:
                    sb.Append(Regex.Escape(c.ToString()));
                    break;
            }
        }
        sb.Append('$');
        return new Regex(sb.ToString(), RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(200));
    }

    /// <summary>True when the segment (after <see cref="GlobText"/>) holds an unescaped wildcard.</summary>
    public static bool SegmentHasWildcard(string segment)
    {
        for (var i = 0; i < segment.Length; i++)
        {
            if (segment[i] == '\\')
            {
                i++;
                continue;
            }
            if (segment[i] is '*' or '?' or '[')
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>The segment with its backslash escapes removed.</summary>
    public static string SegmentLiteral(string segment)
    {
        if (!segment.Contains('\\', StringComparison.Ordinal))
        {
            return segment;
        }
        var sb = new StringBuilder(segment.Length);
        for (var i = 0; i < segment.Length; i++)
        {
            if (segment[i] == '\\' && i + 1 < segment.Length)
            {
                i++;
            }
            sb.Append(segment[i]);
        }
        return sb.ToString();
    }
}

/// <summary>Options and positional arguments of one command line, given which options take a value.</summary>
internal sealed class ArgScan
{
    private ArgScan()
    {
    }

    /// <summary>Indexes of positional arguments.</summary>
    public List<int> Positional { get; } = [];

    /// <summary>Options with a value: name (<c>-f</c>, <c>--file</c>), value, and the word index of a separate value (-1 if attached).</summary>
    public List<(string Name, string Value, int Index)> Options { get; } = [];

    /// <summary>Every short flag letter seen.</summary>
    public HashSet<char> Flags { get; } = [];

    /// <summary>Every long option name seen.</summary>
    public HashSet<string> Long { get; } = new(StringComparer.Ordinal);

    public bool Has(char flag, string longName) => Flags.Contains(flag) || (longName.Length > 0 && Long.Contains(longName));

    public static ArgScan Scan(IReadOnlyList<string> args, string shortWithValue, string[] longWithValue)
    {
        var result = new ArgScan();
        var endOfOptions = false;
        for (var i = 0; i < args.Count; i++)
        {
            var a = args[i];
            if (endOfOptions || a == "-" || !a.StartsWith('-') || a.Length == 1)
            {
                result.Positional.Add(i);
                continue;
            }
            if (a == "--")
            {
                endOfOptions = true;
                continue;
            }
            if (a.StartsWith("--", StringComparison.Ordinal))
            {
                var eq = a.IndexOf('=', StringComparison.Ordinal);
                var name = eq > 0 ? a[..eq] : a;
                result.Long.Add(name);
                if (eq > 0)
                {
                    result.Options.Add((name, a[(eq + 1)..], -1));
                }
                else if (longWithValue.Contains(name) && i + 1 < args.Count)
                {
                    result.Options.Add((name, args[i + 1], i + 1));
                    i++;
                }
                continue;
            }
            if (char.IsAsciiDigit(a[1]) && shortWithValue.Contains('n', StringComparison.Ordinal))
            {
                continue; // head -5
            }
            // A long option written with one dash (find-style, openssl -in) is treated as a value option when listed.
            if (longWithValue.Contains(a) && i + 1 < args.Count)
            {
                result.Options.Add((a, args[i + 1], i + 1));
                i++;
                continue;
            }
            for (var j = 1; j < a.Length; j++)
            {
                var letter = a[j];
                result.Flags.Add(letter);
                if (shortWithValue.Contains(letter, StringComparison.Ordinal))
                {
                    if (j + 1 < a.Length)
                    {
                        result.Options.Add(("-" + letter, a[(j + 1)..], -1));
                    }
                    else if (i + 1 < args.Count)
                    {
                        result.Options.Add(("-" + letter, args[i + 1], i + 1));
                        i++;
                    }
                    break;
                }
            }
        }
        return result;
    }
}

/// <summary>
/// Recognises sed scripts that only print, delete, quit or substitute (no <c>e</c>, <c>r</c>, <c>R</c>, <c>w</c>,
/// <c>W</c> commands or flags), so sed without <c>-i</c> is read-only and reads only its file arguments.
/// </summary>
internal static partial class SedScript
{
    public static bool IsSafe(string script)
    {
        foreach (var statement in Statements(script))
        {
            var s = statement.Trim();
            if (s.Length == 0)
            {
                continue;
            }
            if (!SafeStatement().IsMatch(s) && !IsSafeSubstitution(s))
            {
                return false;
            }
        }
        return true;
    }

    private static string[] Statements(string script)
    {
        // Split at ; and newlines outside s/// bodies is hard in general: split naively and let the checks fail closed.
        if (script.StartsWith('s') || script.Contains("s/", StringComparison.Ordinal) || script.Contains("s|", StringComparison.Ordinal))
        {
            return [script];
        }
        return script.Split([';', '\n']);
    }

    /// <summary><c>s/re/repl/flags</c> with any delimiter, optionally addressed, flags from g, p, i, I, m, M and digits.</summary>
    private static bool IsSafeSubstitution(string s)
    {
        var m = Address().Match(s);
        var i = m.Success ? m.Length : 0;
        if (i >= s.Length || s[i] != 's' || i + 1 >= s.Length)
        {
            return false;
        }
        var delimiter = s[i + 1];
        if (delimiter is '\\' or '\n' || char.IsWhiteSpace(delimiter))
        {
            return false;
        }
        var j = i + 2;
        for (var part = 0; part < 2; part++)
        {
            while (j < s.Length && s[j] != delimiter)
            {
                j += s[j] == '\\' ? 2 : 1;
            }
            if (j >= s.Length)
            {
                return false;
            }
            j++;
        }
        var flags = s[j..];
        // Several statements after the substitution (s/a/b/;p) are judged one by one.
        var semi = flags.IndexOf(';', StringComparison.Ordinal);
        if (semi >= 0)
        {
            return FlagsOk(flags[..semi]) && IsSafe(flags[(semi + 1)..]);
        }
        return FlagsOk(flags);

        static bool FlagsOk(string f) => f.Trim().All(c => c is 'g' or 'p' or 'i' or 'I' or 'm' or 'M' || char.IsAsciiDigit(c));
    }

    [GeneratedRegex(@"^(\d+|\$|/[^/]*/)(,(\d+|\$|/[^/]*/))?!?")]
    private static partial Regex Address();

    [GeneratedRegex(@"^((\d+|\$|/[^/]*/)(,(\d+|\$|/[^/]*/|\+\d+))?)?\s*!?\s*[pdqQ=nNgGhHxlz]?$")]
    private static partial Regex SafeStatement();
}
