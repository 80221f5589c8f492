using CodeForge.Core.Hooks;

namespace CodeForge.Core.Tests.Hooks;

public sealed class HookOutputTests
{
    [Fact]
    public void Parse_WhenPlainText_ReturnsNoOutputAndNoError()
    {
        var (output, error) = HookOutput.Parse("just some text\n", HookEvent.UserPromptSubmit);
        Assert.Null(output);
        Assert.Null(error);
    }

    [Fact]
    public void Parse_WhenEveryCommonField_ReadsThemAll()
    {
        var (o, error) = HookOutput.Parse("""
              {"continue": false, "stopReason": "enough", "suppressOutput": true, "systemMessage": "careful",
               "decision": "block", "reason": "nope", "hookSpecificOutput": {"hookEventName": "PostToolUse", "additionalContext": "ctx"}}
            """, HookEvent.PostToolUse);
        Assert.Null(error);
        Assert.NotNull(o);
        Assert.False(o.Continue);
        Assert.Equal("enough", o.StopReason);
        Assert.True(o.SuppressOutput);
        Assert.Equal("careful", o.SystemMessage);
        Assert.True(o.Block);
        Assert.Equal("nope", o.Reason);
        Assert.Equal("ctx", o.AdditionalContext);
    }

    [Fact]
    public void Parse_WhenPreToolUseDecides_ReadsDecisionReasonAndUpdatedInput()
    {
        var (o, _) = HookOutput.Parse("""
            {"hookSpecificOutput": {"hookEventName": "PreToolUse", "permissionDecision": "ask", "permissionDecisionReason": "sure?",
             "updatedInput": {"command": "ls -la"}}}
            """, HookEvent.PreToolUse);
        Assert.Equal(HookPermissionDecision.Ask, o!.PermissionDecision);
        Assert.Equal("sure?", o.PermissionDecisionReason);
        Assert.Equal("ls -la", o.UpdatedInput!.Value.GetProperty("command").GetString());
    }

    [Theory]
    [InlineData("approve", HookPermissionDecision.Allow)]
    [InlineData("block", HookPermissionDecision.Deny)]
    public void Parse_WhenPreToolUseUsesTheDeprecatedTopLevelDecision_MapsItToAllowOrDeny(string decision, HookPermissionDecision expected)
    {
        var (o, _) = HookOutput.Parse($$"""{"decision": "{{decision}}", "reason": "r"}""", HookEvent.PreToolUse);
        Assert.Equal(expected, o!.PermissionDecision);
        Assert.Equal("r", o.PermissionDecisionReason);
        Assert.False(o.Block);
    }

    [Fact]
    public void Parse_WhenPermissionRequestDecides_ReadsBehaviorAndMessage()
    {
        var (o, _) = HookOutput.Parse("""{"hookSpecificOutput": {"decision": {"behavior": "deny", "message": "not today"}}}""", HookEvent.PermissionRequest);
        Assert.Equal(HookPermissionDecision.Deny, o!.PermissionRequestBehavior);
        Assert.Equal("not today", o.PermissionRequestMessage);
    }

    [Theory]
    [InlineData("{not json", "is not valid JSON")]
    [InlineData("{\"continue\": \"no\"}", "\"continue\" must be true or false")]
    [InlineData("{\"decision\": \"maybe\"}", "\"decision\" must be \"block\"")]
    [InlineData("{\"hookSpecificOutput\": {\"permissionDecision\": \"perhaps\"}}", "\"permissionDecision\" must be allow, deny, ask or defer")]
    [InlineData("{\"hookSpecificOutput\": {\"updatedInput\": [1]}}", "\"updatedInput\" must be an object")]
    [InlineData("{\"hookSpecificOutput\": 3}", "\"hookSpecificOutput\" must be an object")]
    [InlineData("{\"systemMessage\": 3}", "\"systemMessage\" must be a string")]
    public void Parse_WhenTheJsonIsMalformedOrMistyped_ReturnsAnErrorSayingWhy(string stdout, string expected)
    {
        var (output, error) = HookOutput.Parse(stdout, HookEvent.PreToolUse);
        Assert.Null(output);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }
    [Theory]
    [InlineData("ask")]
    [InlineData("defer")]
    public void Parse_WhenAPermissionRequestBehaviorIsNotAllowOrDeny_SaysWhichAreAllowed(string behavior)
    {
        var (output, error) = HookOutput.Parse("{\"hookSpecificOutput\": {\"decision\": {\"behavior\": \"" + behavior + "\"}}}", HookEvent.PermissionRequest);

        Assert.Null(output);
        Assert.Equal($"its JSON output is invalid: \"decision.behavior\" must be allow or deny, found \"{behavior}\"", error);
    }

    [Fact]
    public void Parse_WhenAPermissionRequestDecisionRewritesTheInput_UsesItsInput()
    {
        var (o, _) = HookOutput.Parse("""{"hookSpecificOutput": {"updatedInput": {"from": "outer"}, "decision": {"behavior": "allow", "updatedInput": {"from": "decision"}}}}""", HookEvent.PermissionRequest);
        var (kept, _) = HookOutput.Parse("""{"hookSpecificOutput": {"updatedInput": {"from": "outer"}, "decision": {"behavior": "allow"}}}""", HookEvent.PermissionRequest);

        Assert.Equal("decision", o!.UpdatedInput!.Value.GetProperty("from").GetString());
        Assert.Equal(HookPermissionDecision.Allow, o.PermissionRequestBehavior);
        Assert.Equal("outer", kept!.UpdatedInput!.Value.GetProperty("from").GetString());
    }

    [Fact]
    public void Parse_WhenADecisionObjectComesOnAnotherEvent_IgnoresIt()
    {
        var (o, error) = HookOutput.Parse("""{"hookSpecificOutput": {"decision": {"behavior": "deny"}}}""", HookEvent.PreToolUse);

        Assert.Null(error);
        Assert.Null(o!.PermissionRequestBehavior);
    }

    [Fact]
    public void Parse_WhenApproveComesOnAnEventOtherThanPreToolUse_DecidesNothing()
    {
        var (o, error) = HookOutput.Parse("""{"decision": "approve", "reason": "fine"}""", HookEvent.PostToolUse);

        Assert.Null(error);
        Assert.Null(o!.PermissionDecision);
        Assert.False(o.Block);
    }

    [Fact]
    public void Parse_WhenAFieldHasTheWrongType_PrefixesTheReasonWithWhatIsWrong()
    {
        var (_, error) = HookOutput.Parse("""{"suppressOutput": "yes"}""", HookEvent.Stop);

        Assert.Equal("its JSON output is invalid: \"suppressOutput\" must be true or false, found a string", error);
    }

    [Fact]
    public void Parse_WhenBlockOnAPostToolUse_StaysABlockWithItsReason()
    {
        var (o, _) = HookOutput.Parse("""  {"decision": "block", "reason": "lint", "suppressOutput": true, "continue": false}""", HookEvent.PostToolUse);

        Assert.True(o!.Block);
        Assert.Equal("lint", o.Reason);
        Assert.Null(o.PermissionDecision);
        Assert.True(o.SuppressOutput);
        Assert.False(o.Continue);
    }
}
