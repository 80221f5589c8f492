using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace CodeForge.Core.Skills;

/// <summary>
/// The fast path of <see cref="MarkdownFrontmatter.Parse(string, string)"/>: frontmatter that is one <c>key: value</c> per line, read
/// without the YAML parser when the outcome is certainly what the general path (YAML, then the line-by-line re-read)
/// gives. Start-up reads every SKILL.md, command and agent of every plugin, and YamlDotNet (with an exception for each
/// agent whose one-line description holds <c>Examples: &lt;example&gt;Context: …</c>) was most of that time.
/// </summary>
/// <remarks>
/// <para>Accepted lines: <c>key: value</c> with a key of letters, digits, <c>_</c> and <c>-</c>, one or more spaces,
/// and a non-empty value; the keys all different. A value is one of:</para>
/// <list type="bullet">
/// <item>a safe plain scalar: it does not start with a YAML indicator, holds no <c>": "</c> or <c>" #"</c>, does not end
/// with <c>:</c>, and has only printable characters (no tabs, controls, YAML 1.1 line breaks or surrogates) — YAML
/// reads it as the text itself;</item>
/// <item><c>argument-hint: [...]</c>, which the general path quotes as text (<c>QuoteBracketHint</c>);</item>
/// <item>certainly invalid YAML: a plain value holding <c>": "</c> before any <c>" #"</c> ("mapping values are not
/// allowed here"). Then the general path's YAML parse fails and its line-by-line re-read quotes exactly those fields, so
/// this reader gives that re-read's result (<see cref="MarkdownFrontmatter.ReadLeniently"/>), provided every key after
/// the first is one the re-read knows (<see cref="MarkdownFrontmatter.KnownKeys"/>) and a <c>name</c> or
/// <c>description</c> is present.</item>
/// </list>
/// <para>Anything else (blank or comment lines, indented lines, quoted, flow or block values, empty values) returns
/// null and the caller takes the general path, so the results never differ. Stateless; thread-safe.</para>
/// </remarks>
internal static class SimpleFrontmatter
{
    /// <summary>The mapping, the file line of each node, and whether it is the line-by-line re-read's result.</summary>
    internal sealed record Result(YamlMappingNode Map, IReadOnlyDictionary<YamlNode, int> Lines, bool Lenient);

    private enum Kind
    {
        Plain,
        BracketHint,
        Invalid,
    }

