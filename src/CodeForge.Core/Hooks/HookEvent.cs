using System.Collections.Immutable;

namespace CodeForge.Core.Hooks;

/// <summary>The hook events forge fires (Claude Code's names; the subset of its 31 events that forge has occasions for).</summary>
public enum HookEvent
{
    /// <summary>A session begins or resumes; matcher on <c>source</c> (startup, resume, clear, compact, fork).</summary>
    SessionStart,

    /// <summary>The user submitted a prompt, before the model sees it; no matcher.</summary>
    UserPromptSubmit,

    /// <summary>Before a tool call runs (after the permission rules allowed it or would ask); matcher on the tool name.</summary>
    PreToolUse,

    /// <summary>A tool call needs the user's permission; matcher on the tool name.</summary>
    PermissionRequest,

    /// <summary>A tool call succeeded; matcher on the tool name.</summary>
    PostToolUse,

    /// <summary>A tool call failed; matcher on the tool name.</summary>
    PostToolUseFailure,

    /// <summary>All parallel tool calls of one response finished, before the next model call; no matcher.</summary>
    PostToolBatch,

    /// <summary>A notification for the user; matcher on the notification type.</summary>
    Notification,

    /// <summary>The model finished answering (no more tool calls); no matcher.</summary>
    Stop,

    /// <summary>A subagent finished; matcher on the agent type.</summary>
    SubagentStop,

    /// <summary>Before the conversation is compacted; matcher on the trigger (manual, auto).</summary>
    PreCompact,

    /// <summary>The session ends; matcher on the reason (clear, resume, logout, prompt_input_exit, other).</summary>
    SessionEnd,
}

/// <summary>Facts about each <see cref="HookEvent"/>.</summary>
public static class HookEvents
{
    /// <summary>Claude Code events that forge knows but never fires: configuring one is a warning, not an error.</summary>
    public static readonly ImmutableHashSet<string> KnownUnsupported = ImmutableHashSet.Create(StringComparer.Ordinal,
        "Setup", "UserPromptExpansion", "PermissionDenied", "MessageDisplay", "SubagentStart", "TaskCreated", "TaskCompleted",
        "StopFailure", "TeammateIdle", "InstructionsLoaded", "ConfigChange", "CwdChanged", "DirectoryAdded", "FileChanged",
        "WorktreeCreate", "WorktreeRemove", "PostCompact", "Elicitation", "ElicitationResult");

    /// <summary>Every supported event.</summary>
    public static ImmutableArray<HookEvent> All { get; } = [.. Enum.GetValues<HookEvent>()];

    /// <summary>Parses an event name exactly as Claude Code spells it.</summary>
    public static bool TryParse(string? name, out HookEvent hookEvent)
    {
        foreach (var e in All)
        {
            if (string.Equals(e.ToString(), name, StringComparison.Ordinal))
            {
                hookEvent = e;
                return true;
            }
        }
        hookEvent = default;
        return false;
    }

    /// <summary>True for events whose matcher is tested against the tool name.</summary>
    public static bool IsToolEvent(this HookEvent e) =>
        e is HookEvent.PreToolUse or HookEvent.PermissionRequest or HookEvent.PostToolUse or HookEvent.PostToolUseFailure;

    /// <summary>True for events that have a matcher target at all (the others ignore <c>matcher</c>).</summary>
    public static bool HasMatcher(this HookEvent e) =>
        e is not (HookEvent.UserPromptSubmit or HookEvent.Stop or HookEvent.PostToolBatch);

    /// <summary>
    /// True when exit code 2 blocks the event's action (its stderr becomes the reason); false for events where it is
    /// ignored (PermissionRequest, Notification) or only shown to the user (SessionStart, SessionEnd).
    /// </summary>
    public static bool Exit2Blocks(this HookEvent e) =>
        e is not (HookEvent.PermissionRequest or HookEvent.Notification or HookEvent.SessionStart or HookEvent.SessionEnd);

    /// <summary>Events whose plain-text stdout on exit 0 is added as context for the model.</summary>
    public static bool PlainStdoutIsContext(this HookEvent e) => e is HookEvent.UserPromptSubmit or HookEvent.SessionStart;
}
