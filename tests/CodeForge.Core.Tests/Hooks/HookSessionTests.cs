using System.Collections.Concurrent;
using System.Text.Json;
using CodeForge.Core.Agent;
using CodeForge.Core.Hooks;
using CodeForge.Core.Tools;

namespace CodeForge.Core.Tests.Hooks;

public sealed class HookSessionTests
{
    private static readonly JsonElement Input = JsonDocument.Parse("""{"command": "ls"}""").RootElement;

    private static (HookSession Session, FakeHookProcessRunner Processes, ConcurrentQueue<string> Shown) Create(
        Func<HookProcessRequest, HookProcessResult> behave, params HookDefinition[] hooks)
    {
        var registry = new HookRegistry();
        registry.SetSource("test", hooks);
        var processes = new FakeHookProcessRunner(behave);
        var runner = new HookRunner(registry, processes, new HookRunnerOptions { ProjectDirectory = "/repo", HomeDirectory = "/home/u" });
        var shown = new ConcurrentQueue<string>();
        return (new HookSession(runner, () => new HookSessionInfo("s", null, "/repo"), shown.Enqueue), processes, shown);
    }

    private static HookDefinition Hook(HookEvent e, string command) => new(e, HookMatcher.Parse(null), command, "test");

    private static AgentToolCall Call() => new("call_1", "Bash", Input, ToolResult.Ok("done"));

    [Fact]
    public async Task PromptSubmittedAsync_AfterSessionStartGaveContext_AddsItToTheNextPromptOnly()
    {
        var (session, _, _) = Create(_ => FakeHookProcessRunner.Ok("branch: main"), Hook(HookEvent.SessionStart, "ctx"));
        var ct = TestContext.Current.CancellationToken;

        await session.StartAsync(cancellationToken: ct);
        var first = await session.PromptSubmittedAsync("hello", ct);
        var second = await session.PromptSubmittedAsync("again", ct);

        Assert.Equal("branch: main", first.AdditionalContext);
        Assert.Same(AgentHookVerdict.None, second);
    }

    [Fact]
    public async Task ToolBatchFinishedAsync_AfterAToolHookAskedToStop_StopsTheRunOnceWithItsReason()
    {
        var (session, _, shown) = Create(
            _ => FakeHookProcessRunner.Ok("""{"continue": false, "stopReason": "budget exhausted", "systemMessage": "bye"}"""),
            Hook(HookEvent.PostToolUse, "stop"));
        var ct = TestContext.Current.CancellationToken;

        var finished = await session.ToolFinishedAsync(Call(), ct);
        var batch = await session.ToolBatchFinishedAsync([Call()], ct);
        var nextBatch = await session.ToolBatchFinishedAsync([Call()], ct);

        Assert.Same(AgentHookVerdict.None, finished);
        Assert.True(batch.StopRun);
        Assert.Equal("Stopped by a hook: budget exhausted", batch.StopReason);
        Assert.Same(AgentHookVerdict.None, nextBatch);
        Assert.Equal(["bye"], shown);
    }

    [Fact]
    public async Task ToolBatchFinishedAsync_WhenTheStopRequestGaveNoReason_NamesTheHookThatAsked()
    {
        var (session, _, _) = Create(_ => FakeHookProcessRunner.Ok("""{"continue": false}"""), Hook(HookEvent.PostToolUse, "stop"));
        var ct = TestContext.Current.CancellationToken;

        await session.ToolFinishedAsync(Call(), ct);
        var batch = await session.ToolBatchFinishedAsync([Call()], ct);

        Assert.Equal("Stopped by a hook: stopped by the hook `stop`", batch.StopReason);
    }

    [Fact]
    public async Task ToolBatchFinishedAsync_WhenTwoToolHooksAskedToStop_KeepsTheFirstReason()
    {
        var reasons = new ConcurrentQueue<string>(["first", "second"]);
        var (session, _, _) = Create(
            _ => FakeHookProcessRunner.Ok($$"""{"continue": false, "stopReason": "{{(reasons.TryDequeue(out var r) ? r : "none")}}"}"""),
            Hook(HookEvent.PostToolUse, "stop"));
        var ct = TestContext.Current.CancellationToken;

        await session.ToolFinishedAsync(Call(), ct);
        await session.ToolFinishedAsync(Call(), ct);
        var batch = await session.ToolBatchFinishedAsync([Call(), Call()], ct);

        Assert.Equal("Stopped by a hook: first", batch.StopReason);
    }

