using System.Collections.Immutable;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace CodeForge.Core.Skills;

/// <summary>
/// A Markdown file with optional YAML frontmatter (<c>---</c> … <c>---</c>), as used by SKILL.md, custom commands and
/// agent files. The YAML is read with YamlDotNet's representation model (no reflection, trim- and AOT-safe); every value
/// keeps its line so problems can be reported as <c>file:line</c>.
/// </summary>
/// <remarks>Immutable after <see cref="Parse(string, string)"/>; safe to share between threads.</remarks>
public sealed partial class MarkdownFrontmatter
{
    private readonly YamlMappingNode? _map;
    private readonly IReadOnlyDictionary<YamlNode, int>? _nodeLines; // file lines of nodes built by SimpleFrontmatter
    private string[]? _lenientBlock; // the block's lines, kept only when it was read leniently (set during Parse)

    private MarkdownFrontmatter(string path, YamlMappingNode? map, int yamlFirstLine, string body, int bodyLine, bool hasFrontmatter,
        ImmutableArray<LoadDiagnostic> diagnostics, bool readLeniently = false, IReadOnlyDictionary<YamlNode, int>? nodeLines = null)
    {
        _nodeLines = nodeLines;
        ReadLeniently = readLeniently;
        Path = path;
        _map = map;
        YamlFirstLine = yamlFirstLine;
        Body = body;
        BodyLine = bodyLine;
        HasFrontmatter = hasFrontmatter;
        Diagnostics = diagnostics;
    }

    /// <summary>The file this came from (for messages).</summary>
    public string Path { get; }

    /// <summary>
    /// Whether the frontmatter was not valid YAML and was read line by line instead (as Claude Code reads, e.g., agent
    /// descriptions with <c>Examples: &lt;example&gt;Context: …</c> on one line).
    /// </summary>
    public bool ReadLeniently { get; }

    /// <summary>
    /// Whether Claude Code reads this frontmatter's fields too. It parses the YAML and, when that fails, parses it once
    /// more with each top-level <c>key: value</c> line whose value holds <c>": "</c> or a YAML indicator quoted; when that
    /// fails too it reads no field at all (so an agent is named by its file). True for valid YAML; for a block this class
    /// read leniently, whether that one retry parses (forge still reads the fields; callers use this to name things as
    /// Claude Code does).
    /// </summary>
    public bool ClaudeCodeReadsFields => _lenientBlock is null || QuotedRetryParses(_lenientBlock);

    /// <summary>The frontmatter keys the line-by-line reader recognises as the start of a field.</summary>
    public static IReadOnlySet<string> KnownKeys { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "name", "description", "tools", "allowed-tools", "allowedTools", "disallowedTools", "disallowed-tools", "model", "color",
        "argument-hint", "version", "license", "when_to_use", "when-to-use", "disable-model-invocation", "user-invocable",
        "context", "agent", "hooks", "permissionMode", "skills", "mcpServers", "effort", "metadata", "compatibility", "author",
        "tags", "aliases", "category", "shell", "paths", "memory", "maxTurns", "background", "isolation", "initialPrompt",
        "arguments", "hide-from-slash-command-tool", "type", "config", "requires", "dependencies",
    };

    /// <summary>Whether the file starts with a frontmatter block.</summary>
    public bool HasFrontmatter { get; }

    /// <summary>Whether the frontmatter parsed (false when the YAML is malformed or the block is not closed).</summary>
    public bool IsValid => !Diagnostics.Any(d => d.IsError);

    /// <summary>The Markdown after the frontmatter.</summary>
    public string Body { get; }

    /// <summary>The 1-based line where <see cref="Body"/> starts.</summary>
    public int BodyLine { get; }

    /// <summary>Problems with the frontmatter block itself (malformed YAML, not a mapping, not closed).</summary>
    public ImmutableArray<LoadDiagnostic> Diagnostics { get; }

    private int YamlFirstLine { get; }

    /// <summary>The keys present in the frontmatter, in file order.</summary>
    public IEnumerable<string> Keys => _map is null
        ? []
        : _map.Children.Keys.OfType<YamlScalarNode>().Select(k => k.Value ?? "");

