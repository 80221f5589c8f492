using System.Buffers;
using System.Text;
using System.Text.Json;

namespace CodeForge.Core.Hooks;

/// <summary>The session facts every hook receives (<c>session_id</c>, <c>transcript_path</c>, <c>cwd</c>, <c>permission_mode</c>).</summary>
/// <param name="SessionId">The session id.</param>
/// <param name="TranscriptPath">The session's JSONL transcript, or null for an in-memory session.</param>
/// <param name="Cwd">The working directory.</param>
/// <param name="PermissionMode">The mode's settings name, e.g. <c>default</c>.</param>
public sealed record HookSessionInfo(string SessionId, string? TranscriptPath, string Cwd, string PermissionMode = "default");

/// <summary>
/// One firing of an event: the event, the value its matcher is tested against, and the event's fields for the JSON
/// the hooks read on stdin. Immutable.
/// </summary>
public sealed record HookInvocation(HookEvent Event, HookSessionInfo Session)
{
    /// <summary>The value matchers test: the tool name, session source, end reason, trigger...; null matches every group.</summary>
    public string? MatchTarget { get; init; }

    public string? ToolName { get; init; }

    public JsonElement? ToolInput { get; init; }

    public JsonElement? ToolResponse { get; init; }

    public string? ToolUseId { get; init; }

    public string? Error { get; init; }

    public string? Prompt { get; init; }

    /// <summary>SessionStart's <c>source</c>.</summary>
    public string? Source { get; init; }

    /// <summary>SessionEnd's <c>reason</c>.</summary>
    public string? Reason { get; init; }

    /// <summary>PreCompact's <c>trigger</c>.</summary>
    public string? Trigger { get; init; }

    public string? CustomInstructions { get; init; }

    public bool? StopHookActive { get; init; }

    public string? LastAssistantMessage { get; init; }

    public string? Message { get; init; }

    public string? NotificationType { get; init; }

    public string? AgentType { get; init; }

    public string? Model { get; init; }

    /// <summary>PostToolBatch's calls: (id, name, input) each.</summary>
    public IReadOnlyList<(string ToolUseId, string ToolName, JsonElement ToolInput)>? ToolCalls { get; init; }

    /// <summary>A tool-event invocation whose matcher target is the tool name.</summary>
    public static HookInvocation ForTool(HookEvent hookEvent, HookSessionInfo session, string toolName, JsonElement toolInput) =>
        new(hookEvent, session) { MatchTarget = toolName, ToolName = toolName, ToolInput = toolInput };

    /// <summary>The JSON object written to each hook's stdin (snake_case fields as Claude Code documents them).</summary>
    public string ToJson()
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("session_id", Session.SessionId);
            w.WriteString("transcript_path", Session.TranscriptPath);
            w.WriteString("cwd", Session.Cwd);
            w.WriteString("permission_mode", Session.PermissionMode);
            w.WriteString("hook_event_name", Event.ToString());
            Optional(w, "tool_name", ToolName);
            if (ToolInput is { ValueKind: not JsonValueKind.Undefined } input)
            {
                w.WritePropertyName("tool_input");
                input.WriteTo(w);
            }
            if (ToolResponse is { ValueKind: not JsonValueKind.Undefined } response)
            {
                w.WritePropertyName("tool_response");
                response.WriteTo(w);
            }
            Optional(w, "tool_use_id", ToolUseId);
            Optional(w, "error", Error);
            Optional(w, "prompt", Prompt);
            Optional(w, "source", Source);
            Optional(w, "reason", Reason);
            Optional(w, "trigger", Trigger);
            if (Event == HookEvent.PreCompact)
            {
                w.WriteString("custom_instructions", CustomInstructions ?? "");
            }
            if (StopHookActive is { } active)
            {
                w.WriteBoolean("stop_hook_active", active);
            }
            Optional(w, "last_assistant_message", LastAssistantMessage);
            Optional(w, "message", Message);
            Optional(w, "notification_type", NotificationType);
            Optional(w, "agent_type", AgentType);
            Optional(w, "model", Model);
            if (ToolCalls is { } calls)
            {
                w.WriteStartArray("tool_calls");
                foreach (var (id, name, callInput) in calls)
                {
                    w.WriteStartObject();
                    w.WriteString("tool_use_id", id);
                    w.WriteString("tool_name", name);
                    if (callInput.ValueKind != JsonValueKind.Undefined)
                    {
                        w.WritePropertyName("tool_input");
                        callInput.WriteTo(w);
                    }
                    w.WriteEndObject();
                }
                w.WriteEndArray();
            }
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void Optional(Utf8JsonWriter w, string name, string? value)
    {
        if (value is not null)
        {
            w.WriteString(name, value);
        }
    }
}
