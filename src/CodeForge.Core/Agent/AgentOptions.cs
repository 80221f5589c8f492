using System.Collections.Immutable;
using Microsoft.Extensions.AI;

namespace CodeForge.Core.Agent;

/// <summary>How the agent loop runs. Immutable.</summary>
public sealed record AgentOptions
{
    /// <summary>The most model calls in one run (Claude Code's <c>--max-turns</c>); null for no limit.</summary>
    public int? MaxTurns { get; init; }

    /// <summary>The system prompt sent first with every request.</summary>
    public string? SystemPrompt { get; init; }

    /// <summary>Model id, output limit and other request options (tools are added by the loop).</summary>
    public ChatOptions? ChatOptions { get; init; }

    /// <summary>The hook points (UserPromptSubmit, PostToolUse, PostToolBatch, Stop); none by default.</summary>
    public IAgentHooks Hooks { get; init; } = NoAgentHooks.Instance;

    /// <summary>
    /// The context budget (window, tool-result cap, automatic compaction), or null for none: results are sent whole and
    /// the conversation is never compacted.
    /// </summary>
    public ContextOptions? Context { get; init; }

    /// <summary>
    /// The names of the registry's tools this run may use (a subagent's tool set), or null for all. Other tools are not
    /// offered to the model, and a call to one is refused without running.
    /// </summary>
    public ImmutableHashSet<string>? AllowedTools { get; init; }

    /// <summary>
    /// Called on the loop's own task before every model call after the run's first, so a caller can stop the run there
    /// by cancelling its token (the SDK's <c>--max-budget-usd</c>: the cost of the calls so far is known at that point).
    /// A check made by the consumer of the run's events comes too late for this: the loop runs ahead of its consumer
    /// and may already have sent the next request. Null for none.
    /// </summary>
    public Action? BeforeModelCall { get; init; }
}

/// <summary>
/// A tool whose calls may legitimately run longer than <see cref="Tools.ToolContext.Timeout"/> (a subagent): the loop
/// runs it without the per-call timeout (the run's cancellation still stops it).
/// </summary>
public interface ILongRunningTool
{
}
