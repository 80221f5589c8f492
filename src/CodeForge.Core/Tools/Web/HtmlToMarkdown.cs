using System.Globalization;
using System.Text;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;
using SmartReader;

namespace CodeForge.Core.Tools.Web;

/// <summary>
/// Turns an HTML page into Markdown for a model: AngleSharp parses it; SmartReader (a port of Mozilla's Readability)
/// picks the main content when it finds an article, otherwise the whole body is used; then the DOM is written as
/// Markdown — headings, paragraphs, links (made absolute), images, lists (nested), code blocks with their language,
/// tables (GitHub style), block quotes, emphasis — with scripts, styles, navigation, forms and hidden elements dropped.
/// </summary>
/// <remarks>Stateless; every member may be called concurrently (each call parses its own document).</remarks>
public static class HtmlToMarkdown
{
    private static readonly HashSet<string> Dropped = new(StringComparer.OrdinalIgnoreCase)
    {
        "script", "style", "noscript", "template", "svg", "canvas", "iframe", "object", "embed", "nav", "form", "button",
        "input", "select", "textarea", "head", "link", "meta", "dialog",
    };

    private static readonly HashSet<string> DroppedOutsideArticle = new(StringComparer.OrdinalIgnoreCase) { "footer", "aside" };

    private static readonly HashSet<string> Blocks = new(StringComparer.OrdinalIgnoreCase)
    {
        "address", "article", "aside", "blockquote", "body", "center", "dd", "details", "div", "dl", "dt", "fieldset",
        "figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "html", "li", "main", "ol",
        "p", "pre", "section", "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul", "caption",
    };

    /// <summary>The Markdown of <paramref name="html"/>; links and images are resolved against <paramref name="baseUrl"/>.</summary>
    /// <param name="html">The page.</param>
    /// <param name="baseUrl">The page's URL.</param>
    /// <param name="useReadability">Whether to extract the main content (SmartReader) when the page has an article.</param>
    public static string Convert(string html, Uri baseUrl, bool useReadability = true)
    {
        ArgumentNullException.ThrowIfNull(html);
        ArgumentNullException.ThrowIfNull(baseUrl);
        var parser = new HtmlParser();
        var document = parser.ParseDocument(html);
        var title = document.Title?.Trim();
        IElement? root = null;
        var inArticle = false;
        if (useReadability)
        {
            try
            {
                // SmartReader changes the document it is given: hand it its own parse.
                var reader = new Reader(baseUrl.AbsoluteUri, parser.ParseDocument(html))
                {
                    KeepClasses = true, // keeps language-xxx on code blocks
                    DisableJSONLD = true,
                };
                var article = reader.GetArticle();
                if (article.IsReadable && !string.IsNullOrWhiteSpace(article.Content))
                {
                    root = parser.ParseDocument("<html><body>" + article.Content + "</body></html>").Body;
                    inArticle = true;
                    if (!string.IsNullOrWhiteSpace(article.Title))
                    {
                        title = article.Title.Trim();
                    }
                }
            }
#pragma warning disable CA1031 // A readability failure only means falling back to the whole body.
            catch (Exception)
#pragma warning restore CA1031
            {
                root = null;
            }
        }
        root ??= document.Body ?? document.DocumentElement;
        var writer = new Writer(baseUrl, dropFootersAndAsides: !inArticle);
        var body = writer.BlocksOf(root);
        if (!string.IsNullOrEmpty(title) && !body.StartsWith("# ", StringComparison.Ordinal))
        {
            body = "# " + Collapse(title) + "\n\n" + body;
        }
        return body.Trim() + "\n";
    }

    private static string Collapse(string text)
    {
        var sb = new StringBuilder(text.Length);
        var space = false;
        foreach (var ch in text)
        {
            if (char.IsWhiteSpace(ch))
            {
                space = true;
                continue;
            }
            if (space && sb.Length > 0)
            {
                sb.Append(' ');
            }
            space = false;
            sb.Append(ch);
        }
        return sb.ToString();
    }