    [Fact]
    public async Task PromptSubmittedAsync_DropsAStopRequestLeftFromTheLastRun()
    {
        var (session, _, _) = Create(_ => FakeHookProcessRunner.Ok("""{"continue": false, "stopReason": "old"}"""), Hook(HookEvent.PostToolUse, "stop"));
        var ct = TestContext.Current.CancellationToken;
        await session.ToolFinishedAsync(Call(), ct);

        var verdict = await session.PromptSubmittedAsync("a new run", ct);

        Assert.Same(AgentHookVerdict.None, verdict);
        Assert.Same(AgentHookVerdict.None, await session.ToolBatchFinishedAsync([Call()], ct));
    }

    [Fact]
    public async Task StoppingAsync_WhenAStopHookBlocks_KeepsGoingUntilTheLimitAndSaysItIsActiveAfterTheFirstTime()
    {
        var (session, processes, shown) = Create(_ => FakeHookProcessRunner.Ok("""{"decision": "block", "reason": "tests fail"}"""), Hook(HookEvent.Stop, "check"));
        var ct = TestContext.Current.CancellationToken;

        var first = await session.StoppingAsync("done", 0, ct);
        var beforeLimit = await session.StoppingAsync("done", HookSession.MaxStopBlocks - 1, ct);
        var atLimit = await session.StoppingAsync("done", HookSession.MaxStopBlocks, ct);

        Assert.True(first.Block);
        Assert.Equal("tests fail", first.Reason);
        Assert.True(beforeLimit.Block);
        Assert.Same(AgentHookVerdict.None, atLimit);
        Assert.Contains($"{HookSession.MaxStopBlocks} times", Assert.Single(shown), StringComparison.Ordinal);
        var active = processes.Requests.Select(r => JsonDocument.Parse(r.Stdin).RootElement.GetProperty("stop_hook_active").GetBoolean());
        Assert.Equal([false, true, true], active);
    }

    [Fact]
    public async Task StoppingAsync_WhenAStopWasRequested_LetsTheModelStopEvenIfAStopHookBlocks()
    {
        var (session, _, _) = Create(
            q => FakeHookProcessRunner.Ok(q.Command == "stop" ? """{"continue": false}""" : """{"decision": "block", "reason": "go on"}"""),
            Hook(HookEvent.PostToolUse, "stop"), Hook(HookEvent.Stop, "block"));
        var ct = TestContext.Current.CancellationToken;
        await session.ToolFinishedAsync(Call(), ct);

        var verdict = await session.StoppingAsync("done", 0, ct);

        Assert.Same(AgentHookVerdict.None, verdict);
    }

    [Fact]
    public async Task ToolFinishedAsync_WhenAPostToolUseHookBlocks_ReturnsItsFeedbackForTheModel()
    {
        var (session, processes, _) = Create(_ => FakeHookProcessRunner.Ok("""{"decision": "block", "reason": "lint failed"}"""), Hook(HookEvent.PostToolUse, "lint"));

        var verdict = await session.ToolFinishedAsync(Call(), TestContext.Current.CancellationToken);

        Assert.True(verdict.Block);
        Assert.Equal("PostToolUse hook feedback: lint failed", verdict.Reason);
        var stdin = JsonDocument.Parse(Assert.Single(processes.Requests).Stdin).RootElement;
        Assert.Equal("call_1", stdin.GetProperty("tool_use_id").GetString());
        Assert.Equal("done", stdin.GetProperty("tool_response").GetProperty("output").GetString());
    }

    [Fact]
    public async Task ToolFinishedAsync_WhenTheToolFailed_FiresPostToolUseFailureWithTheErrorAndNoResponse()
    {
        var (session, processes, _) = Create(_ => FakeHookProcessRunner.Ok(), Hook(HookEvent.PostToolUseFailure, "on-failure"), Hook(HookEvent.PostToolUse, "on-success"));

        var verdict = await session.ToolFinishedAsync(Call() with { Result = ToolResult.Fail("boom") }, TestContext.Current.CancellationToken);

        Assert.Same(AgentHookVerdict.None, verdict);
        var request = Assert.Single(processes.Requests);
        Assert.Equal("on-failure", request.Command);
        var stdin = JsonDocument.Parse(request.Stdin).RootElement;
        Assert.Equal("boom", stdin.GetProperty("error").GetString());
        Assert.False(stdin.TryGetProperty("tool_response", out _));
    }
}
