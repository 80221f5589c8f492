using System.Text.Json;
using CodeForge.Core.Hooks;

namespace CodeForge.Core.Tests.Hooks;

/// <summary>The JSON each hook reads on stdin (Claude Code's snake_case fields).</summary>
public sealed class HookInvocationTests
{
    private static readonly HookSessionInfo Session = new("s-9", null, "/repo");

    private static JsonElement Stdin(HookInvocation invocation) => JsonDocument.Parse(invocation.ToJson()).RootElement;

    private static string[] Names(JsonElement o) => [.. o.EnumerateObject().Select(p => p.Name)];

    [Fact]
    public void ToJson_WithOnlyTheSession_WritesTheCommonFieldsAndNothingElse()
    {
        var json = Stdin(new HookInvocation(HookEvent.Stop, Session));

        Assert.Equal(["session_id", "transcript_path", "cwd", "permission_mode", "hook_event_name"], Names(json));
        Assert.Equal("s-9", json.GetProperty("session_id").GetString());
        Assert.Equal(JsonValueKind.Null, json.GetProperty("transcript_path").ValueKind);
        Assert.Equal("default", json.GetProperty("permission_mode").GetString());
        Assert.Equal("Stop", json.GetProperty("hook_event_name").GetString());
    }

    [Fact]
    public void ToJson_WritesEveryEventFieldThatIsSetUnderItsDocumentedName()
    {
        var invocation = new HookInvocation(HookEvent.SubagentStop, Session)
        {
            Error = "boom",
            Prompt = "fix it",
            Source = "resume",
            Reason = "logout",
            Trigger = "auto",
            StopHookActive = true,
            LastAssistantMessage = "done",
            Message = "needs you",
            NotificationType = "idle_prompt",
            AgentType = "reviewer",
            Model = "m-1",
        };

        var json = Stdin(invocation);

        Assert.Equal("boom", json.GetProperty("error").GetString());
        Assert.Equal("fix it", json.GetProperty("prompt").GetString());
        Assert.Equal("resume", json.GetProperty("source").GetString());
        Assert.Equal("logout", json.GetProperty("reason").GetString());
        Assert.Equal("auto", json.GetProperty("trigger").GetString());
        Assert.True(json.GetProperty("stop_hook_active").GetBoolean());
        Assert.Equal("done", json.GetProperty("last_assistant_message").GetString());
        Assert.Equal("needs you", json.GetProperty("message").GetString());
        Assert.Equal("idle_prompt", json.GetProperty("notification_type").GetString());
        Assert.Equal("reviewer", json.GetProperty("agent_type").GetString());
        Assert.Equal("m-1", json.GetProperty("model").GetString());
        Assert.False(json.TryGetProperty("custom_instructions", out _)); // PreCompact only
    }

    [Fact]
    public void ToJson_OnPreCompact_AlwaysWritesCustomInstructions()
    {
        var none = Stdin(new HookInvocation(HookEvent.PreCompact, Session) { Trigger = "manual" });
        var some = Stdin(new HookInvocation(HookEvent.PreCompact, Session) { Trigger = "manual", CustomInstructions = "keep the plan" });

        Assert.Equal("", none.GetProperty("custom_instructions").GetString());
        Assert.Equal("keep the plan", some.GetProperty("custom_instructions").GetString());
    }

    [Fact]
    public void ToJson_WhenStopHookActiveIsFalse_WritesFalse()
    {
        var json = Stdin(new HookInvocation(HookEvent.Stop, Session) { StopHookActive = false });

        Assert.False(json.GetProperty("stop_hook_active").GetBoolean());
    }

    [Fact]
    public void ToJson_OnPostToolBatch_WritesEachCallWithItsIdNameAndInput()
    {
        var input = JsonDocument.Parse("""{"command": "ls"}""").RootElement;
        var json = Stdin(new HookInvocation(HookEvent.PostToolBatch, Session)
        {
            ToolCalls = [("c1", "Bash", input), ("c2", "TodoRead", default)],
        });

        var calls = json.GetProperty("tool_calls").EnumerateArray().ToArray();
        Assert.Equal(2, calls.Length);
        Assert.Equal("c1", calls[0].GetProperty("tool_use_id").GetString());
        Assert.Equal("Bash", calls[0].GetProperty("tool_name").GetString());
        Assert.Equal("ls", calls[0].GetProperty("tool_input").GetProperty("command").GetString());
        Assert.Equal(["tool_use_id", "tool_name"], Names(calls[1]));
    }

    [Fact]
    public void ToJson_ForAToolEvent_WritesTheInputAndTheResponse()
    {
        var input = JsonDocument.Parse("""{"file_path": "/repo/a"}""").RootElement;
        var response = JsonDocument.Parse("""{"success": true}""").RootElement;

        var json = Stdin(HookInvocation.ForTool(HookEvent.PostToolUse, Session, "Read", input) with { ToolResponse = response });

        Assert.Equal("Read", json.GetProperty("tool_name").GetString());
        Assert.Equal("/repo/a", json.GetProperty("tool_input").GetProperty("file_path").GetString());
        Assert.True(json.GetProperty("tool_response").GetProperty("success").GetBoolean());
    }

    [Fact]
    public void ForTool_MatchesOnTheToolName()
    {
        var invocation = HookInvocation.ForTool(HookEvent.PreToolUse, Session, "Edit", default);

        Assert.Equal("Edit", invocation.MatchTarget);
        Assert.Equal("Edit", invocation.ToolName);
        Assert.False(Stdin(invocation).TryGetProperty("tool_input", out _));
    }
}