    private sealed class Writer(Uri baseUrl, bool dropFootersAndAsides)
    {
        public string BlocksOf(INode parent)
        {
            var blocks = new List<string>();
            AddBlocks(parent, blocks);
            return string.Join("\n\n", blocks.Where(b => b.Length > 0));
        }

        private bool IsDropped(IElement e) =>
            Dropped.Contains(e.LocalName) || (dropFootersAndAsides && DroppedOutsideArticle.Contains(e.LocalName))
            || e.HasAttribute("hidden") || string.Equals(e.GetAttribute("aria-hidden"), "true", StringComparison.OrdinalIgnoreCase)
            || (e.GetAttribute("style") is { } style && style.Replace(" ", "", StringComparison.Ordinal).Contains("display:none", StringComparison.OrdinalIgnoreCase))
            || string.Equals(e.GetAttribute("role"), "navigation", StringComparison.OrdinalIgnoreCase);

        private void AddBlocks(INode parent, List<string> blocks)
        {
            var inline = new StringBuilder();
            foreach (var child in parent.ChildNodes)
            {
                if (child is IElement e && Blocks.Contains(e.LocalName))
                {
                    Flush(inline, blocks);
                    if (!IsDropped(e))
                    {
                        AddBlock(e, blocks);
                    }
                }
                else
                {
                    AppendInline(child, inline);
                }
            }
            Flush(inline, blocks);
        }

        private static void Flush(StringBuilder inline, List<string> blocks)
        {
            var text = CleanInline(inline.ToString());
            inline.Clear();
            if (text.Length > 0)
            {
                blocks.Add(text);
            }
        }

        private void AddBlock(IElement e, List<string> blocks)
        {
            switch (e.LocalName)
            {
                case "h1" or "h2" or "h3" or "h4" or "h5" or "h6":
                    var heading = CleanInline(InlineOf(e)).Replace('\n', ' ');
                    if (heading.Length > 0)
                    {
                        blocks.Add(new string('#', e.LocalName[1] - '0') + " " + heading);
                    }
                    break;
                case "p" or "summary" or "figcaption" or "caption" or "dt":
                    var text = e.LocalName == "dt" ? "**" + CleanInline(InlineOf(e)) + "**" : BlocksOf(e);
                    if (text.Length > 0 && text != "****")
                    {
                        blocks.Add(text);
                    }
                    break;
                case "dd":
                    var dd = BlocksOf(e);
                    if (dd.Length > 0)
                    {
                        blocks.Add(Indent(dd, ": ", "  "));
                    }
                    break;
                case "hr":
                    blocks.Add("---");
                    break;
                case "pre":
                    blocks.Add(CodeBlock(e));
                    break;
                case "ul" or "ol":
                    var list = List(e);
                    if (list.Length > 0)
                    {
                        blocks.Add(list);
                    }
                    break;
                case "blockquote":
                    var quoted = BlocksOf(e);
                    if (quoted.Length > 0)
                    {
                        blocks.Add(string.Join("\n", quoted.Split('\n').Select(l => l.Length == 0 ? ">" : "> " + l)));
                    }
                    break;
                case "table":
                    var table = Table(e);
                    if (table.Length > 0)
                    {
                        blocks.Add(table);
                    }
                    break;
                default: // div, section, article, main, li outside a list, td outside a table, …
                    AddBlocks(e, blocks);
                    break;
            }
        }

