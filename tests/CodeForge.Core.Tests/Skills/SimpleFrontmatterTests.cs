using CodeForge.Core.Skills;

namespace CodeForge.Core.Tests.Skills;

/// <summary>The fast path of <see cref="MarkdownFrontmatter.Parse(string, string)"/> gives what the YAML path gives.</summary>
public sealed class SimpleFrontmatterTests
{
    private static readonly string[] Keys =
        ["name", "description", "tools", "model", "color", "argument-hint", "allowed-tools", "license", "disable-model-invocation", "metadata", "custom-key"];

    public static TheoryData<string> Blocks() =>
    [
        "name: skill-1\ndescription: Use when the user asks for procedure 1; it lists the steps.",
        "name: agent-0\ndescription: Use this agent to review change 0. Examples: <example>Context: the user changed code. user: \"review it\" assistant: \"I will use agent-0\"</example>\ntools: Read, Grep, Glob\nmodel: inherit\ncolor: blue",
        "description: Run p000\nargument-hint: [target]",
        "description: Run it\nargument-hint: [pr-number] [priority] it's # fine",
        "description: a value with C# and https://example.com/x?y=1 and {braces} [brackets], commas",
        "description: trailing spaces   \r\nname: x\r",
        "name: x\ndescription: ~",
        "name: x\ndescription: null\nlicense: Apache-2.0",
        "description: yes\ndisable-model-invocation: true",
        "name: x\ndescription: text # a comment",
        "name: x\ndescription: one: two # and: three",
        "name: x\ndescription: has a written \\n break: and \\\\n two and a \\t tab: ok",
        "name: x\ndescription: quote \" inside: and 'single' too",
        "name: x\ndescription: \"quoted: value\"",
        "name: x\ndescription: 'single'",
        "name: x\ndescription: |\n  block",
        "name: x\ndescription:",
        "name: x\n\ndescription: after a blank line",
        "name: x\ndescription: first\ndescription: again",
        "name: x\ndescription: a: b\ncustom-key: unknown keys join the field above",
        "custom-key: first: keys may be unknown\ndescription: d",
        "tools: a: b\ncolor: red",
        "name: x\ndescription: ends with a colon:",
        "name: x\ndescription: -dash first",
        "name: x\ndescription: *alias",
        "name: x\ndescription: &anchor value",
        "name: x\ndescription: !tag value",
        "name: x\ndescription: @at",
        "name: x\ndescription: tab\tinside",
        "name: x\ndescription: emoji \U0001F600 here",
        "name: x\ndescription: line\u2028separator",
        "name: x\ndescription: a\uFFFEb",
        "name: x\ndescription: a\uFFFFb",
        "name: x\ndescription: a\uFFFDb",
        "name: x\ndescription: nbsp\u00a0inside: and at the end\u00a0",
        "name: x\ndescription: plain\u00a0",
        "name: x\nargument-hint: [a]\u00a0",
        "name: x\nmetadata:\n  a: b",
        "name: x\ntools:\n  - Read\n  - Grep",
        "name: x\ndescription: multi\n  line",
        "  name: indented",
        "name: x\n# comment\ndescription: d",
        "name:x\ndescription: d",
        "name: x\n#commented: out",
        "name: x\n_private: kept",
        "name: x\n1st: digit first",
        "name: x\n-dash: first",
    ];

    [Theory]
    [MemberData(nameof(Blocks))]
    public void Parse_GivesWhatTheYamlPathGives(string block)
    {
        var text = $"---\n{block}\n---\n# Body\n\ntext\n";

        var fast = MarkdownFrontmatter.Parse(text, "f.md");
        var general = MarkdownFrontmatter.Parse(text, "f.md", fastPath: false);

        Assert.Equal(Describe(general), Describe(fast));
    }

    [Fact]
    public void Parse_OfAnAgentWithAnExampleDescription_ReadsItLenientlyWithLines()
    {
        var doc = MarkdownFrontmatter.Parse("---\nname: a\ndescription: Use it. Examples: <example>Context: x</example>\ntools: Read, Grep\n---\nPrompt\n", "a.md");

        Assert.True(doc.IsValid);
        Assert.True(doc.ReadLeniently);
        Assert.Equal("Use it. Examples: <example>Context: x</example>", doc.GetString("description", []));
        Assert.Equal(["Read", "Grep"], doc.GetList("tools", []));
        Assert.Equal(4, doc.LineOf("tools"));
        Assert.Equal("Prompt\n", doc.Body);
        Assert.Equal(6, doc.BodyLine);
    }

    [Theory]
    [InlineData("name: skill-1\ndescription: Use when the user asks for procedure 1; it lists the steps.", false)]
    [InlineData("description: Run p000\nargument-hint: [target]", false)]
    [InlineData("description: Use this agent. Examples: <example>Context: x</example>\nmodel: inherit", true)] // a description without a name is enough
    [InlineData("name: agent-0\ndescription: Use this agent. Examples: <example>Context: x. user: \"go\"</example>\ntools: Read, Grep\nmodel: inherit\ncolor: blue", true)]
    public void TryRead_OfOneLineFields_ReadsThemWithoutTheParser(string block, bool lenient)
    {
        var result = SimpleFrontmatter.TryRead(block.Split('\n'), MarkdownFrontmatter.KnownKeys);

        Assert.NotNull(result);
        Assert.Equal(lenient, result.Lenient);
    }

    [Theory]
    [InlineData("name: x\ndescription: \"quoted\"")]
    [InlineData("name: x\ntools:\n  - Read")]
    [InlineData("name: x\ndescription: a: b\ncustom-key: v")]
    public void TryRead_OfAnythingElse_LeavesItToTheParser(string block) =>
        Assert.Null(SimpleFrontmatter.TryRead(block.Split('\n'), MarkdownFrontmatter.KnownKeys));

    private static string Describe(MarkdownFrontmatter doc)
    {
        var warnings = new List<LoadDiagnostic>();
        var parts = new List<string>
        {
            $"valid={doc.IsValid} lenient={doc.ReadLeniently} has={doc.HasFrontmatter} bodyLine={doc.BodyLine} body=[{doc.Body}]",
            $"keys={string.Join(",", doc.Keys)}",
            $"diagnostics={string.Join(" | ", doc.Diagnostics)}",
        };
        foreach (var key in Keys)
        {
            parts.Add($"{key}: has={doc.Has(key)} line={doc.LineOf(key)} string=[{doc.GetString(key, warnings)}] list=[{string.Join("|", doc.GetList(key, warnings))}] " +
                $"bool={doc.GetBool(key, warnings)} map=[{string.Join(",", doc.GetMap(key, warnings).OrderBy(p => p.Key, StringComparer.Ordinal))}]");
        }
        parts.Add($"warnings={string.Join(" | ", warnings)}");
        return string.Join("\n", parts);
    }
}
