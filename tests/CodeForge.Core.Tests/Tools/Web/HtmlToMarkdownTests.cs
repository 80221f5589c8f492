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

    // The element tables: blocks, dropped elements, headings, definitions, code, emphasis, links, tables (no readability,
    // so the whole body is converted).

    /// <summary>The Markdown of a body with no title.</summary>
    private static string Body(string body) =>
        HtmlToMarkdown.Convert("<html><body>" + body + "</body></html>", Base, useReadability: false);

    [Theory]
    [InlineData("address")]
    [InlineData("article")]
    [InlineData("center")]
    [InlineData("details")]
    [InlineData("div")]
    [InlineData("dl")]
    [InlineData("fieldset")]
    [InlineData("figure")]
    [InlineData("header")]
    [InlineData("main")]
    [InlineData("section")]
    [InlineData("p")]
    [InlineData("summary")]
    [InlineData("figcaption")]
    [InlineData("li")]
    public void Convert_ABlockElementBetweenText_IsAParagraphOfItsOwn(string tag)
    {
        Assert.Equal("before\n\ninside\n\nafter\n", Body($"before<{tag}>inside</{tag}>after"));
    }

    [Theory]
    [InlineData("span")]
    [InlineData("abbr")]
    [InlineData("mark")]
    [InlineData("label")]
    public void Convert_AnInlineElementBetweenText_StaysInTheLine(string tag)
    {
        Assert.Equal("before inside after\n", Body($"before <{tag}>inside</{tag}> after"));
    }

    [Theory]
    [InlineData("<script>DROP()</script>")]
    [InlineData("<style>.drop{}</style>")]
    [InlineData("<noscript>DROP</noscript>")]
    [InlineData("<svg><text>DROP</text></svg>")]
    [InlineData("<canvas>DROP</canvas>")]
    [InlineData("<iframe>DROP</iframe>")]
    [InlineData("<object>DROP</object>")]
    [InlineData("<nav>DROP</nav>")]
    [InlineData("<form>DROP</form>")]
    [InlineData("<button>DROP</button>")]
    [InlineData("<select><option>DROP</option></select>")]
    [InlineData("<textarea>DROP</textarea>")]
    [InlineData("<dialog>DROP</dialog>")]
    [InlineData("<span hidden>DROP</span>")]
    [InlineData("<span aria-hidden=\"TRUE\">DROP</span>")]
    [InlineData("<span style=\"color: red; display : none\">DROP</span>")]
    [InlineData("<span role=\"Navigation\">DROP</span>")]
    public void Convert_ADroppedElementInALine_LeavesNothing(string element)
    {
        Assert.Equal("ab\n", Body("a" + element + "b"));
    }

    [Theory]
    [InlineData("<span aria-hidden=\"false\">KEPT</span>")]
    [InlineData("<span style=\"display: block\">KEPT</span>")]
    [InlineData("<span role=\"main\">KEPT</span>")]
    public void Convert_AnElementThatOnlyLooksHidden_IsKept(string element)
    {
        Assert.Equal("aKEPTb\n", Body("a" + element + "b"));
    }

    [Theory]
    [InlineData("footer")]
    [InlineData("aside")]
    public void Convert_FootersAndAsidesOutsideAnArticle_AreDropped(string tag)
    {
        Assert.Equal("a\n\nb\n", Body($"a<{tag}>DROP</{tag}>b"));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    public void Convert_AHeading_HasAsManyHashesAsItsLevel(int level)
    {
        Assert.Equal($"text\n\n{new string('#', level)} A  heading\n\nmore\n".Replace("  ", " ", StringComparison.Ordinal),
            Body($"text<h{level}>A <br>heading</h{level}>more"));
    }

    [Fact]
    public void Convert_AnEmptyHeading_IsLeftOut()
    {
        Assert.Equal("a\n\nb\n", Body("a<h2> </h2>b"));
    }

    [Fact]
    public void Convert_ADefinitionList_BoldsTermsAndIndentsDefinitions()
    {
        var md = Body("<dl><dt>Term</dt><dd><p>First</p><p>Second</p></dd><dt></dt><dd></dd><dd>Alone</dd></dl>");

        Assert.Equal("**Term**\n\n: First\n\n  Second\n\n: Alone\n", md);
    }

    [Fact]
    public void Convert_AHorizontalRule_IsThreeDashes()
    {
        Assert.Equal("a\n\n---\n\nb\n", Body("a<hr>b"));
    }

    [Fact]
    public void Convert_AnOrderedList_NumbersFromItsStartAndIndentsContinuationLines()
    {
        // As a browser numbers it: a hidden item takes no number, an empty one does (and is not written).
        var md = Body("<ol start=\"9\"><li>nine<br>more</li><li hidden>gone</li><li></li><li>ten<ol><li>inner</li></ol></li></ol>");

        Assert.Equal("9. nine\n   more\n11. ten\n    1. inner\n", md);
    }

    [Fact]
    public void Convert_AnOrderedListWithAnInvalidStart_StartsAtOne()
    {
        Assert.Equal("1. a\n2. b\n", Body("<ol start=\"x\"><li>a</li><li>b</li></ol>"));
    }

    [Fact]
    public void Convert_AListItemThatIsNotAnLi_IsStillAnItem()
    {
        Assert.Equal("- loose text\n- item\n", Body("<ul><div>loose <b></b>text</div><li>item</li></ul>"));
    }

    [Fact]
    public void Convert_AnEmptyList_IsLeftOut()
    {
        Assert.Equal("a\n\nb\n", Body("a<ul><li> </li></ul>b"));
    }

    [Fact]
    public void Convert_ABlockquoteWithParagraphs_KeepsAQuotedBlankLine()
    {
        Assert.Equal("> one\n>\n> two\n", Body("<blockquote><p>one</p><p>two</p></blockquote><blockquote> </blockquote>"));
    }

    [Theory]
    [InlineData("<pre class=\"lang-js\">x</pre>", "```js\nx\n```")]
    [InlineData("<pre><code class=\"highlight-source-python\">x</code></pre>", "```python\nx\n```")]
    [InlineData("<pre><code class=\"highlight-ruby\">x</code></pre>", "```ruby\nx\n```")]
    [InlineData("<pre><code class=\"Language-GO\">x</code></pre>", "```go\nx\n```")]
    [InlineData("<pre><code class=\"language-\">x</code></pre>", "```\nx\n```")]
    [InlineData("<pre><code data-lang=\"sql\">x</code></pre>", "```sql\nx\n```")]
    [InlineData("<pre data-language=\"toml\">x</pre>", "```toml\nx\n```")]
    [InlineData("<div class=\"highlight language-c\"><pre>x</pre></div>", "```c\nx\n```")]
    [InlineData("<pre>\n\nfirst\r\n  second  \n\n</pre>", "```\nfirst\n  second\n```")]
    public void Convert_ACodeBlock_TakesItsLanguageFromTheCodePreOrParentAndTrimsBlankEnds(string html, string expected)
    {
        Assert.Equal(expected + "\n", Body(html));
    }

    [Theory]
    [InlineData("kbd")]
    [InlineData("samp")]
    [InlineData("tt")]
    [InlineData("code")]
    public void Convert_InlineCodeElements_AreBackticked(string tag)
    {
        Assert.Equal("press `Ctrl C` now\n", Body($"press <{tag}>Ctrl  C</{tag}> now"));
    }

    [Theory]
    [InlineData("`start", "`` `start ``")]
    [InlineData("end`", "`` end` ``")]
    [InlineData(" ", "")]
    public void Convert_InlineCodeWithABacktickAtAnEdge_IsPaddedInsideDoubleTicks(string code, string expected)
    {
        Assert.Equal(("x " + expected + " y").Replace("  ", " ", StringComparison.Ordinal) + "\n", Body($"x <code>{code}</code> y"));
    }

    [Theory]
    [InlineData("strong", "**")]
    [InlineData("b", "**")]
    [InlineData("em", "*")]
    [InlineData("i", "*")]
    [InlineData("cite", "*")]
    [InlineData("del", "~~")]
    [InlineData("s", "~~")]
    [InlineData("strike", "~~")]
    public void Convert_EmphasisElements_WrapTheirTextInTheirMarker(string tag, string mark)
    {
        Assert.Equal($"a {mark}word{mark} b\n", Body($"a<{tag}>word</{tag}>b"));
        Assert.Equal("a b\n", Body($"a <{tag}> </{tag}> b"));
    }

    [Theory]
    [InlineData('.')]
    [InlineData(',')]
    [InlineData(';')]
    [InlineData(':')]
    [InlineData('!')]
    [InlineData('?')]
    [InlineData(')')]
    public void Convert_PunctuationAfterEmphasis_FollowsItWithoutASpace(char mark)
    {
        Assert.Equal($"(a **b**{mark} c\n", Body($"(a <b>b</b>{mark} c"));
    }

    [Theory]
    [InlineData("mailto:me@example.com", "[label](mailto:me@example.com)")]
    [InlineData("  /x(1)  ", "[label](https://example.com/x(1%29)")]
    [InlineData("ftp://example.com/file", "label")]
    [InlineData("", "label")]
    [InlineData("#section", "label")]
    [InlineData("http://[bad", "label")]
    public void Convert_ALink_KeepsOnlyWebAndMailLinksResolvedAgainstThePage(string href, string expected)
    {
        Assert.Equal(expected + "\n", Body($"<a href=\"{href}\">label</a>"));
    }

    [Fact]
    public void Convert_ALinkWithoutText_IsLeftOut()
    {
        Assert.Equal("a b\n", Body("a <a href=\"/x\"> </a> b"));
    }

    [Fact]
    public void Convert_AnImage_NeedsASourceAndAnAltText()
    {
        Assert.Equal("![two words](https://example.com/docs/i.png)\n",
            Body("<img alt=\"no source\"><img src=\"i.png\" alt=\" two \n words \"><img src=\"j.png\" alt=\"\">"));
    }

    [Fact]
    public void Convert_ATableWithACaptionAndAHeaderOfThCells_WritesBoth()
    {
        var md = Body("<table><caption> The  caption </caption><tr><th>A</th><th>B</th></tr><tr><td><p>one</p><p>two</p></td><td>x\ny</td></tr><tr></tr></table>");

        Assert.Equal("**The caption**\n\n| A | B |\n| --- | --- |\n| one two | x y |\n", md);
    }

    [Fact]
    public void Convert_ANestedTable_IsNotMixedIntoTheOuterRows()
    {
        var md = Body("<table><tr><td>outer</td><td><table><tr><td>inner</td></tr></table></td></tr></table>");

        Assert.StartsWith("| outer | ", md, StringComparison.Ordinal);
        Assert.Equal(2, md.Split('\n').Count(l => l.StartsWith('|')));
    }

    [Fact]
    public void Convert_ATableWithNoCells_IsLeftOut()
    {
        Assert.Equal("a\n\nb\n", Body("a<table><tr></tr></table>b"));
    }

    [Fact]
    public void Convert_ATitle_IsCollapsedIntoATopHeadingUnlessTheBodyStartsWithOne()
    {
        var titled = HtmlToMarkdown.Convert("<html><head><title>  A \n  title </title></head><body><p>text</p></body></html>", Base, useReadability: false);
        var headed = HtmlToMarkdown.Convert("<html><head><title>A title</title></head><body><h1>Own</h1></body></html>", Base, useReadability: false);
        var subheaded = HtmlToMarkdown.Convert("<html><head><title>A title</title></head><body><h2>Sub</h2></body></html>", Base, useReadability: false);

        Assert.Equal("# A title\n\ntext\n", titled);
        Assert.Equal("# Own\n", headed);
        Assert.Equal("# A title\n\n## Sub\n", subheaded);
    }

    [Fact]
    public void Convert_NullArguments_Throw()
    {
        Assert.Throws<ArgumentNullException>(() => HtmlToMarkdown.Convert(null!, Base));
        Assert.Throws<ArgumentNullException>(() => HtmlToMarkdown.Convert("<p>x</p>", null!));
    }
}
