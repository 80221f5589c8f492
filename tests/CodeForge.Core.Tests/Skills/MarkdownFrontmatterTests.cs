using CodeForge.Core.Skills;

namespace CodeForge.Core.Tests.Skills;

public sealed class MarkdownFrontmatterTests
{
    [Fact]
    public void Parse_WithFrontmatter_SplitsKeysAndBodyAndKnowsTheBodyLine()
    {
        var doc = MarkdownFrontmatter.Parse("---\nname: x\ndescription: \"hello: world\"\n---\n# Title\nbody\n", "f.md");

        Assert.True(doc.HasFrontmatter);
        Assert.True(doc.IsValid);
        Assert.Equal(["name", "description"], doc.Keys);
        Assert.Equal("hello: world", doc.GetString("description", []));
        Assert.Equal("# Title\nbody\n", doc.Body);
        Assert.Equal(5, doc.BodyLine);
        Assert.Equal(3, doc.LineOf("description"));
    }

    [Fact]
    public void Parse_WithoutFrontmatter_KeepsTheWholeTextAsBody()
    {
        var doc = MarkdownFrontmatter.Parse("just text\n---\n", "f.md");

        Assert.False(doc.HasFrontmatter);
        Assert.True(doc.IsValid);
        Assert.Equal("just text\n---\n", doc.Body);
    }

