using System.Text;
using System.Text.RegularExpressions;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace CodeForge.Cli.Interactive;

/// <summary>
/// Renders the model's Markdown as it streams: text is cut into lines as deltas arrive and each finished line is drawn
/// at once (headings, lists, quotes, rules, inline code, bold, italic, links); fenced code blocks are drawn line by line
/// under a header naming their language; a table is held until its last row and drawn as a table. The unfinished last
/// line waits for its newline or <see cref="Finish"/>.
/// </summary>
/// <remarks>Not thread-safe: one instance per assistant message, fed from the turn's event loop.</remarks>
internal sealed partial class MarkdownStream(Action<IRenderable> emit)
{
    private readonly StringBuilder _pending = new();
    private readonly List<string> _table = [];
    private string? _fence;
    private string _fenceLanguage = "";
    private bool _lastBlank;

    /// <summary>True once anything was drawn.</summary>
    public bool Started { get; private set; }

    /// <summary>Adds streamed text; draws every line it completes.</summary>
    public void Append(string delta)
    {
        ArgumentNullException.ThrowIfNull(delta);
        foreach (var c in delta)
        {
            if (c == '\n')
            {
                Line(_pending.ToString());
                _pending.Clear();
            }
            else if (c != '\r')
            {
                _pending.Append(c);
            }
        }
    }

    /// <summary>Draws what is left (an unfinished line, an open table or code block).</summary>
    public void Finish()
    {
        if (_pending.Length > 0)
        {
            Line(_pending.ToString());
            _pending.Clear();
        }
        FlushTable();
        _fence = null;
    }

    private void Line(string line)
    {
        if (_fence is not null)
        {
            if (line.TrimStart().StartsWith(_fence, StringComparison.Ordinal) && line.Trim().Trim(_fence[0]).Length == 0)
            {
                _fence = null;
                Emit(new Markup("[grey]" + new string('─', 3) + "[/]"));
                return;
            }
            Emit(new Text("  " + line, new Style(Color.Aqua)));
            return;
        }
        var trimmed = line.TrimStart();
        if (trimmed.StartsWith('|'))
        {
            _table.Add(trimmed);
            return;
        }
        FlushTable();
        if (trimmed.StartsWith("```", StringComparison.Ordinal) || trimmed.StartsWith("~~~", StringComparison.Ordinal))
        {
            var fenceChar = trimmed[0];
            var length = trimmed.TakeWhile(ch => ch == fenceChar).Count();
            _fence = new string(fenceChar, length);
            _fenceLanguage = trimmed[length..].Trim();
            Emit(new Markup("[grey]───" + (_fenceLanguage.Length > 0 ? " " + Markup.Escape(_fenceLanguage) + " " : "") + "───[/]"));
            return;
        }
        if (trimmed.Length == 0)
        {
            // Paragraph breaks stay, but never more than one blank line in a row.
            if (Started && !_lastBlank)
            {
                _lastBlank = true;
                emit(Text.NewLine);
            }
            return;
        }
        var heading = Heading().Match(line);
        if (heading.Success)
        {
            var level = heading.Groups[1].Length;
            var style = level == 1 ? "bold underline yellow" : level == 2 ? "bold yellow" : "bold";
            Emit(new Markup($"[{style}]{Inline(heading.Groups[2].Value)}[/]"));
            return;
        }
        if (Rule().IsMatch(line))
        {
            Emit(new Rule { Style = new Style(Color.Grey) });
            return;
        }
        var bullet = Bullet().Match(line);
        if (bullet.Success)
        {
            var indent = bullet.Groups[1].Value.Replace("\t", "  ", StringComparison.Ordinal);
            Emit(new Markup($"{indent}  • {Inline(bullet.Groups[2].Value)}"));
            return;
        }
        var numbered = Numbered().Match(line);
        if (numbered.Success)
        {
            Emit(new Markup($"{numbered.Groups[1].Value}  {Markup.Escape(numbered.Groups[2].Value)}. {Inline(numbered.Groups[3].Value)}"));
            return;
        }
        if (trimmed.StartsWith('>'))
        {
            Emit(new Markup($"[grey]│[/] [italic]{Inline(trimmed.TrimStart('>').TrimStart())}[/]"));
            return;
        }
        Emit(new Markup(Inline(line)));
    }

