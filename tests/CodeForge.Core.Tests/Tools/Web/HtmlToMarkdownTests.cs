using CodeForge.Core.Tools.Web;

namespace CodeForge.Core.Tests.Tools.Web;

public sealed class HtmlToMarkdownTests
{
    private static readonly Uri Base = new("https://example.com/docs/page.html");

    private static string Convert(string body, bool readability = false) =>
        HtmlToMarkdown.Convert("<html><head><title>T</title></head><body>" + body + "</body></html>", Base, readability);

    [Fact]
    public void Convert_HeadingsParagraphsAndEmphasis_BecomeMarkdown()
    {
        var md = Convert("<h1>Title</h1><h3>Sub   heading</h3><p>Some <b>bold</b>, <em>italic</em> and <del>gone</del>\n text.</p><hr><p>After</p>");

        Assert.Equal("# Title\n\n### Sub heading\n\nSome **bold**, *italic* and ~~gone~~ text.\n\n---\n\nAfter\n", md);
    }

    [Fact]
    public void Convert_Links_AreMadeAbsoluteAndJavascriptLinksDropped()
    {
        var md = Convert("<p><a href=\"../api/index.html\">API</a> <a href=\"https://other.org/x y\">Other</a> <a href=\"javascript:void(0)\">JS</a> <a href=\"#top\">Top</a></p>");

        Assert.Contains("[API](https://example.com/api/index.html)", md, StringComparison.Ordinal);
        Assert.Contains("[Other](https://other.org/x%20y)", md, StringComparison.Ordinal);
        Assert.Contains(" JS ", md + " ", StringComparison.Ordinal);
        Assert.DoesNotContain("javascript:", md, StringComparison.Ordinal);
        Assert.DoesNotContain("(#top)", md, StringComparison.Ordinal);
    }

    [Fact]
    public void Convert_CodeBlocks_KeepTheirLanguageTextAndIndentation()
    {
        var md = Convert("<pre><code class=\"hljs language-csharp\">if (x)\n{\n    return &lt;T&gt;;\n}\n</code></pre><pre class=\"lang-bash\">echo `date`\n```</pre><p>Use <code>a`b</code> inline.</p>");

        Assert.Contains("```csharp\nif (x)\n{\n    return <T>;\n}\n```", md, StringComparison.Ordinal);
        Assert.Contains("````bash\necho `date`\n```\n````", md, StringComparison.Ordinal);
        Assert.Contains("Use ``a`b`` inline.", md, StringComparison.Ordinal);
    }

    [Fact]
    public void Convert_Tables_BecomeGitHubTablesWithEscapedPipes()
    {
        var md = Convert("<table><thead><tr><th>Name</th><th>Value</th></tr></thead><tbody><tr><td>a|b</td><td><b>1</b></td></tr><tr><td>short</td></tr></tbody></table>");

        Assert.Contains("| Name | Value |\n| --- | --- |\n| a\\|b | **1** |\n| short |  |", md, StringComparison.Ordinal);
    }

    [Fact]
    public void Convert_NestedLists_AreIndentedAndNumbered()
    {
        var md = Convert("<ul><li>one<ul><li>inner</li></ul></li><li><p>two</p></li></ul><ol start=\"3\"><li>three</li><li>four</li></ol>");

        Assert.Contains("- one\n  - inner\n- two", md, StringComparison.Ordinal);
        Assert.Contains("3. three\n4. four", md, StringComparison.Ordinal);
    }

    [Fact]
    public void Convert_Blockquote_IsPrefixed()
    {
        Assert.Contains("> quoted\n>\n> second", Convert("<blockquote><p>quoted</p><p>second</p></blockquote>"), StringComparison.Ordinal);
    }

    [Fact]
    public void Convert_ScriptsStylesNavFormsAndHiddenElements_AreDropped()
    {
        var md = Convert("<nav>NAV</nav><script>SCRIPT()</script><style>.s{}</style><noscript>NOSCRIPT</noscript><form><input value=FORM><button>BTN</button></form>"
            + "<div hidden>HIDDEN</div><div style=\"display: none\">NONE</div><div aria-hidden=\"true\">ARIA</div><footer>FOOT</footer><aside>ASIDE</aside><p>kept</p>");

        Assert.Equal("# T\n\nkept\n", md);
    }

    [Fact]
    public void Convert_ImagesWithAlt_BecomeImageLinks()
    {
        Assert.Contains("![A cat](https://example.com/img/cat.png)", Convert("<p><img src=\"/img/cat.png\" alt=\"A cat\"><img src=\"x.png\"></p>"), StringComparison.Ordinal);
    }

    [Fact]
    public void Convert_LineBreaks_AreKeptAndSourceNewlinesAreSpaces()
    {
        Assert.Contains("line one\nline two", Convert("<p>line\none<br>line two</p>"), StringComparison.Ordinal);
    }

    [Fact]
    public void Convert_ShortPageWithoutAnArticle_FallsBackToTheWholeBody()
    {
        var md = HtmlToMarkdown.Convert("<html><body><p>Hello <b>world</b></p></body></html>", Base);

        Assert.Contains("Hello **world**", md, StringComparison.Ordinal);
    }

    [Fact]
    public void Convert_ArticlePageWithReadability_KeepsTheArticleAndDropsTheChrome()
    {
        var paragraph = "<p>" + string.Join(" ", Enumerable.Repeat("This sentence is part of a long article about parsing, with commas, and words.", 8)) + "</p>";
        var html = "<html><head><title>Parsing</title></head><body><div class=\"sidebar\"><a href=\"/1\">Related link one</a> <a href=\"/2\">Related two</a></div>"
            + "<div class=\"comments\">COMMENT_SPAM</div><article><h2>Parsing well</h2>" + paragraph + paragraph
            + "<pre><code class=\"language-rust\">fn main() {}</code></pre>" + paragraph + "</article></body></html>";

        var md = HtmlToMarkdown.Convert(html, Base);

        Assert.Contains("Parsing well", md, StringComparison.Ordinal);
        Assert.Contains("```rust\nfn main() {}\n```", md, StringComparison.Ordinal);
        Assert.DoesNotContain("COMMENT_SPAM", md, StringComparison.Ordinal);
        Assert.DoesNotContain("Related link one", md, StringComparison.Ordinal);
    }

    [Fact]
    public void Convert_MalformedHtml_DoesNotThrow()
    {
        var md = HtmlToMarkdown.Convert("<p>unclosed <b>bold <i>both</p><table><tr><td>cell", Base);

        Assert.Contains("unclosed **bold *both***", md.Replace("  ", " ", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Contains("| cell |", md, StringComparison.Ordinal);
    }
}