    /// <summary>Splits <paramref name="text"/> into frontmatter and body and parses the frontmatter.</summary>
    public static MarkdownFrontmatter Parse(string text, string path) => Parse(text, path, fastPath: true);

    /// <summary>As <see cref="Parse(string, string)"/>; without <paramref name="fastPath"/> every block goes through the YAML
    /// parser (tests compare the two).</summary>
    internal static MarkdownFrontmatter Parse(string text, string path, bool fastPath)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(path);
        if (text.Length > 0 && text[0] == '\uFEFF')
        {
            text = text[1..];
        }
        // Only the frontmatter block is split into lines; the body is the text after the closing line (as joining the
        // remaining lines again would give).
        var firstEnd = text.IndexOf('\n');
        if ((firstEnd < 0 ? text : text[..firstEnd]).TrimEnd('\r', ' ', '\t') != "---")
        {
            return new MarkdownFrontmatter(path, null, 0, text, 1, false, []);
        }
        var blockLines = new List<string> { "---" };
        var close = -1;
        var bodyStart = text.Length;
        for (var start = firstEnd + 1; firstEnd >= 0 && start <= text.Length;)
        {
            var end = text.IndexOf('\n', start);
            var line = end < 0 ? text[start..] : text[start..end];
            if (line.TrimEnd('\r', ' ', '\t') is "---" or "...")
            {
                close = blockLines.Count;
                bodyStart = end < 0 ? text.Length : end + 1;
                break;
            }
            blockLines.Add(line);
            if (end < 0)
            {
                break;
            }
            start = end + 1;
        }
        if (close < 0)
        {
            return new MarkdownFrontmatter(path, null, 2, text, 1, true,
                [LoadDiagnostic.Fail(path, 1, "the YAML frontmatter opened here is never closed with a '---' line")]);
        }
        var lines = blockLines.ToArray();
        var body = text[bodyStart..];
        var bodyLine = close + 2;
        // Most frontmatter is one `key: value` per line: read it without the YAML parser when the result is certainly
        // the one the parser would give (see SimpleFrontmatter); anything else goes the general way below.
        if (fastPath && SimpleFrontmatter.TryRead(lines.AsSpan(1, close - 1), KnownKeys) is { } simple)
        {
            return new MarkdownFrontmatter(path, simple.Map, 2, body, bodyLine, true, [], simple.Lenient, simple.Lines)
            {
                _lenientBlock = simple.Lenient ? lines[1..close] : null,
            };
        }
        // Claude Code's documented `argument-hint: [pr-number] [priority]` is not valid YAML: read such a value as text.
        var yaml = string.Join('\n', lines[1..close].Select(QuoteBracketHint));
        if (string.IsNullOrWhiteSpace(yaml))
        {
            return new MarkdownFrontmatter(path, new YamlMappingNode(), 2, body, bodyLine, true, []);
        }
        var strict = ParseYaml(yaml, path, body, bodyLine, readLeniently: false);
        if (strict.IsValid)
        {
            return strict;
        }
        // Claude Code loads frontmatter that is not valid YAML (a description with ": " and "<example>" on one line, or
        // example lines below it): read it again field by field, quoting the fields that do not parse.
        var lenient = ParseYaml(Relaxed(lines[1..close]), path, body, bodyLine, readLeniently: true);
        lenient._lenientBlock = lines[1..close];
        return lenient.IsValid && lenient.Has("description") | lenient.Has("name") ? lenient : strict;
    }

    /// <summary>Claude Code's one retry of a block that is not valid YAML (see <see cref="ClaudeCodeReadsFields"/>).</summary>
    internal static bool QuotedRetryParses(IEnumerable<string> block)
    {
        var lines = new List<string>();
        foreach (var raw in block)
        {
            var line = raw.TrimEnd('\r');
            var match = RetryKeyLine().Match(line);
            if (match.Success)
            {
                var value = match.Groups[2].Value;
                var quoted = value.Length > 1 && (value[0] == '"' && value[^1] == '"' || value[0] == '\'' && value[^1] == '\'');
                var flowList = value.StartsWith('[') && value.EndsWith(']') && ParsesAsList(value);
                if (!quoted && !flowList && RetryQuotes().IsMatch(value))
                {
                    line = $"{match.Groups[1].Value}: \"{value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)}\"";
                }
            }
            var tabs = line.Length - line.TrimStart('\t').Length;
            lines.Add(new string(' ', 2 * tabs) + line[tabs..]);
        }
        return ParsesAlone(string.Join('\n', lines));
    }

    private static bool ParsesAsList(string value) => RootNodeOf(value) is YamlSequenceNode;

    [GeneratedRegex(@"^([a-zA-Z_-]+):\s+(\S.*)$", RegexOptions.CultureInvariant)]
    private static partial Regex RetryKeyLine();

    [GeneratedRegex(@"[{}\[\]*&#!|>%@`]|: ", RegexOptions.CultureInvariant)]
    private static partial Regex RetryQuotes();

    private static MarkdownFrontmatter ParseYaml(string yaml, string path, string body, int bodyLine, bool readLeniently)
    {
        var parser = new Parser(new StringReader(yaml));
        try
        {
            var stream = new YamlStream();
            stream.Load(parser);
            if (stream.Documents.Count == 0)
            {
                return new MarkdownFrontmatter(path, new YamlMappingNode(), 2, body, bodyLine, true, [], readLeniently);
            }
            if (stream.Documents[0].RootNode is not YamlMappingNode map)
            {
                var root = stream.Documents[0].RootNode;
                return new MarkdownFrontmatter(path, null, 2, body, bodyLine, true,
                    [LoadDiagnostic.Fail(path, (int)root.Start.Line + 1, $"the YAML frontmatter must be a mapping of keys to values, not a {Kind(root)}")]);
            }
            return new MarkdownFrontmatter(path, map, 2, body, bodyLine, true, [], readLeniently);
        }
        catch (YamlException ex)
        {
            var line = (int)ex.Start.Line + 1;
            var message = ex.InnerException is { } inner && ex.Message.Contains("See inner exception", StringComparison.Ordinal) ? inner.Message : ex.Message;
            return new MarkdownFrontmatter(path, null, 2, body, bodyLine, true,
                [LoadDiagnostic.Fail(path, line, $"malformed YAML frontmatter: {Clean(message)}")]);
        }
        catch (InvalidOperationException ex) // YamlDotNet's scanner fails this way on some malformed input
        {
            var line = parser.Current is { } current ? (int)current.End.Line + 1 : 2;
            return new MarkdownFrontmatter(path, null, 2, body, bodyLine, true,
                [LoadDiagnostic.Fail(path, line, $"malformed YAML frontmatter: {ex.Message}")]);
        }
        catch (ArgumentException ex) // a duplicate key in a mapping
        {
            return new MarkdownFrontmatter(path, null, 2, body, bodyLine, true,
                [LoadDiagnostic.Fail(path, 2, $"malformed YAML frontmatter: {ex.Message}")]);
        }
    }

    /// <summary>
    /// The frontmatter lines rewritten so they parse, keeping every key on its line: a field starts at a
    /// <c>key:</c> line (a <see cref="KnownKeys"/> key, or any key before the first field) and runs to the next field;
    /// a field that is valid YAML on its own is kept, any other becomes <c>key: "its text"</c> with the lines below it
    /// joined in (a written <c>\n</c> becomes a line break, as its author meant).
    /// </summary>
    private static string Relaxed(string[] lines)
    {
        var output = new string[lines.Length];
        var starts = new List<(int Line, string Key)>();
        for (var i = 0; i < lines.Length; i++)
        {
            output[i] = "";
            var match = KeyLine().Match(lines[i].TrimEnd('\r'));
            if (match.Success && (starts.Count == 0 || KnownKeys.Contains(match.Groups[1].Value)))
            {
                starts.Add((i, match.Groups[1].Value));
            }
        }
        for (var f = 0; f < starts.Count; f++)
        {
            var (first, key) = starts[f];
            var end = f + 1 < starts.Count ? starts[f + 1].Line : lines.Length;
            var chunk = lines[first..end].Select(l => l.TrimEnd('\r')).ToArray();
            if (ParsesAlone(QuoteBracketHint(string.Join('\n', chunk))))
            {
                Array.Copy(chunk, 0, output, first, chunk.Length);
                output[first] = QuoteBracketHint(output[first]);
                continue;
            }
            var text = string.Join('\n', new[] { chunk[0][(key.Length + 1)..].Trim() }.Concat(chunk[1..])).TrimEnd();
            output[first] = $"{key}: \"{EscapeField(text)}\"";
        }
        return string.Join('\n', output);
    }

    /// <summary>A field's text as the inside of a YAML double-quoted scalar (a written <c>\n</c> stays a line break).</summary>
    internal static string EscapeField(string text) =>
        text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)
            .Replace("\\\\n", "\\n", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal).Replace("\t", "\\t", StringComparison.Ordinal);

    private static bool ParsesAlone(string yaml) => RootNodeOf(yaml) is YamlMappingNode;

    /// <summary>The root node of <paramref name="yaml"/> when it is exactly one valid YAML document, else null.</summary>
    private static YamlNode? RootNodeOf(string yaml)
    {
        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(yaml));
            return stream.Documents.Count == 1 ? stream.Documents[0].RootNode : null;
        }
        catch (Exception ex) when (ex is YamlException or InvalidOperationException or ArgumentException)
        {
            return null;
        }
    }

    [GeneratedRegex(@"^([A-Za-z_][A-Za-z0-9_-]*):(\s|$)", RegexOptions.CultureInvariant)]
    private static partial Regex KeyLine();

    /// <summary>Whether <paramref name="key"/> is present (with any value, even null).</summary>
    public bool Has(string key) => Find(key) is not null;

    /// <summary>The 1-based file line of <paramref name="key"/>, or the frontmatter's first line.</summary>
    public int LineOf(string key) => Find(key) is { } pair ? Line(pair.Key) : YamlFirstLine;

    /// <summary>
    /// The scalar string at <paramref name="key"/>, or null when absent or null. A list or mapping there adds a warning to
    /// <paramref name="warnings"/> and gives null.
    /// </summary>
    public string? GetString(string key, ICollection<LoadDiagnostic> warnings)
    {
        ArgumentNullException.ThrowIfNull(warnings);
        if (Find(key) is not { } pair)
        {
            return null;
        }
        if (pair.Value is YamlScalarNode scalar)
        {
            return IsNull(scalar) ? null : scalar.Value;
        }
        warnings.Add(LoadDiagnostic.Warn(Path, Line(pair.Value), $"'{key}' should be a single text value, not a {Kind(pair.Value)}; ignored"));
        return null;
    }

    /// <summary>A boolean (<c>true</c>/<c>false</c>, also <c>yes</c>/<c>no</c>); anything else warns and gives null.</summary>
    public bool? GetBool(string key, ICollection<LoadDiagnostic> warnings)
    {
        var text = GetString(key, warnings);
        if (text is null)
        {
            return null;
        }
        switch (text.Trim().ToLowerInvariant())
        {
            case "true" or "yes" or "on":
                return true;
            case "false" or "no" or "off":
                return false;
            default:
                warnings.Add(LoadDiagnostic.Warn(Path, LineOf(key), $"'{key}' should be true or false, not '{text}'; ignored"));
                return null;
        }
    }

    /// <summary>
    /// A list of strings: a YAML sequence of scalars, or one scalar split on spaces and commas outside parentheses
    /// (so <c>Bash(git add *) Read, Grep</c> gives three items).
    /// </summary>
    public ImmutableArray<string> GetList(string key, ICollection<LoadDiagnostic> warnings)
    {
        ArgumentNullException.ThrowIfNull(warnings);
        if (Find(key) is not { } pair)
        {
            return [];
        }
        switch (pair.Value)
        {
            case YamlScalarNode scalar:
                return IsNull(scalar) ? [] : SplitList(scalar.Value ?? "");
            case YamlSequenceNode sequence:
                var items = ImmutableArray.CreateBuilder<string>();
                foreach (var item in sequence.Children)
                {
                    if (item is YamlScalarNode s && !IsNull(s) && !string.IsNullOrWhiteSpace(s.Value))
                    {
                        items.Add(s.Value.Trim());
                    }
                    else
                    {
                        warnings.Add(LoadDiagnostic.Warn(Path, Line(item), $"'{key}' items should be text; this one is ignored"));
                    }
                }
                return items.ToImmutable();
            default:
                warnings.Add(LoadDiagnostic.Warn(Path, Line(pair.Value), $"'{key}' should be a list or a text value, not a mapping; ignored"));
                return [];
        }
    }

    /// <summary>A mapping of text keys to text values (nested values are kept as their YAML text).</summary>
    public ImmutableDictionary<string, string> GetMap(string key, ICollection<LoadDiagnostic> warnings)
    {
        ArgumentNullException.ThrowIfNull(warnings);
        if (Find(key) is not { } pair || pair.Value is YamlScalarNode s && IsNull(s))
        {
            return ImmutableDictionary<string, string>.Empty;
        }
        if (pair.Value is not YamlMappingNode map)
        {
            warnings.Add(LoadDiagnostic.Warn(Path, Line(pair.Value), $"'{key}' should be a mapping of keys to values; ignored"));
            return ImmutableDictionary<string, string>.Empty;
        }
        var result = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        foreach (var (k, v) in map.Children)
        {
            var name = (k as YamlScalarNode)?.Value;
            if (name is null)
            {
                continue;
            }
            result[name] = v is YamlScalarNode value ? value.Value ?? "" : v.ToString();
        }
        return result.ToImmutable();
    }

    /// <summary>Splits on whitespace and commas that are outside parentheses.</summary>
    public static ImmutableArray<string> SplitList(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var items = ImmutableArray.CreateBuilder<string>();
        var depth = 0;
        var start = 0;
        for (var i = 0; i <= value.Length; i++)
        {
            var c = i < value.Length ? value[i] : ',';
            depth += c == '(' ? 1 : c == ')' && depth > 0 ? -1 : 0;
            if (depth == 0 && (c == ',' || char.IsWhiteSpace(c)))
            {
                var item = value[start..i].Trim();
                if (item.Length > 0)
                {
                    items.Add(item);
                }
                start = i + 1;
            }
        }
        return items.ToImmutable();
    }

    private static string QuoteBracketHint(string line)
    {
        var match = BracketHint().Match(line);
        return match.Success ? $"{match.Groups[1].Value}'{match.Groups[2].Value.Replace("'", "''", StringComparison.Ordinal)}'" : line;
    }

    [GeneratedRegex(@"^(argument-hint:\s*)(\[.*?)\s*$", RegexOptions.CultureInvariant)]
    private static partial Regex BracketHint();

    private KeyValuePair<YamlNode, YamlNode>? Find(string key)
    {
        if (_map is null)
        {
            return null;
        }
        foreach (var pair in _map.Children)
        {
            if (pair.Key is YamlScalarNode k && k.Value == key)
            {
                return pair;
            }
        }
        return null;
    }

    private int Line(YamlNode node) =>
        _nodeLines is not null && _nodeLines.TryGetValue(node, out var line) ? line : (int)node.Start.Line + YamlFirstLine - 1;

    private static bool IsNull(YamlScalarNode scalar) =>
        scalar.Style == YamlDotNet.Core.ScalarStyle.Plain && scalar.Value is null or "" or "~" or "null" or "Null" or "NULL";

    private static string Kind(YamlNode node) => node switch
    {
        YamlSequenceNode => "list",
        YamlMappingNode => "mapping",
        _ => "text value",
    };

    private static string Clean(string message)
    {
        // YamlDotNet messages start with "(Line: 3, Col: 5, Idx: 20) - (Line: ...): "; the line is reported separately.
        var index = message.IndexOf("): ", StringComparison.Ordinal);
        return index >= 0 && message.StartsWith("(Line", StringComparison.Ordinal) ? message[(index + 3)..] : message;
    }
}
