using CodeForge.Core.Hooks;

namespace CodeForge.Core.Tests.Hooks;

/// <summary>How <see cref="HookEventResult"/> merges the executions of one event (Claude Code's precedence).</summary>
public sealed class HookEventResultTests
{
    private static HookExecution Ran(HookEvent e, string command, HookProcessResult process, string? problem = null)
    {
        var definition = new HookDefinition(e, HookMatcher.Parse(null), command, "test");
        var output = process.ExitCode == 0 && !process.TimedOut ? HookOutput.Parse(process.Stdout, e).Output : null;
        return new HookExecution(definition, process, output, problem);
    }

    private static HookExecution Json(HookEvent e, string command, string json) => Ran(e, command, new HookProcessResult(0, json, ""));

    private static HookEventResult Merge(HookEvent e, params HookExecution[] executions) => new(e, 5, [.. executions]);

    [Fact]
    public void PermissionRequestBehavior_WhenOneHookAllowsAndALaterOneDenies_DenyWinsWithItsMessage()
    {
        var allow = Json(HookEvent.PermissionRequest, "allow", """{"hookSpecificOutput": {"decision": {"behavior": "allow", "message": "ok"}}}""");
        var deny = Json(HookEvent.PermissionRequest, "deny", """{"hookSpecificOutput": {"decision": {"behavior": "deny", "message": "not today"}}}""");

        var allowFirst = Merge(HookEvent.PermissionRequest, allow, deny);
        var denyFirst = Merge(HookEvent.PermissionRequest, deny, allow);

        Assert.Equal(HookPermissionDecision.Deny, allowFirst.PermissionRequestBehavior);
        Assert.Equal("not today", allowFirst.PermissionRequestMessage);
        Assert.Equal(HookPermissionDecision.Deny, denyFirst.PermissionRequestBehavior);
        Assert.Equal("not today", denyFirst.PermissionRequestMessage);
    }

    [Fact]
    public void PermissionRequestBehavior_WhenOnlyOneHookAllows_IsAllowWithItsMessage()
    {
        var r = Merge(HookEvent.PermissionRequest,
            Json(HookEvent.PermissionRequest, "silent", "{}"),
            Json(HookEvent.PermissionRequest, "allow", """{"hookSpecificOutput": {"decision": {"behavior": "allow", "message": "fine"}}}"""));

        Assert.Equal(HookPermissionDecision.Allow, r.PermissionRequestBehavior);
        Assert.Equal("fine", r.PermissionRequestMessage);
        Assert.False(r.Blocked);
    }

    [Fact]
    public void PermissionDecision_WhenAnAskFollowsADeny_StaysDenyWithTheDenyReason()
    {
        var r = Merge(HookEvent.PreToolUse,
            Json(HookEvent.PreToolUse, "deny", """{"hookSpecificOutput": {"permissionDecision": "deny", "permissionDecisionReason": "secrets"}}"""),
            Json(HookEvent.PreToolUse, "ask", """{"hookSpecificOutput": {"permissionDecision": "ask", "permissionDecisionReason": "hmm"}}"""));

        Assert.Equal(HookPermissionDecision.Deny, r.PermissionDecision);
        Assert.Equal("secrets", r.PermissionDecisionReason);
        Assert.Equal("secrets", r.BlockReason);
    }

    [Fact]
    public void BlockReason_WhenADenyAndAnExit2Block_PutsTheDenyReasonFirstOnePerLine()
    {
        var r = Merge(HookEvent.PreToolUse,
            Ran(HookEvent.PreToolUse, "exit2", new HookProcessResult(2, "", "  not on main  \n")),
            Json(HookEvent.PreToolUse, "deny", """{"hookSpecificOutput": {"permissionDecision": "deny", "permissionDecisionReason": "secrets"}}"""));

        Assert.True(r.Blocked);
        Assert.Equal("secrets\nnot on main", r.BlockReason);
    }

    [Fact]
    public void BlockReason_WhenADenyGivesNoReason_SaysAPreToolUseHookDenied()
    {
        var r = Merge(HookEvent.PreToolUse, Json(HookEvent.PreToolUse, "deny", """{"hookSpecificOutput": {"permissionDecision": "deny"}}"""));

        Assert.True(r.Blocked);
        Assert.Equal("denied by a PreToolUse hook", r.BlockReason);
    }

    [Fact]
    public void BlockReason_WhenAnExit2HookPrintsNothingOnStderr_NamesTheHookAndTheExitCode()
    {
        var r = Merge(HookEvent.Stop, Ran(HookEvent.Stop, "quiet-check", new HookProcessResult(2, "", "  \n")));

        Assert.True(r.Blocked);
        Assert.Equal("blocked by the hook `quiet-check` (exit code 2)", r.BlockReason);
    }

    [Fact]
    public void BlockReason_WhenABlockDecisionGivesNoReason_NamesTheHook()
    {
        var r = Merge(HookEvent.PostToolUse, Json(HookEvent.PostToolUse, "lint", """{"decision": "block"}"""));

        Assert.True(r.Blocked);
        Assert.Equal("blocked by the hook `lint`", r.BlockReason);
    }

