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
    private static HookDefinition Hook(HookEvent e, string command, string matcher) => new(e, HookMatcher.Parse(matcher), command, "test");

    private static JsonElement StdinOf(FakeHookProcessRunner processes, string command) =>
        JsonDocument.Parse(processes.Requests.Single(r => r.Command == command).Stdin).RootElement;

    [Fact]
    public async Task StartAsync_MatchesOnTheSourceAndSendsTheSourceAndTheModel()
    {
        var (session, processes, _) = Create(_ => FakeHookProcessRunner.Ok(), Hook(HookEvent.SessionStart, "on-resume", "resume"), Hook(HookEvent.SessionStart, "on-startup", "startup"));

        await session.StartAsync("resume", "m-1", TestContext.Current.CancellationToken);

        var stdin = StdinOf(processes, "on-resume");
        Assert.Single(processes.Requests);
        Assert.Equal("resume", stdin.GetProperty("source").GetString());
        Assert.Equal("m-1", stdin.GetProperty("model").GetString());
    }

    [Fact]
    public async Task EndAsync_MatchesOnTheReasonAndSendsIt()
    {
        var (session, processes, _) = Create(_ => FakeHookProcessRunner.Ok(), Hook(HookEvent.SessionEnd, "on-logout", "logout"), Hook(HookEvent.SessionEnd, "on-clear", "clear"));

        await session.EndAsync("logout", TestContext.Current.CancellationToken);

        Assert.Single(processes.Requests);
        Assert.Equal("logout", StdinOf(processes, "on-logout").GetProperty("reason").GetString());
    }

    [Fact]
    public async Task NotifyAsync_MatchesOnTheNotificationTypeAndSendsTheMessage()
    {
        var (session, processes, _) = Create(_ => FakeHookProcessRunner.Ok(), Hook(HookEvent.Notification, "idle", "idle_prompt"), Hook(HookEvent.Notification, "perm", "permission_prompt"));

        await session.NotifyAsync("forge is waiting", "idle_prompt", TestContext.Current.CancellationToken);

        Assert.Single(processes.Requests);
        var stdin = StdinOf(processes, "idle");
        Assert.Equal("forge is waiting", stdin.GetProperty("message").GetString());
        Assert.Equal("idle_prompt", stdin.GetProperty("notification_type").GetString());
    }

    [Fact]
    public async Task PreCompactAsync_MatchesOnTheTriggerAndABlockMeansDoNotCompact()
    {
        var (session, processes, _) = Create(_ => new HookProcessResult(2, "", "keep the history"), Hook(HookEvent.PreCompact, "guard", "manual"), Hook(HookEvent.PreCompact, "auto-only", "auto"));

        var r = await session.PreCompactAsync("manual", "keep the plan", TestContext.Current.CancellationToken);

        Assert.True(r.Blocked);
        Assert.Single(processes.Requests);
        var stdin = StdinOf(processes, "guard");
        Assert.Equal("manual", stdin.GetProperty("trigger").GetString());
        Assert.Equal("keep the plan", stdin.GetProperty("custom_instructions").GetString());
    }

    [Fact]
    public async Task SubagentStopAsync_MatchesOnTheAgentTypeAndSendsItsFields()
    {
        var (session, processes, _) = Create(_ => FakeHookProcessRunner.Ok(), Hook(HookEvent.SubagentStop, "rev", "reviewer"), Hook(HookEvent.SubagentStop, "other", "planner"));

        await session.SubagentStopAsync("reviewer", "all good", stopHookActive: true, TestContext.Current.CancellationToken);

        Assert.Single(processes.Requests);
        var stdin = StdinOf(processes, "rev");
        Assert.Equal("reviewer", stdin.GetProperty("agent_type").GetString());
        Assert.Equal("all good", stdin.GetProperty("last_assistant_message").GetString());
        Assert.True(stdin.GetProperty("stop_hook_active").GetBoolean());
    }

    [Fact]
    public async Task PromptSubmittedAsync_SendsThePromptAndJoinsSessionAndPromptContextsOnePerLine()
    {
        var (session, processes, _) = Create(q => FakeHookProcessRunner.Ok(q.Command == "start" ? "branch: main" : "ticket 42"),
            Hook(HookEvent.SessionStart, "start"), Hook(HookEvent.UserPromptSubmit, "prompt"));
        var ct = TestContext.Current.CancellationToken;
        await session.StartAsync(cancellationToken: ct);

        var verdict = await session.PromptSubmittedAsync("fix the bug", ct);

        Assert.Equal("branch: main\nticket 42", verdict.AdditionalContext);
        Assert.False(verdict.Block);
        Assert.Equal("fix the bug", StdinOf(processes, "prompt").GetProperty("prompt").GetString());
    }

    [Fact]
    public async Task PromptSubmittedAsync_WhenAHookBlocks_BlocksThePromptWithItsReasonAndNoContext()
    {
        var (session, _, _) = Create(q => q.Command == "start" ? FakeHookProcessRunner.Ok("branch: main") : new HookProcessResult(2, "", "no secrets"),
            Hook(HookEvent.SessionStart, "start"), Hook(HookEvent.UserPromptSubmit, "guard"));
        var ct = TestContext.Current.CancellationToken;
        await session.StartAsync(cancellationToken: ct);

        var blocked = await session.PromptSubmittedAsync("my password is …", ct);

        Assert.True(blocked.Block);
        Assert.Equal("The prompt was blocked by a UserPromptSubmit hook: no secrets", blocked.Reason);
        Assert.Null(blocked.AdditionalContext);
    }

    [Fact]
    public async Task PromptSubmittedAsync_WhenAPromptHookSaysContinueFalse_StopsTheRunWithItsReason()
    {
        var (session, _, _) = Create(_ => FakeHookProcessRunner.Ok("""{"continue": false, "stopReason": "quota reached"}"""), Hook(HookEvent.UserPromptSubmit, "quota"));

        var verdict = await session.PromptSubmittedAsync("hello", TestContext.Current.CancellationToken);

        Assert.True(verdict.StopRun);
        Assert.Equal("quota reached", verdict.StopReason);
        Assert.False(verdict.Block);
    }

    [Fact]
    public async Task ToolFinishedAsync_WhenAHookOnlyAddsContext_PassesItOnWithoutBlocking()
    {
        var (session, processes, _) = Create(_ => FakeHookProcessRunner.Ok("""{"hookSpecificOutput": {"additionalContext": "3 warnings"}}"""), Hook(HookEvent.PostToolUse, "lint"));

        var verdict = await session.ToolFinishedAsync(Call(), TestContext.Current.CancellationToken);

        Assert.False(verdict.Block);
        Assert.Null(verdict.Reason);
        Assert.Equal("3 warnings", verdict.AdditionalContext);
        Assert.True(StdinOf(processes, "lint").GetProperty("tool_response").GetProperty("success").GetBoolean());
    }

    [Fact]
    public async Task ToolFinishedAsync_WhenTheCallHasNoResult_FiresPostToolUseFailureSayingSo()
    {
        var (session, processes, _) = Create(_ => FakeHookProcessRunner.Ok(), Hook(HookEvent.PostToolUseFailure, "on-failure"), Hook(HookEvent.PostToolUse, "on-success"));

        await session.ToolFinishedAsync(Call() with { Result = null }, TestContext.Current.CancellationToken);

        Assert.Equal("no result", StdinOf(processes, "on-failure").GetProperty("error").GetString());
        Assert.Single(processes.Requests);
    }

    [Fact]
    public async Task ToolBatchFinishedAsync_WhenAPostToolBatchHookBlocks_StopsWithItsReasonAndSendsTheCalls()
    {
        var (session, processes, _) = Create(_ => new HookProcessResult(2, "", "too many edits"), Hook(HookEvent.PostToolBatch, "batch"));

        var verdict = await session.ToolBatchFinishedAsync([Call(), Call() with { CallId = "call_2", ToolName = "Read" }], TestContext.Current.CancellationToken);

        Assert.True(verdict.Block);
        Assert.Equal("Stopped by a PostToolBatch hook: too many edits", verdict.Reason);
        Assert.False(verdict.StopRun);
        var calls = StdinOf(processes, "batch").GetProperty("tool_calls").EnumerateArray().Select(c => (c.GetProperty("tool_use_id").GetString(), c.GetProperty("tool_name").GetString()));
        Assert.Equal([("call_1", "Bash"), ("call_2", "Read")], calls);
    }

    [Fact]
    public async Task ToolBatchFinishedAsync_WhenNoHookBlocksOrStops_ReturnsNone()
    {
        var (session, _, _) = Create(_ => FakeHookProcessRunner.Ok(), Hook(HookEvent.PostToolBatch, "batch"));

        var verdict = await session.ToolBatchFinishedAsync([Call()], TestContext.Current.CancellationToken);

        Assert.Equal(AgentHookVerdict.None, verdict);
    }

    [Fact]
    public async Task StoppingAsync_WhenNoStopHookBlocks_LetsTheModelStop()
    {
        var (session, _, shown) = Create(_ => FakeHookProcessRunner.Ok("""{"systemMessage": "checked"}"""), Hook(HookEvent.Stop, "check"));

        var verdict = await session.StoppingAsync("done", 0, TestContext.Current.CancellationToken);

        Assert.Equal(AgentHookVerdict.None, verdict);
        Assert.Equal(["checked"], shown);
    }
}
