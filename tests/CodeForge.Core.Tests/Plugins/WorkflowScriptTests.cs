using CodeForge.Core.Plugins;
using CodeForge.Testing;

namespace CodeForge.Core.Tests.Plugins;

/// <summary>The <c>meta</c> split of workflow scripts: the pinned Apache-2.0 ones of code-modernization, a same-shape
/// minified one (claude-security's shape), and the scripts Claude Code refuses.</summary>
public sealed class WorkflowScriptTests
{
    private static string Official(string file) =>
        File.ReadAllText(Path.Combine(PluginFixtures.Root, "official", "plugins", "code-modernization", "workflows", file));

    [Theory]
    [InlineData("extract-rules.js", "modernize-extract-rules", 4)]
    [InlineData("harden-scan.js", "modernize-harden-scan", -1)]
    [InlineData("portfolio-assess.js", "modernize-portfolio-assess", 1)]
    [InlineData("reimagine-scaffold.js", "modernize-reimagine-scaffold", 1)]
    [InlineData("uplift-deltas.js", "modernize-uplift-deltas", -1)]
    [InlineData("uplift-migrate.js", "modernize-uplift-migrate", -1)]
    public void Parse_TheOfficialWorkflows_GivesTheirMetaNameDescriptionAndPhases(string file, string name, int phases)
    {
        var script = WorkflowScript.Parse(Official(file), out var error);

        Assert.True(script is not null, error);
        Assert.Equal(name, script.Meta.Name);
        Assert.False(string.IsNullOrWhiteSpace(script.Meta.Description));
        Assert.NotNull(script.Meta.WhenToUse);
        if (phases >= 0)
        {
            Assert.Equal(phases, script.Meta.Phases.Length);
        }
        Assert.DoesNotContain("export const meta", script.Body, StringComparison.Ordinal);
        Assert.Contains("return", script.Body, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ExtractRules_KeepsThePhaseTitlesAndDetailsAndStartsTheBodyOnTheLineAfterMeta()
    {
        var text = Official("extract-rules.js");

        var script = WorkflowScript.Parse(text, out _)!;

        Assert.Equal(new WorkflowPhase("Extract", "three lens-scoped extractors per round, rounds until two come up dry", null), script.Meta.Phases[0]);
        Assert.Equal("P0 panel", script.Meta.Phases[2].Title);
        var metaEnd = text.Split('\n').ToList().FindIndex(l => l == "}") + 1;
        Assert.Equal(metaEnd, script.BodyLine);
    }

    [Fact]
    public void Parse_AMinifiedOneLineScript_SplitsTheMetaFromTheBodyOnTheSameLine()
    {
        var text = File.ReadAllText(Path.Combine(PluginFixtures.Root, "shapes", "workflow-shapes", "workflows", "scan.js"));

        var script = WorkflowScript.Parse(text, out var error);

        Assert.True(script is not null, error);
        Assert.Equal("scan", script.Meta.Name);
        Assert.Equal(["Inventory", "Panel"], script.Meta.Phases.Select(p => p.Title));
        Assert.StartsWith("const e=\"workflows/scan.js\"", script.Body, StringComparison.Ordinal);
        Assert.Equal(1, script.BodyLine);
    }

    [Fact]
    public void Parse_CommentsBeforeMetaAndEveryLiteralForm_AreRead()
    {
        var script = WorkflowScript.Parse("""
            // a workflow
            /* block */
            export const meta = {
              'name': "quoted",
              description: `multi
            line`,
              title: 'T\u00e9 \'x\'',
              n: -1.5e3, ok: true, none: null,
              phases: [{ title: 'A', detail: "d", model: 'haiku', }, { detail: 'no title: ignored' }],
            };
            return 1
            """, out var error);

        Assert.True(script is not null, error);
        Assert.Equal(("quoted", "multi\nline", "Té 'x'"), (script.Meta.Name, script.Meta.Description, script.Meta.Title));
        Assert.Equal([new WorkflowPhase("A", "d", "haiku")], script.Meta.Phases);
        Assert.Equal("\nreturn 1", script.Body);
    }

    [Theory]
    [InlineData("const x = 1\nexport const meta = { name: 'a', description: 'b' }", "must be the FIRST statement")]
    [InlineData("export const meta = { name: NAME, description: 'b' }", "'NAME' is not a literal")]
    [InlineData("export const meta = { name: 'a', description: `b ${x}` }", "template interpolation")]
    [InlineData("export const meta = { ...base, name: 'a' }", "spreads are not allowed")]
    [InlineData("export const meta = { description: 'b' }", "meta.name must be a non-empty string")]
    [InlineData("export const meta = { name: 'a', description: '' }", "meta.description must be a non-empty string")]
    [InlineData("export const meta = { name: 'a', description: 'b'", "expected ',' or '}'")]
    [InlineData("export const meta = { name: 'a\n', description: 'b' }", "unterminated string")]
    [InlineData("export const meta = { name: 'a\\", "unterminated string")]
    [InlineData("export const meta = { 1a: 'x', name: 'a', description: 'b' }", "where a key was expected")]
    [InlineData("export const meta = { name: @, description: 'b' }", "unexpected '@'")]
    [InlineData("export const meta = {\n  name: 'a',\n  description: NAME\n}", "'NAME' is not a literal (no variables or calls in meta) (line 3)")]
    public void Parse_AScriptClaudeCodeRefuses_FailsSayingWhy(string text, string why)
    {
        var script = WorkflowScript.Parse(text, out var error);

        Assert.Null(script);
        Assert.Contains(why, error, StringComparison.Ordinal);
    }
}