    [Fact]
    public void Blocked_WhenABlockDecisionComesOnAnEventThatCannotBlock_IsFalse()
    {
        var r = Merge(HookEvent.Notification, Json(HookEvent.Notification, "n", """{"decision": "block", "reason": "no"}"""));

        Assert.False(r.Blocked);
        Assert.Null(r.BlockReason);
    }

    [Fact]
    public void Blocked_WhenTheExit2HookHadTimedOut_IsFalse()
    {
        var r = Merge(HookEvent.Stop, Ran(HookEvent.Stop, "slow", new HookProcessResult(2, "", "late", TimedOut: true), "timed out"));

        Assert.False(r.Blocked);
        Assert.Null(r.BlockReason);
    }

    [Fact]
    public void SystemMessages_OnSessionEnd_ShowTheTrimmedStderrOfExit2HooksButNotOfTimedOutOnes()
    {
        var r = Merge(HookEvent.SessionEnd,
            Ran(HookEvent.SessionEnd, "warn", new HookProcessResult(2, "", " unsaved work \n")),
            Ran(HookEvent.SessionEnd, "blank", new HookProcessResult(2, "", "   ")),
            Ran(HookEvent.SessionEnd, "slow", new HookProcessResult(2, "", "late", TimedOut: true), "timed out"));

        Assert.Equal(["unsaved work"], r.SystemMessages);
        Assert.False(r.Blocked);
    }

    [Fact]
    public void SystemMessages_OnABlockingEvent_DoNotTakeTheExit2Stderr()
    {
        var r = Merge(HookEvent.Stop, Ran(HookEvent.Stop, "block", new HookProcessResult(2, "", "tests fail")));

        Assert.Empty(r.SystemMessages);
        Assert.Equal("tests fail", r.BlockReason);
    }

    [Fact]
    public void AdditionalContext_FromPlainStdoutAndJson_IsJoinedOnePerLineInDefinitionOrder()
    {
        var r = Merge(HookEvent.UserPromptSubmit,
            Ran(HookEvent.UserPromptSubmit, "plain", new HookProcessResult(0, "  branch: main \n", "")),
            Json(HookEvent.UserPromptSubmit, "json", """{"hookSpecificOutput": {"additionalContext": "ticket 42"}}"""),
            Ran(HookEvent.UserPromptSubmit, "blank", new HookProcessResult(0, " \n", "")));

        Assert.Equal("branch: main\nticket 42", r.AdditionalContext);
    }

    [Fact]
    public void AdditionalContext_FromAHookWithAProblem_IsLeftOut()
    {
        var r = Merge(HookEvent.SessionStart,
            Ran(HookEvent.SessionStart, "cut", new HookProcessResult(0, "half of it", "", OutputTruncated: true), "output was cut"),
            Ran(HookEvent.SessionStart, "slow", new HookProcessResult(0, "late", "", TimedOut: true), "timed out"));

        Assert.Null(r.AdditionalContext);
    }

    [Fact]
    public void StopReason_WhenTwoHooksSayContinueFalse_IsTheFirstHooksOrItsName()
    {
        var named = Merge(HookEvent.PostToolUse,
            Json(HookEvent.PostToolUse, "first", """{"continue": false, "stopReason": "budget"}"""),
            Json(HookEvent.PostToolUse, "second", """{"continue": false, "stopReason": "other"}"""));
        var unnamed = Merge(HookEvent.PostToolUse,
            Json(HookEvent.PostToolUse, "first", """{"continue": false}"""),
            Json(HookEvent.PostToolUse, "second", """{"continue": false, "stopReason": "other"}"""));

        Assert.True(named.StopRun);
        Assert.Equal("budget", named.StopReason);
        Assert.True(unnamed.StopRun);
        Assert.Equal("stopped by the hook `first`", unnamed.StopReason);
    }

    [Fact]
    public void StopRun_WhenEveryHookSaysContinue_IsFalse()
    {
        var r = Merge(HookEvent.PostToolUse, Json(HookEvent.PostToolUse, "go", """{"continue": true, "systemMessage": "fine"}"""));

        Assert.False(r.StopRun);
        Assert.Null(r.StopReason);
        Assert.Equal(["fine"], r.SystemMessages);
    }

    [Fact]
    public void None_RanNothingAndKeepsTheVersion()
    {
        var r = HookEventResult.None(HookEvent.Stop, 9);

        Assert.Equal(HookEvent.Stop, r.Event);
        Assert.Equal(9, r.SnapshotVersion);
        Assert.Empty(r.Executions);
        Assert.False(r.Blocked);
        Assert.False(r.StopRun);
        Assert.Null(r.AdditionalContext);
        Assert.Null(r.PermissionDecision);
        Assert.Empty(r.SystemMessages);
    }

    [Fact]
    public void HookReport_ReadsAsEventCommandOriginAndMessage()
    {
        var report = new HookReport(HookEvent.PreToolUse, "guard.sh", "settings.json", "timed out");

        Assert.Equal("PreToolUse hook `guard.sh` (settings.json): timed out", report.ToString());
    }
}
