using System.Text.Json;
using CodeForge.Core.Tools;

namespace CodeForge.Core.Agent;

/// <summary>A tool call as the agent loop reports it to <see cref="IAgentHooks"/>.</summary>
/// <param name="CallId">The model's id for the call.</param>
/// <param name="ToolName">The tool.</param>
/// <param name="Arguments">The arguments it ran with (after any rewrite by the gate).</param>
/// <param name="Result">Its result, or null where the call has not run.</param>
public sealed record AgentToolCall(string CallId, string ToolName, JsonElement Arguments, ToolResult? Result = null);

/// <summary>What a hook point tells the loop. Immutable.</summary>
public sealed record AgentHookVerdict
{
    /// <summary>Nothing to do.</summary>
    public static AgentHookVerdict None { get; } = new();

    /// <summary>Block the action: erase the prompt and stop; keep going instead of stopping (Stop); stop before the next
    /// model call (tool batch). After a tool call, the <see cref="Reason"/> is told to the model.</summary>
    public bool Block { get; init; }

    /// <summary>Why it was blocked (for the model or the user).</summary>
    public string? Reason { get; init; }

    /// <summary>Context for the model, added to the prompt or the tool result.</summary>
    public string? AdditionalContext { get; init; }

    /// <summary>End the run now (a hook said <c>continue: false</c>).</summary>
    public bool StopRun { get; init; }

    /// <summary>Why the run was ended, for the user.</summary>
    public string? StopReason { get; init; }
}

/// <summary>
/// The loop's hook points (the hooks feature implements them; the default does nothing). PreToolUse and
/// PermissionRequest are not here: they belong to the tool-call gate (<see cref="IToolCallAuthorizer"/>).
/// </summary>
/// <remarks>Called from the run's producer; <see cref="ToolFinishedAsync"/> concurrently for parallel tool calls.
/// Implementations must be thread-safe and should not throw (other than cancellation).</remarks>
public interface IAgentHooks
{
    /// <summary>Before the prompt joins the conversation (UserPromptSubmit).</summary>
    ValueTask<AgentHookVerdict> PromptSubmittedAsync(string prompt, CancellationToken cancellationToken);

    /// <summary>After a tool call ran (PostToolUse or PostToolUseFailure); not called for refused calls.</summary>
    ValueTask<AgentHookVerdict> ToolFinishedAsync(AgentToolCall toolCall, CancellationToken cancellationToken);

    /// <summary>After every call of one response has its result, before the next model call (PostToolBatch).</summary>
    ValueTask<AgentHookVerdict> ToolBatchFinishedAsync(IReadOnlyList<AgentToolCall> calls, CancellationToken cancellationToken);

    /// <summary>The model answered without tool calls (Stop). <paramref name="blocksSoFar"/> counts earlier blocks in this run.</summary>
    ValueTask<AgentHookVerdict> StoppingAsync(string lastAssistantMessage, int blocksSoFar, CancellationToken cancellationToken);
}

/// <summary>Hook points that do nothing.</summary>
public sealed class NoAgentHooks : IAgentHooks
{
    public static NoAgentHooks Instance { get; } = new();

    public ValueTask<AgentHookVerdict> PromptSubmittedAsync(string prompt, CancellationToken cancellationToken) => ValueTask.FromResult(AgentHookVerdict.None);

    public ValueTask<AgentHookVerdict> ToolFinishedAsync(AgentToolCall toolCall, CancellationToken cancellationToken) => ValueTask.FromResult(AgentHookVerdict.None);

    public ValueTask<AgentHookVerdict> ToolBatchFinishedAsync(IReadOnlyList<AgentToolCall> calls, CancellationToken cancellationToken) => ValueTask.FromResult(AgentHookVerdict.None);

    public ValueTask<AgentHookVerdict> StoppingAsync(string lastAssistantMessage, int blocksSoFar, CancellationToken cancellationToken) => ValueTask.FromResult(AgentHookVerdict.None);
}
