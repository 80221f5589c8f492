using CodeForge.Cli.Interactive;
using CodeForge.Core.Agent;
using CodeForge.Core.Tools;
using Microsoft.Extensions.AI;
using Spectre.Console.Testing;

namespace CodeForge.Cli.Tests.Interactive;

public sealed class TurnRendererTests : IDisposable
{
    private readonly TestConsole _console = new();
    private readonly Screen _screen;
    private readonly TurnRenderer _renderer;
    private int _noticeLooks;

    public TurnRendererTests()
    {
        _console.Width(100);
        _screen = new Screen(_console, interactiveTerminal: false);
        _renderer = new TurnRenderer(_screen, new ThinkingView(() => "gpt-4o"), "/repo", () => _noticeLooks++);
    }

    public void Dispose() => _screen.Dispose();

    [Fact]
    public void Render_OfAnAutomaticCompaction_ShowsANoticeWithTheTokensBeforeAndAfter()
    {
        _renderer.Render(new ConversationCompacted(new CompactionResult(CompactionTrigger.Auto, 180_000, 9_500, 52, 6, "summary", null)));

        Assert.Contains("Context was near full: compacted 52 messages into a summary: 180,000 → 9,500 tokens", _console.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_OfAFailedAutomaticCompaction_ShowsWhy()
    {
        _renderer.Render(new CompactionFailed(CompactionTrigger.Auto, "PreCompact hook blocked it", null));

        Assert.Contains("Automatic compaction failed: PreCompact hook blocked it", _console.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_OfStreamedTextAndAToolCall_ShowsTheTextOnceAndTheCallsTitle()
    {
        _renderer.Render(new TextDelta("Let me look. "));
        _renderer.Render(new AssistantMessage(new ChatMessage(ChatRole.Assistant, "Let me look. "), null));
        var args = FakeEngine.Args("""{"file_path":"/repo/a.txt"}""");
        _renderer.Render(new ToolCallStarted("1", "Read", args));
        _renderer.Render(new ToolCallFinished("1", "Read", args, ToolResult.Ok("one\ntwo\n"), ToolCallOutcome.Executed));
        _renderer.Render(new TurnFinished(AgentStopReason.Completed, 2, new UsageDetails(), "done"));

        Assert.Single(_console.Output.Split("Let me look.").Skip(1));
        Assert.Contains("Read(a.txt)", _console.Output, StringComparison.Ordinal);
        Assert.Equal(2, _noticeLooks);
    }

    [Fact]
    public void Render_OfACancelledTurn_SaysItWasInterrupted()
    {
        _renderer.Render(new TurnFinished(AgentStopReason.Cancelled, 1, new UsageDetails(), ""));

        Assert.Contains("Interrupted.", _console.Output, StringComparison.Ordinal);
        Assert.Contains("What should the agent do instead?", _console.Output, StringComparison.Ordinal);
    }
}