    [Fact]
    public void Parse_WhenTheBlockIsNeverClosed_ReportsLineOne()
    {
        var doc = MarkdownFrontmatter.Parse("---\nname: x\nbody", "f.md");

        var d = Assert.Single(doc.Diagnostics);
        Assert.False(doc.IsValid);
        Assert.Equal(1, d.Line);
        Assert.Contains("never closed", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_MalformedYaml_NamesTheFileAndTheLineInTheFile()
    {
        // Neither YAML nor a name/description line to fall back on.
        var doc = MarkdownFrontmatter.Parse("---\nother: 1\nmore: [unclosed\n---\nbody", "/p/SKILL.md");

        var d = Assert.Single(doc.Diagnostics);
        Assert.Equal("/p/SKILL.md", d.File);
        Assert.InRange(d.Line!.Value, 2, 4);
        Assert.Contains("malformed YAML", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_DuplicateKey_IsMalformed()
    {
        var doc = MarkdownFrontmatter.Parse("---\nname: a\nname: b\n---\n", "f.md");

        Assert.False(doc.IsValid);
    }

    [Fact]
    public void Parse_ListAsRoot_IsReportedAsNotAMapping()
    {
        var doc = MarkdownFrontmatter.Parse("---\n- a\n- b\n---\n", "f.md");

        var d = Assert.Single(doc.Diagnostics);
        Assert.Contains("mapping", d.Message, StringComparison.Ordinal);
        Assert.Equal(2, d.Line);
    }

    [Fact]
    public void GetList_AcceptsASpaceOrCommaSeparatedStringKeepingParentheses()
    {
        var doc = MarkdownFrontmatter.Parse("---\nallowed-tools: Bash(git add *) Read, Grep\n---\n", "f.md");

        Assert.Equal(["Bash(git add *)", "Read", "Grep"], doc.GetList("allowed-tools", []));
    }

    [Fact]
    public void GetList_AcceptsAYamlListAndWarnsAboutNonTextItems()
    {
        var warnings = new List<LoadDiagnostic>();
        var doc = MarkdownFrontmatter.Parse("---\nallowed-tools:\n  - Read\n  - {a: 1}\n  - Bash(npm test)\n---\n", "f.md");

        Assert.Equal(["Read", "Bash(npm test)"], doc.GetList("allowed-tools", warnings));
        var w = Assert.Single(warnings);
        Assert.Equal(4, w.Line);
    }

    [Theory]
    [InlineData("true", true)]
    [InlineData("no", false)]
    [InlineData("False", false)]
    public void GetBool_ReadsYamlBooleans(string text, bool expected)
    {
        var doc = MarkdownFrontmatter.Parse($"---\nflag: {text}\n---\n", "f.md");

        Assert.Equal(expected, doc.GetBool("flag", []));
    }

    [Fact]
    public void GetBool_OtherText_WarnsWithTheLineAndGivesNull()
    {
        var warnings = new List<LoadDiagnostic>();
        var doc = MarkdownFrontmatter.Parse("---\na: 1\nflag: maybe\n---\n", "f.md");

        Assert.Null(doc.GetBool("flag", warnings));
        Assert.Equal(3, Assert.Single(warnings).Line);
    }

    [Fact]
    public void GetString_OnAMapping_WarnsAndGivesNull()
    {
        var warnings = new List<LoadDiagnostic>();
        var doc = MarkdownFrontmatter.Parse("---\ndescription:\n  a: b\n---\n", "f.md");

        Assert.Null(doc.GetString("description", warnings));
        Assert.Single(warnings);
    }

    [Fact]
    public void GetMap_ReadsMetadata()
    {
        var doc = MarkdownFrontmatter.Parse("---\nmetadata:\n  author: me\n  version: \"1.0\"\n---\n", "f.md");

        var map = doc.GetMap("metadata", []);
        Assert.Equal("me", map["author"]);
        Assert.Equal("1.0", map["version"]);
    }

    [Fact]
    public void Parse_ClaudeCodesBracketArgumentHint_IsReadAsText()
    {
        var doc = MarkdownFrontmatter.Parse("---\nargument-hint: [pr-number] [priority]\ndescription: d\n---\n", "f.md");

        Assert.True(doc.IsValid);
        Assert.Equal("[pr-number] [priority]", doc.GetString("argument-hint", []));
    }

    [Fact]
    public void Parse_ADescriptionWithExamplesOnOneLine_IsReadLineByLineAsClaudeCodeReadsIt()
    {
        var doc = MarkdownFrontmatter.Parse(
            "---\nname: helper\ndescription: Use it. Examples: <example>Context: a user\\nuser: \"hi\"</example>\nmodel: inherit\ntools: [\"Read\", \"Grep\"]\n---\nbody",
            "/p/agents/helper.md");
        var warnings = new List<LoadDiagnostic>();

        Assert.True(doc.IsValid);
        Assert.True(doc.ReadLeniently);
        Assert.Equal("Use it. Examples: <example>Context: a user\nuser: \"hi\"</example>", doc.GetString("description", warnings));
        Assert.Equal("inherit", doc.GetString("model", warnings));
        Assert.Equal(["Read", "Grep"], doc.GetList("tools", warnings));
        Assert.Equal(5, doc.LineOf("tools"));
        Assert.Empty(warnings);
    }

    [Fact]
    public void Parse_ExampleLinesBelowTheDescription_BelongToTheDescription()
    {
        var doc = MarkdownFrontmatter.Parse("---\nname: t\ndescription: Tidy code. Examples:\n<example>\nuser: \"x\"\nassistant: \"y\"\n</example>\nmodel: opus\n---\nbody", "t.md");
        var warnings = new List<LoadDiagnostic>();

        Assert.True(doc.IsValid);
        Assert.Equal("Tidy code. Examples:\n<example>\nuser: \"x\"\nassistant: \"y\"\n</example>", doc.GetString("description", warnings));
        Assert.Equal("opus", doc.GetString("model", warnings));
        Assert.DoesNotContain("user", doc.Keys);
    }

    [Theory]
    [InlineData("name: a\ndescription: ok", true)] // valid YAML
    [InlineData("name: a\ndescription: Use it. Examples: <example>Context: x</example>", true)] // one quoted line repairs it
    [InlineData("name: a\ndescription: Tidy code. Examples:\n<example>\nuser: \"x\"\n</example>", false)] // <example> lines stay invalid
    [InlineData("name: a\nargument-hint: [pr-number] [priority]", true)]
    [InlineData("name: a\ntools: [\"Read\", \"Grep\"]\ndescription: a: b", true)] // a valid flow list is kept as it is
    [InlineData("name: a\ndescription: it's a 'test: x'", true)] // ends with a quote but does not start with one: quoted whole
    [InlineData("name: a\ndescription: 'Checks' the build: fast", true)] // starts with a quote but does not end with one: quoted whole
    public void ClaudeCodeReadsFields_IsWhetherItsOneRetryWithQuotedValuesParses(string block, bool reads)
    {
        var doc = MarkdownFrontmatter.Parse($"---\n{block}\n---\nbody", "a.md");

        Assert.True(doc.IsValid);
        Assert.Equal("a", doc.GetString("name", []));
        Assert.Equal(reads, doc.ClaudeCodeReadsFields);
        Assert.Equal(reads, MarkdownFrontmatter.QuotedRetryParses(block.Split('\n')));
    }

    [Fact]
    public void Parse_MalformedYamlWithANameButNoDescription_IsReadLeniently()
    {
        // The comment line keeps the block off the fast path; "sonnet: fast" makes it invalid YAML.
        var doc = MarkdownFrontmatter.Parse("---\nname: reviewer\n# picked per task\nmodel: sonnet: fast\n---\nbody", "/p/agents/reviewer.md");

        Assert.True(doc.IsValid);
        Assert.True(doc.ReadLeniently);
        Assert.Empty(doc.Diagnostics);
        Assert.Equal("reviewer", doc.GetString("name", []));
        Assert.Equal("sonnet: fast", doc.GetString("model", []));
    }

    [Fact]
    public void Parse_ABodyWithAThematicBreak_EndsTheBlockAtTheFirstClosingLine()
    {
        var doc = MarkdownFrontmatter.Parse("---\nname: a\n---\nIntro\n---\nMore\n...\nEnd\n", "f.md");

        Assert.True(doc.IsValid);
        Assert.Equal(["name"], doc.Keys);
        Assert.Equal("Intro\n---\nMore\n...\nEnd\n", doc.Body);
        Assert.Equal(4, doc.BodyLine);
    }

    [Fact]
    public void Parse_ValidYaml_IsNotReadLeniently()
    {
        var doc = MarkdownFrontmatter.Parse("---\nname: a\ndescription: \"quoted: fine\"\n---\n", "a.md");

        Assert.True(doc.IsValid);
        Assert.False(doc.ReadLeniently);
        Assert.Equal("quoted: fine", doc.GetString("description", []));
    }

    public static TheoryData<string> KnownKeysOtherThanDescription() =>
        new(MarkdownFrontmatter.KnownKeys.Where(k => k is not ("description" or "name")).Order(StringComparer.Ordinal));

    [Theory]
    [MemberData(nameof(KnownKeysOtherThanDescription))]
    public void Parse_AKnownKeyAfterTheDescriptionInMalformedYaml_StartsItsOwnFieldAndLeavesTheDescriptionWhole(string key)
    {
        // "a: b: c" is not valid YAML, so the lenient reader splits the block at lines that start with a key Claude Code's
        // files use; a key it did not know would be read as more of the description.
        var doc = MarkdownFrontmatter.Parse($"---\nname: s\ndescription: Checks the build\n{key}: a: b: c\n---\nbody\n", "/p/SKILL.md");

        Assert.Equal("Checks the build", doc.GetString("description", []));
    }

    [Fact]
    public void Parse_AByteOrderMarkBeforeTheOpeningLine_IsIgnored()
    {
        var doc = MarkdownFrontmatter.Parse("\uFEFF---\nname: x\n---\nbody", "f.md");

        Assert.True(doc.HasFrontmatter);
        Assert.Equal("x", doc.GetString("name", []));
        Assert.Equal("body", doc.Body);
    }

    [Fact]
    public void Parse_CrlfLinesAndDotsClosing_AreAccepted()
    {
        var doc = MarkdownFrontmatter.Parse("--- \r\nname: x\r\ndescription: d\r\n...\r\nbody\r\n", "f.md");

        Assert.True(doc.IsValid);
        Assert.Equal("x", doc.GetString("name", []));
        Assert.Equal("d", doc.GetString("description", []));
        Assert.Equal("body\r\n", doc.Body);
        Assert.Equal(5, doc.BodyLine);
    }

    [Fact]
    public void Parse_AClosingLineWithoutANewline_EndsTheBlockWithAnEmptyBody()
    {
        var doc = MarkdownFrontmatter.Parse("---\nname: x\n---", "f.md");

        Assert.True(doc.IsValid);
        Assert.Equal("x", doc.GetString("name", []));
        Assert.Equal("", doc.Body);
        Assert.Equal(4, doc.BodyLine);
    }

    [Fact]
    public void Parse_AnOnlyOpeningLine_IsNeverClosed()
    {
        var doc = MarkdownFrontmatter.Parse("---", "f.md");

        Assert.True(doc.HasFrontmatter);
        Assert.False(doc.IsValid);
        Assert.Equal("f.md:1: the YAML frontmatter opened here is never closed with a '---' line", Assert.Single(doc.Diagnostics).ToString());
        Assert.Equal("---", doc.Body);
        Assert.Empty(doc.Keys);
    }

    [Fact]
    public void Parse_AnEmptyBlock_HasNoKeysAndIsValid()
    {
        var doc = MarkdownFrontmatter.Parse("---\n\n---\nbody", "f.md");

        Assert.True(doc.HasFrontmatter);
        Assert.True(doc.IsValid);
        Assert.Empty(doc.Keys);
        Assert.False(doc.Has("name"));
        Assert.Equal(2, doc.LineOf("name"));
        Assert.Equal(4, doc.BodyLine);
    }

    [Fact]
    public void Parse_ABlockOfOnlyAComment_HasNoKeysAndIsValid()
    {
        var doc = MarkdownFrontmatter.Parse("---\n# nothing here\n---\nbody", "f.md");

        Assert.True(doc.IsValid);
        Assert.Empty(doc.Keys);
    }

    [Fact]
    public void Parse_ATextAsRoot_IsReportedAsNotAMapping()
    {
        var doc = MarkdownFrontmatter.Parse("---\njust words\n---\n", "f.md");

        var d = Assert.Single(doc.Diagnostics);
        Assert.Equal("the YAML frontmatter must be a mapping of keys to values, not a text value", d.Message);
        Assert.Equal(2, d.Line);
        Assert.Equal("the YAML frontmatter must be a mapping of keys to values, not a list",
            Assert.Single(MarkdownFrontmatter.Parse("---\n- a\n---\n", "f.md").Diagnostics).Message);
    }

    [Fact]
    public void Parse_MalformedYaml_LeavesOutYamlDotNetsPositionPrefix()
    {
        var doc = MarkdownFrontmatter.Parse("---\nother: 1\nmore: [unclosed\n---\nbody", "/p/SKILL.md");

        var d = Assert.Single(doc.Diagnostics);
        Assert.StartsWith("malformed YAML frontmatter: ", d.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("(Line", d.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("See inner exception", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_DuplicateKey_IsAMalformedYamlError()
    {
        var doc = MarkdownFrontmatter.Parse("---\nname: a\ndescription: d\nname: b\n---\n", "f.md");

        var d = Assert.Single(doc.Diagnostics);
        Assert.StartsWith("malformed YAML frontmatter: ", d.Message, StringComparison.Ordinal);
        Assert.Equal(LoadSeverity.Error, d.Severity);
    }

    [Fact]
    public void Keys_AreInFileOrder() =>
        Assert.Equal(["model", "name", "description"], MarkdownFrontmatter.Parse("---\nmodel: m\nname: n\ndescription:\n  long\n---\n", "f.md").Keys);

    [Fact]
    public void LineOf_AKeyInTheBlock_IsItsFileLine()
    {
        var doc = MarkdownFrontmatter.Parse("---\nname: a\nmetadata:\n  x: y\ndescription: |\n  text\n---\n", "f.md");

        Assert.Equal(2, doc.LineOf("name"));
        Assert.Equal(3, doc.LineOf("metadata"));
        Assert.Equal(5, doc.LineOf("description"));
        Assert.Equal(2, doc.LineOf("absent"));
    }

    [Theory]
    [InlineData("~")]
    [InlineData("null")]
    [InlineData("Null")]
    [InlineData("NULL")]
    [InlineData("")]
    public void GetString_OfAYamlNull_IsNullButPresent(string value)
    {
        var doc = MarkdownFrontmatter.Parse($"---\nmodel: {value}\nname: x\n---\n", "f.md");

        Assert.True(doc.Has("model"));
        Assert.Null(doc.GetString("model", []));
        Assert.Empty(doc.GetList("model", []));
        Assert.Empty(doc.GetMap("model", []));
        Assert.Null(doc.GetBool("model", []));
    }

    [Fact]
    public void GetString_OfAQuotedNull_IsTheText()
    {
        var doc = MarkdownFrontmatter.Parse("---\nmodel: 'null'\nname: \"~\"\n---\n", "f.md");

        Assert.Equal("null", doc.GetString("model", []));
        Assert.Equal("~", doc.GetString("name", []));
    }

    [Fact]
    public void GetString_OfAListOrMapping_WarnsWithKeyKindAndLine()
    {
        var warnings = new List<LoadDiagnostic>();
        var doc = MarkdownFrontmatter.Parse("---\nname: x\nmodel:\n  - a\ndescription:\n  a: b\n---\n", "/p/f.md");

        Assert.Null(doc.GetString("model", warnings));
        Assert.Null(doc.GetString("description", warnings));
        Assert.Null(doc.GetString("absent", warnings));
        Assert.Equal(
            ["/p/f.md:4: warning: 'model' should be a single text value, not a list; ignored",
             "/p/f.md:6: warning: 'description' should be a single text value, not a mapping; ignored"],
            warnings.Select(w => w.ToString()));
    }

    [Theory]
    [InlineData("yes", true)]
    [InlineData("on", true)]
    [InlineData("TRUE", true)]
    [InlineData(" true ", true)]
    [InlineData("off", false)]
    [InlineData("false", false)]
    [InlineData("No", false)]
    public void GetBool_ReadsEveryYamlBooleanSpelling(string text, bool expected)
    {
        var doc = MarkdownFrontmatter.Parse($"---\nflag: \"{text}\"\n---\n", "f.md");

        Assert.Equal(expected, doc.GetBool("flag", []));
    }

    [Fact]
    public void GetBool_OtherText_WarnsQuotingIt()
    {
        var warnings = new List<LoadDiagnostic>();
        var doc = MarkdownFrontmatter.Parse("---\nflag: 1\n---\n", "f.md");

        Assert.Null(doc.GetBool("flag", warnings));
        Assert.Null(doc.GetBool("absent", warnings));
        Assert.Equal("f.md:2: warning: 'flag' should be true or false, not '1'; ignored", Assert.Single(warnings).ToString());
    }

    [Fact]
    public void GetList_OfAMapping_WarnsAndGivesNothing()
    {
        var warnings = new List<LoadDiagnostic>();
        var doc = MarkdownFrontmatter.Parse("---\nname: x\ntools:\n  a: b\n---\n", "f.md");

        Assert.Empty(doc.GetList("tools", warnings));
        Assert.Empty(doc.GetList("absent", warnings));
        Assert.Equal("f.md:4: warning: 'tools' should be a list or a text value, not a mapping; ignored", Assert.Single(warnings).ToString());
    }

    [Fact]
    public void GetList_LeavesOutBlankAndNullItemsWithAWarningEach_AndTrimsTheRest()
    {
        var warnings = new List<LoadDiagnostic>();
        var doc = MarkdownFrontmatter.Parse("---\ntools:\n  - \" Read \"\n  - \"  \"\n  - ~\n  - [a]\n---\n", "f.md");

        Assert.Equal(["Read"], doc.GetList("tools", warnings));
        Assert.Equal([4, 5, 6], warnings.Select(w => w.Line!.Value));
        Assert.All(warnings, w => Assert.Equal("'tools' items should be text; this one is ignored", w.Message));
    }

    [Fact]
    public void GetMap_OfAListOrText_WarnsAndGivesNothing()
    {
        var warnings = new List<LoadDiagnostic>();
        var doc = MarkdownFrontmatter.Parse("---\nname: x\nmetadata: text\nhooks:\n  - a\n---\n", "f.md");

        Assert.Empty(doc.GetMap("metadata", warnings));
        Assert.Empty(doc.GetMap("hooks", warnings));
        Assert.Empty(doc.GetMap("absent", warnings));
        Assert.Equal(
            ["f.md:3: warning: 'metadata' should be a mapping of keys to values; ignored",
             "f.md:5: warning: 'hooks' should be a mapping of keys to values; ignored"],
            warnings.Select(w => w.ToString()));
    }

    [Fact]
    public void GetMap_KeepsANestedValueAsItsYamlText_AndANullValueAsEmpty()
    {
        var doc = MarkdownFrontmatter.Parse("---\nmetadata:\n  a: 1\n  b:\n  c: [x, y]\n---\n", "f.md");

        var map = doc.GetMap("metadata", []);
        Assert.Equal("1", map["a"]);
        Assert.Equal("", map["b"]);
        Assert.Contains("x", map["c"], StringComparison.Ordinal);
        Assert.Contains("y", map["c"], StringComparison.Ordinal);
        Assert.Equal(3, map.Count);
    }

    [Theory]
    [InlineData("Read,Grep", new[] { "Read", "Grep" })]
    [InlineData("  Read ,  Grep  ", new[] { "Read", "Grep" })]
    [InlineData("Bash(git add, commit) Read", new[] { "Bash(git add, commit)", "Read" })]
    [InlineData("Bash(a (b) c) d", new[] { "Bash(a (b) c)", "d" })]
    [InlineData("a) b", new[] { "a)", "b" })]
    [InlineData(",,", new string[0])]
    [InlineData("", new string[0])]
    [InlineData("Read\tGrep\nGlob", new[] { "Read", "Grep", "Glob" })]
    public void SplitList_SplitsOnWhiteSpaceAndCommasOutsideParentheses(string value, string[] expected) =>
        Assert.Equal(expected, MarkdownFrontmatter.SplitList(value));

    [Fact]
    public void SplitList_OfNull_ThrowsArgumentNullException() =>
        Assert.Equal("value", Assert.Throws<ArgumentNullException>(() => MarkdownFrontmatter.SplitList(null!)).ParamName);

    [Fact]
    public void Parse_ABracketArgumentHintWithAQuote_IsReadAsText()
    {
        var doc = MarkdownFrontmatter.Parse("---\nargument-hint: [it's] [x]\ndescription: d\nother: {a: b}\n---\n", "f.md");

        Assert.True(doc.IsValid);
        Assert.Equal("[it's] [x]", doc.GetString("argument-hint", []));
    }

    [Fact]
    public void Parse_AnUnknownKeyFirstInMalformedYaml_StartsTheFirstField()
    {
        var doc = MarkdownFrontmatter.Parse("---\nsummary: a: b\nname: x\ndescription: d\n---\nbody", "f.md");

        Assert.True(doc.IsValid);
        Assert.True(doc.ReadLeniently);
        Assert.Equal("a: b", doc.GetString("summary", []));
        Assert.Equal("x", doc.GetString("name", []));
        Assert.Equal(3, doc.LineOf("name"));
    }

    [Fact]
    public void Parse_MalformedYamlWithNeitherNameNorDescription_KeepsTheParsersError()
    {
        var doc = MarkdownFrontmatter.Parse("---\nmodel: a: b\ncolor: red\n---\nbody", "f.md");

        Assert.False(doc.IsValid);
        Assert.False(doc.ReadLeniently);
        Assert.Contains("malformed YAML", Assert.Single(doc.Diagnostics).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ALenientDescriptionWithATabAndAWrittenLineBreak_KeepsThem()
    {
        var doc = MarkdownFrontmatter.Parse("---\nname: x\ndescription: a: b\\nc\td \"q\" \\\\ e\n  more\n---\nbody", "f.md");

        Assert.True(doc.ReadLeniently);
        Assert.Equal("a: b\nc\td \"q\" \\\\ e\n  more", doc.GetString("description", []));
    }
}
