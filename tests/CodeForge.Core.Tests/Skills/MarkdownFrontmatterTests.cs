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
    public void ClaudeCodeReadsFields_IsWhetherItsOneRetryWithQuotedValuesParses(string block, bool reads)
    {
        var doc = MarkdownFrontmatter.Parse($"---\n{block}\n---\nbody", "a.md");

        Assert.True(doc.IsValid);
        Assert.Equal("a", doc.GetString("name", []));
        Assert.Equal(reads, doc.ClaudeCodeReadsFields);
        Assert.Equal(reads, MarkdownFrontmatter.QuotedRetryParses(block.Split('\n')));
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
}
