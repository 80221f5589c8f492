using System.Text.Json;
using CodeForge.Core.Tools;
using Microsoft.Extensions.AI;

namespace CodeForge.Core.Agent;

/// <summary>
/// What happens during a turn, in order. The agent loop writes nothing to the terminal: printers and the interactive UI
/// consume these. A closed hierarchy: every event type is declared in this file.
/// </summary>
public abstract record AgentEvent
{
    private protected AgentEvent()
    {
    }
}

/// <summary>A piece of the model's answer as it streams.</summary>
public sealed record TextDelta(string Text) : AgentEvent;

/// <summary>A piece of the model's thinking (reasoning text or a reasoning summary) as it streams, before its answer.
/// Printers may show it collapsed; the whole thinking is also in the <see cref="AssistantMessage"/>.</summary>
public sealed record ThinkingDelta(string Text) : AgentEvent;

/// <summary>The model finished one response (text and/or tool calls); the message is now part of the conversation.</summary>
public sealed record AssistantMessage(ChatMessage Message, UsageDetails? Usage) : AgentEvent;

/// <summary>A tool call is about to pass the gate (permissions, hooks, the tool).</summary>
public sealed record ToolCallStarted(string CallId, string ToolName, JsonElement Arguments) : AgentEvent;

/// <summary>A tool call finished (or was refused); its result goes back to the model.</summary>
public sealed record ToolCallFinished(string CallId, string ToolName, JsonElement Arguments, ToolResult Result, ToolCallOutcome Outcome) : AgentEvent;

/// <summary>The tool results of one model response, in call order, now part of the conversation.</summary>
public sealed record ToolResultsMessage(ChatMessage Message) : AgentEvent;

/// <summary>The model call failed; the turn ends (the conversation is left consistent).</summary>
public sealed record AgentError(string Message, Exception? Exception) : AgentEvent;

/// <summary>
/// The conversation was compacted: older messages were replaced by a model-written summary (the transcript on disk keeps
/// them and marks the boundary). Printers show it; stream-json reports it as <c>system/compact_boundary</c>.
/// </summary>
public sealed record ConversationCompacted(CompactionResult Result) : AgentEvent;

/// <summary>Compaction was attempted but failed (the conversation is unchanged); the run goes on.</summary>
public sealed record CompactionFailed(CompactionTrigger Trigger, string Message, Exception? Exception) : AgentEvent;

/// <summary>The last event of a run.</summary>
public sealed record TurnFinished(AgentStopReason Reason, int ModelCalls, UsageDetails Usage, string FinalText) : AgentEvent;

/// <summary>Why a tool call's result is what it is.</summary>
public enum ToolCallOutcome
{
    /// <summary>The tool ran (it may still have failed).</summary>
    Executed,

    /// <summary>A permission rule, mode or the user refused it.</summary>
    Denied,

    /// <summary>The call could not be run as sent (unreadable arguments).</summary>
    Malformed,

    /// <summary>The run was cancelled before the call finished.</summary>
    Cancelled,
}

/// <summary>Why a run ended.</summary>
public enum AgentStopReason
{
    /// <summary>The model answered without calling tools.</summary>
    Completed,

    /// <summary>The turn limit was reached while the model still called tools.</summary>
    MaxTurns,

    /// <summary>The caller cancelled (Ctrl-C).</summary>
    Cancelled,

    /// <summary>The model could not be reached or refused the request.</summary>
    Failed,

    /// <summary>A hook blocked the prompt or stopped the run (the reason is reported as an <see cref="AgentError"/>).</summary>
    Blocked,
}
