using CodeForge.Core.Commands;
using CodeForge.Core.Plugins;
using CodeForge.Core.Skills;
using CodeForge.Testing;

namespace CodeForge.Core.Tests.Plugins;

/// <summary>A workflow as a slash command: the prompt Claude Code 2.1.337 sends for <c>/plugin:workflow args</c>.</summary>
public sealed class WorkflowDefinitionTests
{
    private static WorkflowDefinition ExtractRules() =>
        WorkflowLoader.LoadFile(Path.Combine(PluginFixtures.Root, "official", "plugins", "code-modernization", "workflows", "extract-rules.js"),
            CommandScope.Plugin, new List<LoadDiagnostic>(), "code-modernization", "/p")!;

    [Fact]
    public void RenderPrompt_WithArguments_IsClaudeCodesPromptWithTheArgumentsAsOneJsonString()
    {
        // Recorded from Claude Code 2.1.337: `claude -p "/code-modernization:modernize-extract-rules foo"` (its last line,
        // about its workflow-authoring skill, is left out: forge has no such skill).
        const string Expected = """
            Run the "code-modernization:modernize-extract-rules" workflow.

            Business-rule mining with loop-until-dry extraction, per-rule citation verification, and a P0 confirmation panel

            Invoked by /modernize-extract-rules when the Workflow tool is available. Requires args {system, modulePattern?, maxRounds?}. Returns structured rule cards — the calling session writes BUSINESS_RULES.md and DATA_OBJECTS.md from them.

            Phases:
            - Extract: three lens-scoped extractors per round, rounds until two come up dry
            - Verify: one citation referee per fresh rule
            - P0 panel: two independent judges per surviving P0 rule
            - Data objects: DTO/entity catalog

            Invoke: Workflow({ name: "code-modernization:modernize-extract-rules", args: "foo" })
            """;

        Assert.Equal(Expected, ExtractRules().RenderPrompt(" foo "));
    }

    [Fact]
    public void RenderPrompt_WithoutArguments_InvokesByNameOnly_AndQuotesLikeJsonStringify()
    {
        var prompt = ExtractRules().RenderPrompt("");
        var quoted = ExtractRules().RenderPrompt("say \"hi\" — <b>");

        Assert.EndsWith("Invoke: Workflow({ name: \"code-modernization:modernize-extract-rules\" })", prompt, StringComparison.Ordinal);
        Assert.EndsWith("args: \"say \\\"hi\\\" — <b>\" })", quoted, StringComparison.Ordinal);
    }

    [Fact]
    public void ToCommand_ExpandsToTheWorkflowPrompt_NotToMarkdownSubstitution()
    {
        var command = ExtractRules().ToCommand();

        Assert.Equal("code-modernization:modernize-extract-rules", command.Name);
        Assert.NotNull(command.Workflow);
        Assert.Equal(ExtractRules().RenderPrompt("$ARGUMENTS x") + "\n", command.Expand("$ARGUMENTS x"));
        Assert.StartsWith("Business-rule mining", command.Description, StringComparison.Ordinal);
    }

    private static WorkflowDefinition Make(string? whenToUse, params WorkflowPhase[] phases) => new()
    {
        Name = "p:w",
        Meta = new WorkflowMeta("w", "Does w.", null, whenToUse, [.. phases]),
        Path = "/p/workflows/w.js",
    };

    [Fact]
    public void RenderPrompt_WithoutWhenToUseOrPhases_IsTheDescriptionAndTheCall() =>
        Assert.Equal("Run the \"p:w\" workflow.\n\nDoes w.\n\nInvoke: Workflow({ name: \"p:w\" })", Make(null).RenderPrompt(null));

    [Fact]
    public void RenderPrompt_APhaseWithoutDetail_IsItsTitleOnly() =>
        Assert.Equal("Run the \"p:w\" workflow.\n\nDoes w.\n\nUse it.\n\nPhases:\n- One\n- Two: second\n- Three\n\nInvoke: Workflow({ name: \"p:w\", args: \"x\" })",
            Make("Use it.", new WorkflowPhase("One", null, null), new WorkflowPhase("Two", "second", "haiku"), new WorkflowPhase("Three", "", null)).RenderPrompt("x"));

    [Fact]
    public void RenderPrompt_WhiteSpaceArguments_AreNoArguments() =>
        Assert.EndsWith("Invoke: Workflow({ name: \"p:w\" })", Make(null).RenderPrompt(" \t "), StringComparison.Ordinal);

    [Theory]
    [InlineData("plain", "\"plain\"")]
    [InlineData("a\"b\\c", "\"a\\\"b\\\\c\"")]
    [InlineData("line\nbreak", "\"line\\nbreak\"")]
    [InlineData("<b> & é", "\"<b> & é\"")]
    public void JsString_QuotesAsJsonStringifyDoes(string value, string quoted) =>
        Assert.Equal(quoted, WorkflowDefinition.JsString(value));

    [Fact]
    public void ToCommand_KeepsThePluginAndWhereTheWorkflowLives()
    {
        var workflow = Make(null) with { Scope = CommandScope.Plugin, PluginName = "p", PluginRoot = "/p" };

        var command = workflow.ToCommand();

        Assert.Equal(("p:w", "Does w.", "/p/workflows/w.js", CommandScope.Plugin, "p", "/p"),
            (command.Name, command.Description, command.SourcePath, command.Scope, command.PluginName, command.PluginRoot));
        Assert.Same(workflow, command.Workflow);
    }
}
