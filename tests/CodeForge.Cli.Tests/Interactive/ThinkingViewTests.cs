using CodeForge.Cli.Interactive;
using CodeForge.Core.Tokens;

namespace CodeForge.Cli.Tests.Interactive;

public sealed class ThinkingViewTests
{
    [Fact]
    public void Collapse_AfterStreamedThinking_GivesOneDimLineWithTheTokenCount_AndKeepsTheTextForExpanding()
    {
        var view = new ThinkingView(() => "gpt-5");
        view.Append("The test fails because ");
        view.Append("the parser skips the last line.");

        var line = view.Collapse();

        var tokens = TokenCounters.Uncached("gpt-5").Count("The test fails because the parser skips the last line.");
        Assert.Equal($"[grey]✻ Thinking… ({tokens} tokens) · ctrl+o or /thinking to expand[/]", line);
        Assert.False(view.Open);
        Assert.Equal("The test fails because the parser skips the last line.", view.Last);
        Assert.Contains("the parser skips the last line.", view.Expanded(), StringComparison.Ordinal);
    }

    [Fact]
    public void Collapse_PrefersTheCountTheProviderReported()
    {
        var view = new ThinkingView(() => "gpt-5");
        view.Append("short summary");

        Assert.Equal("[grey]✻ Thinking… (1,234 tokens) · ctrl+o or /thinking to expand[/]", view.Collapse(1_234));
    }

    [Fact]
    public void Collapse_WithoutThinkingText_ShowsReportedReasoning_OrNothing()
    {
        var view = new ThinkingView(() => "o4-mini");

        Assert.Null(view.Collapse());
        Assert.Null(view.Collapse(0));
        Assert.Equal("[grey]✻ Thinking… (512 tokens)[/]", view.Collapse(512));
        Assert.Equal("", view.Last);
        Assert.Contains("No thinking", view.Expanded(), StringComparison.Ordinal);
    }

    [Fact]
    public void Expanded_EscapesMarkupInTheThinking()
    {
        var view = new ThinkingView(() => "claude-sonnet-4-6");
        view.Append("check [red] and [/] in the input");
        view.Collapse();

        Assert.Contains("check [[red]] and [[/]] in the input", view.Expanded(), StringComparison.Ordinal);
    }
}
