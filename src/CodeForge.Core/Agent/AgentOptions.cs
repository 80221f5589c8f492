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
}