        private string List(IElement list)
        {
            var ordered = list.LocalName == "ol";
            var n = int.TryParse(list.GetAttribute("start"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var start) ? start : 1;
            var items = new List<string>();
            foreach (var child in list.Children)
            {
                if (IsDropped(child))
                {
                    continue;
                }
                var marker = ordered ? string.Create(CultureInfo.InvariantCulture, $"{n++}. ") : "- ";
                var content = child.LocalName == "li" ? BlocksOf(child) : CleanInline(InlineOf(child));
                // Tight list: the blocks of one item on consecutive lines.
                content = content.Replace("\n\n", "\n", StringComparison.Ordinal);
                if (content.Length > 0)
                {
                    items.Add(Indent(content, marker, new string(' ', marker.Length)));
                }
            }
            return string.Join("\n", items);
        }

        private static string Indent(string content, string first, string rest)
        {
            var lines = content.Split('\n');
            var sb = new StringBuilder();
            for (var i = 0; i < lines.Length; i++)
            {
                if (i > 0)
                {
                    sb.Append('\n');
                }
                sb.Append(i == 0 ? first : lines[i].Length == 0 ? "" : rest).Append(lines[i]);
            }
            return sb.ToString();
        }

        private static string CodeBlock(IElement pre)
        {
            var code = pre.QuerySelector("code") ?? pre;
            var language = LanguageOf(code) ?? LanguageOf(pre) ?? LanguageOf(pre.ParentElement) ?? "";
            var text = code.TextContent.Replace("\r\n", "\n", StringComparison.Ordinal).TrimEnd('\n', ' ', '\t').TrimStart('\n');
            var fence = "```";
            while (text.Contains(fence, StringComparison.Ordinal))
            {
                fence += "`";
            }
            return fence + language + "\n" + text + "\n" + fence;
        }

        private static string? LanguageOf(IElement? e)
        {
            if (e is null)
            {
                return null;
            }
            foreach (var cls in e.ClassList)
            {
                foreach (var prefix in new[] { "language-", "lang-", "highlight-source-", "highlight-" })
                {
                    if (cls.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) && cls.Length > prefix.Length)
                    {
                        return cls[prefix.Length..].ToLowerInvariant();
                    }
                }
            }
            return e.GetAttribute("data-lang") ?? e.GetAttribute("data-language");
        }

        private string Table(IElement table)
        {
            var rows = new List<List<string>>();
            var headerRows = 0;
            foreach (var tr in table.QuerySelectorAll("tr"))
            {
                if (tr.Closest("table") != table)
                {
                    continue; // a nested table's row
                }
                var cells = tr.Children.Where(c => c.LocalName is "td" or "th")
                    .Select(c => CleanInline(InlineOfBlocks(c)).Replace("\n", " ", StringComparison.Ordinal).Replace("|", "\\|", StringComparison.Ordinal))
                    .ToList();
                if (cells.Count == 0)
                {
                    continue;
                }
                if (rows.Count == headerRows && (tr.ParentElement?.LocalName == "thead" || tr.Children.All(c => c.LocalName == "th")))
                {
                    headerRows++;
                }
                rows.Add(cells);
            }
            if (rows.Count == 0)
            {
                return "";
            }
            var width = rows.Max(r => r.Count);
            foreach (var r in rows)
            {
                while (r.Count < width)
                {
                    r.Add("");
                }
            }
            var sb = new StringBuilder();
            var caption = table.QuerySelector("caption");
            if (caption is not null && caption.Closest("table") == table)
            {
                var c = CleanInline(InlineOf(caption));
                if (c.Length > 0)
                {
                    sb.Append("**").Append(c).Append("**\n\n");
                }
            }
            var header = headerRows > 0 ? rows[0] : rows[0];
            sb.Append("| ").Append(string.Join(" | ", header)).Append(" |\n");
            sb.Append('|').Append(string.Concat(Enumerable.Repeat(" --- |", width)));
            foreach (var r in rows.Skip(1))
            {
                sb.Append("\n| ").Append(string.Join(" | ", r)).Append(" |");
            }
            return sb.ToString();
        }

        /// <summary>The inline Markdown of a cell or other container that may hold blocks.</summary>
        private string InlineOfBlocks(IElement e) => BlocksOf(e).Replace("\n\n", " ", StringComparison.Ordinal);

        private string InlineOf(INode node)
        {
            var sb = new StringBuilder();
            foreach (var child in node.ChildNodes)
            {
                AppendInline(child, sb);
            }
            return sb.ToString();
        }