    /// <summary>
    /// Reads <paramref name="lines"/> (the frontmatter lines between the <c>---</c> lines; the first is line 2 of the file),
    /// or returns null when the general path must decide.
    /// </summary>
    public static Result? TryRead(ReadOnlySpan<string> lines, IReadOnlySet<string> knownKeys)
    {
        if (lines.Length == 0)
        {
            return null;
        }
        var fields = new (string Key, string Value, Kind Kind)[lines.Length];
        var keys = new HashSet<string>(StringComparer.Ordinal);
        var invalid = false;
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].EndsWith('\r') ? lines[i][..^1] : lines[i];
            var colon = KeyLength(line);
            if (colon <= 0 || colon > 1000 || colon + 1 >= line.Length || line[colon + 1] != ' ')
            {
                return null;
            }
            var key = line[..colon];
            if (!keys.Add(key))
            {
                return null;
            }
            var value = line[(colon + 1)..].Trim(' ');
            if (value.Length == 0 || !AllPrintable(value))
            {
                return null;
            }
            Kind kind;
            if (key == "argument-hint" && value[0] == '[')
            {
                if (char.IsWhiteSpace(value[^1]))
                {
                    return null; // QuoteBracketHint leaves out any trailing white space, YAML only spaces
                }
                kind = Kind.BracketHint;
            }
            else if (IsIndicator(value[0]) || value.EndsWith(':'))
            {
                return null;
            }
            else
            {
                var comment = value.IndexOf(" #", StringComparison.Ordinal);
                var mapping = value.IndexOf(": ", StringComparison.Ordinal);
                if (comment >= 0 && (mapping < 0 || comment < mapping))
                {
                    return null; // a comment: YAML drops it
                }
                kind = mapping >= 0 ? Kind.Invalid : Kind.Plain;
            }
            invalid |= kind == Kind.Invalid;
            fields[i] = (key, value, kind);
        }
        if (invalid && (!keys.Contains("name") && !keys.Contains("description") || fields.Skip(1).Any(f => !knownKeys.Contains(f.Key))))
        {
            return null;
        }
        var map = new YamlMappingNode();
        var nodeLines = new Dictionary<YamlNode, int>(ReferenceEqualityComparer.Instance);
        for (var i = 0; i < fields.Length; i++)
        {
            var (key, value, kind) = fields[i];
            YamlScalarNode node;
            switch (kind)
            {
                case Kind.Plain:
                    node = new YamlScalarNode(value) { Style = ScalarStyle.Plain };
                    break;
                case Kind.BracketHint:
                    node = new YamlScalarNode(value) { Style = ScalarStyle.SingleQuoted };
                    break;
                default:
                    // As the re-read: the text after "key:" trimmed, written as a double-quoted scalar, then read back.
                    var line = lines[i].EndsWith('\r') ? lines[i][..^1] : lines[i];
                    if (Unescape(MarkdownFrontmatter.EscapeField(line[(key.Length + 1)..].Trim().TrimEnd())) is not { } text)
                    {
                        return null;
                    }
                    node = new YamlScalarNode(text) { Style = ScalarStyle.DoubleQuoted };
                    break;
            }
            var keyNode = new YamlScalarNode(key) { Style = ScalarStyle.Plain };
            map.Add(keyNode, node);
            nodeLines[keyNode] = i + 2;
            nodeLines[node] = i + 2;
        }
        return new Result(map, nodeLines, invalid);
    }

    /// <summary>The length of the key before the <c>:</c> that ends it, or -1.</summary>
    private static int KeyLength(string line)
    {
        if (line.Length == 0 || !(char.IsAsciiLetter(line[0]) || line[0] == '_'))
        {
            return -1;
        }
        for (var i = 1; i < line.Length; i++)
        {
            var c = line[i];
            if (c == ':')
            {
                return i;
            }
            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
            {
                return -1;
            }
        }
        return -1;
    }

    private static bool IsIndicator(char c) => c is '-' or '?' or ':' or ',' or '[' or ']' or '{' or '}' or '#' or '&' or '*' or '!' or '|' or '>' or '\'' or '"' or '%' or '@' or '`' or ' ';

    /// <summary>Printable for YAML and never a line break (YAML 1.1 also breaks lines at U+0085, U+2028, U+2029); no tabs, no surrogates.</summary>
    private static bool AllPrintable(string value)
    {
        foreach (var c in value)
        {
            if (c < 0x20 || c is >= '\u007F' and <= '\u009F' || c is '\u2028' or '\u2029' or '\uFEFF' or >= '\uFFFE' || char.IsSurrogate(c))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Reads the inside of a double-quoted scalar made by <see cref="MarkdownFrontmatter.EscapeField"/>: only the
    /// escapes <c>\\</c>, <c>\"</c>, <c>\n</c>, <c>\t</c>; null for anything else (then YAML decides).</summary>
    private static string? Unescape(string escaped)
    {
        if (!AllPrintable(escaped))
        {
            return null;
        }
        var result = new System.Text.StringBuilder(escaped.Length);
        for (var i = 0; i < escaped.Length; i++)
        {
            var c = escaped[i];
            if (c == '"')
            {
                return null;
            }
            if (c != '\\')
            {
                result.Append(c);
                continue;
            }
            if (++i == escaped.Length)
            {
                return null;
            }
            switch (escaped[i])
            {
                case '\\': result.Append('\\'); break;
                case '"': result.Append('"'); break;
                case 'n': result.Append('\n'); break;
                case 't': result.Append('\t'); break;
                default: return null;
            }
        }
        return result.ToString();
    }
}