    private void FlushTable()
    {
        if (_table.Count == 0)
        {
            return;
        }
        var rows = _table.Select(SplitRow).ToList();
        _table.Clear();
        var header = rows[0];
        var body = rows.Skip(1).Where(r => !r.All(cell => Separator().IsMatch(cell))).ToList();
        if (rows.Count < 2 || !rows[1].All(cell => Separator().IsMatch(cell)))
        {
            // Not a real table: draw the lines as text.
            foreach (var r in rows)
            {
                Emit(new Markup(Inline("| " + string.Join(" | ", r) + " |")));
            }
            return;
        }
        var table = new Table { Border = TableBorder.Rounded };
        for (var i = 0; i < header.Count; i++)
        {
            var spec = i < rows[1].Count ? rows[1][i] : "";
            var column = new TableColumn(new Markup("[bold]" + Inline(header[i]) + "[/]"));
            if (spec.StartsWith(':') && spec.EndsWith(':'))
            {
                column.Centered();
            }
            else if (spec.EndsWith(':'))
            {
                column.RightAligned();
            }
            table.AddColumn(column);
        }
        foreach (var r in body)
        {
            var cells = Enumerable.Range(0, header.Count).Select(i => (IRenderable)new Markup(i < r.Count ? Inline(r[i]) : "")).ToArray();
            table.AddRow(cells);
        }
        Emit(table);
    }

    private static List<string> SplitRow(string row)
    {
        var inner = row.Trim();
        inner = inner.StartsWith('|') ? inner[1..] : inner;
        inner = inner.EndsWith('|') ? inner[..^1] : inner;
        return [.. inner.Split('|').Select(c => c.Trim())];
    }

    private void Emit(IRenderable renderable)
    {
        Started = true;
        _lastBlank = false;
        emit(new Rows(renderable));
    }

    /// <summary>Inline Markdown to Spectre markup: code spans, bold, italic, links; everything else escaped.</summary>
    internal static string Inline(string text)
    {
        var sb = new StringBuilder();
        var i = 0;
        while (i < text.Length)
        {
            var m = InlineToken().Match(text, i);
            if (!m.Success)
            {
                sb.Append(Markup.Escape(text[i..]));
                break;
            }
            sb.Append(Markup.Escape(text[i..m.Index]));
            if (m.Groups["code"].Success)
            {
                sb.Append("[aqua]").Append(Markup.Escape(m.Groups["code"].Value)).Append("[/]");
            }
            else if (m.Groups["bold"].Success)
            {
                sb.Append("[bold]").Append(Markup.Escape(m.Groups["bold"].Value)).Append("[/]");
            }
            else if (m.Groups["italic"].Success)
            {
                sb.Append("[italic]").Append(Markup.Escape(m.Groups["italic"].Value)).Append("[/]");
            }
            else
            {
                var url = m.Groups["url"].Value;
                var label = Markup.Escape(m.Groups["label"].Value);
                sb.Append(url.StartsWith("http", StringComparison.OrdinalIgnoreCase) && !url.Contains(']', StringComparison.Ordinal)
                    ? $"[blue underline][link={Markup.Escape(url)}]{label}[/][/]"
                    : $"[blue underline]{label}[/]");
            }
            i = m.Index + m.Length;
        }
        return sb.ToString();
    }

    [GeneratedRegex(@"^(#{1,6})\s+(.*?)\s*#*\s*$")]
    private static partial Regex Heading();

    [GeneratedRegex(@"^\s{0,3}([-*_])(\s*\1){2,}\s*$")]
    private static partial Regex Rule();

    [GeneratedRegex(@"^(\s*)[-*+]\s+(.*)$")]
    private static partial Regex Bullet();

    [GeneratedRegex(@"^(\s*)(\d{1,9})[.)]\s+(.*)$")]
    private static partial Regex Numbered();

    [GeneratedRegex(@"^:?-{2,}:?$")]
    private static partial Regex Separator();

    [GeneratedRegex(@"`(?<code>[^`]+)`|\*\*(?<bold>[^*]+)\*\*|__(?<bold>[^_]+)__|(?<![\w*])\*(?<italic>[^*\s][^*]*)\*(?![\w*])|(?<!\w)_(?<italic>[^_\s][^_]*)_(?!\w)|\[(?<label>[^\]]+)\]\((?<url>[^)\s]+)\)")]
    private static partial Regex InlineToken();
}