        private void AppendInline(INode node, StringBuilder sb)
        {
            switch (node)
            {
                case IText text:
                    foreach (var ch in text.Data)
                    {
                        sb.Append(char.IsWhiteSpace(ch) ? ' ' : ch); // source line breaks are spaces; only <br> breaks a line
                    }
                    return;
                case IElement e when IsDropped(e):
                    return;
                case IElement e:
                    switch (e.LocalName)
                    {
                        case "br":
                            sb.Append('\n');
                            return;
                        case "a":
                            var label = CleanInline(InlineOf(e)).Replace('\n', ' ');
                            var href = Resolve(e.GetAttribute("href"));
                            if (label.Length == 0)
                            {
                                return;
                            }
                            sb.Append(href is null ? label : $"[{label}]({href})");
                            return;
                        case "img":
                            var src = Resolve(e.GetAttribute("src"));
                            var alt = Collapse(e.GetAttribute("alt") ?? "");
                            if (src is not null && alt.Length > 0)
                            {
                                sb.Append($"![{alt}]({src})");
                            }
                            return;
                        case "code" or "kbd" or "samp" or "tt":
                            var code = Collapse(e.TextContent);
                            if (code.Length > 0)
                            {
                                var ticks = code.Contains('`', StringComparison.Ordinal) ? "``" : "`";
                                var pad = code.StartsWith('`') || code.EndsWith('`') ? " " : "";
                                sb.Append(ticks).Append(pad).Append(code).Append(pad).Append(ticks);
                            }
                            return;
                        case "strong" or "b":
                            Wrap(e, sb, "**");
                            return;
                        case "em" or "i" or "cite":
                            Wrap(e, sb, "*");
                            return;
                        case "del" or "s" or "strike":
                            Wrap(e, sb, "~~");
                            return;
                        default:
                            if (Blocks.Contains(e.LocalName))
                            {
                                sb.Append(' ').Append(InlineOfBlocks(e)).Append(' ');
                            }
                            else
                            {
                                foreach (var child in e.ChildNodes)
                                {
                                    AppendInline(child, sb);
                                }
                            }
                            return;
                    }
                default:
                    return; // comments, processing instructions
            }
        }

        private void Wrap(IElement e, StringBuilder sb, string mark)
        {
            var inner = CleanInline(InlineOf(e));
            if (inner.Length == 0)
            {
                return;
            }
            // Keep the surrounding spaces outside the markers so the emphasis still parses.
            sb.Append(' ').Append(mark).Append(inner).Append(mark).Append(' ');
        }

        private string? Resolve(string? href)
        {
            if (string.IsNullOrWhiteSpace(href))
            {
                return null;
            }
            href = href.Trim();
            if (href.StartsWith('#'))
            {
                return null;
            }
            if (!Uri.TryCreate(baseUrl, href, out var uri))
            {
                return null;
            }
            return uri.Scheme is "http" or "https" or "mailto" ? uri.AbsoluteUri.Replace(" ", "%20", StringComparison.Ordinal).Replace(")", "%29", StringComparison.Ordinal) : null;
        }

        /// <summary>Collapses whitespace runs to one space per line, keeps line breaks from &lt;br&gt;, trims.</summary>
        private static string CleanInline(string text)
        {
            var lines = text.Split('\n').Select(Collapse).ToList();
            while (lines.Count > 0 && lines[^1].Length == 0)
            {
                lines.RemoveAt(lines.Count - 1);
            }
            while (lines.Count > 0 && lines[0].Length == 0)
            {
                lines.RemoveAt(0);
            }
            var joined = string.Join("\n", lines);
            // " **x** ." → " **x**."
            foreach (var p in new[] { " .", " ,", " ;", " :", " !", " ?", " )" })
            {
                joined = joined.Replace("* " + p[1], "*" + p[1], StringComparison.Ordinal);
            }
            return joined;
        }
    }
}
