using CodeForge.Core.Hooks;

namespace CodeForge.Core.Tests.Hooks;

/// <summary>Which Claude Code events forge fires, and what each event's hooks may do.</summary>
public sealed class HookEventsTests
{
    [Theory]
    [InlineData("Setup")]
    [InlineData("UserPromptExpansion")]
    [InlineData("PermissionDenied")]
    [InlineData("MessageDisplay")]
    [InlineData("SubagentStart")]
    [InlineData("TaskCreated")]
    [InlineData("TaskCompleted")]
    [InlineData("StopFailure")]
    [InlineData("TeammateIdle")]
    [InlineData("InstructionsLoaded")]
    [InlineData("ConfigChange")]
    [InlineData("CwdChanged")]
    [InlineData("DirectoryAdded")]
    [InlineData("FileChanged")]
    [InlineData("WorktreeCreate")]
    [InlineData("WorktreeRemove")]
    [InlineData("PostCompact")]
    [InlineData("Elicitation")]
    [InlineData("ElicitationResult")]
    public void KnownUnsupported_HoldsClaudeCodesEventsThatForgeDoesNotFire(string name)
    {
        Assert.Contains(name, HookEvents.KnownUnsupported);
        Assert.False(HookEvents.TryParse(name, out _));
    }

    [Fact]
    public void KnownUnsupported_NamesNoEventThatForgeFires()
    {
        Assert.Equal(19, HookEvents.KnownUnsupported.Count);
        Assert.DoesNotContain(HookEvents.All, e => HookEvents.KnownUnsupported.Contains(e.ToString()));
    }

    [Fact]
    public void TryParse_ReadsEveryEventByItsExactName()
    {
        foreach (var e in HookEvents.All)
        {
            Assert.True(HookEvents.TryParse(e.ToString(), out var parsed));
            Assert.Equal(e, parsed);
        }
        Assert.False(HookEvents.TryParse("stop", out _));
        Assert.False(HookEvents.TryParse(null, out _));
        Assert.Equal(12, HookEvents.All.Length);
    }

    [Theory]
    [InlineData(HookEvent.PreToolUse, true, true, true, false)]
    [InlineData(HookEvent.PermissionRequest, true, true, false, false)]
    [InlineData(HookEvent.PostToolUse, true, true, true, false)]
    [InlineData(HookEvent.PostToolUseFailure, true, true, true, false)]
    [InlineData(HookEvent.PostToolBatch, false, false, true, false)]
    [InlineData(HookEvent.UserPromptSubmit, false, false, true, true)]
    [InlineData(HookEvent.Stop, false, false, true, false)]
    [InlineData(HookEvent.SubagentStop, false, true, true, false)]
    [InlineData(HookEvent.Notification, false, true, false, false)]
    [InlineData(HookEvent.PreCompact, false, true, true, false)]
    [InlineData(HookEvent.SessionStart, false, true, false, true)]
    [InlineData(HookEvent.SessionEnd, false, true, false, false)]
    public void EachEvent_SaysWhetherItIsAToolEventHasAMatcherBlocksOnExit2AndTakesPlainStdoutAsContext(
        HookEvent e, bool toolEvent, bool hasMatcher, bool exit2Blocks, bool plainStdoutIsContext)
    {
        Assert.Equal(
            (toolEvent, hasMatcher, exit2Blocks, plainStdoutIsContext),
            (e.IsToolEvent(), e.HasMatcher(), e.Exit2Blocks(), e.PlainStdoutIsContext()));
    }
}
