using CodeForge.Core.Agent;

namespace CodeForge.Cli.Headless;

/// <summary>Everything the final <c>result</c> line reports.</summary>
internal sealed record RunSummary(
    AgentStopReason Reason,
    string Result,
    string SessionId,
    int NumTurns,
    long DurationMs,
    long DurationApiMs,
    long InputTokens,
    long OutputTokens,
    long CachedInputTokens,
    decimal TotalCostUsd,
    IReadOnlyList<(string ToolName, string ToolUseId, string Reason)> PermissionDenials,
    string? Error)
{
    /// <summary>Thinking tokens the providers reported (part of <see cref="OutputTokens"/>).</summary>
    public long ReasoningTokens { get; init; }

    /// <summary>Prompt tokens written to the cache (part of <see cref="InputTokens"/>, which is the whole prompt).</summary>
    public long CacheWriteTokens { get; init; }

    /// <summary>The session's usage per model so far (Claude Code's <c>modelUsage</c>).</summary>
    public IReadOnlyDictionary<string, CodeForge.Providers.ModelUsage> ModelUsage { get; init; } =
        System.Collections.Immutable.ImmutableDictionary<string, CodeForge.Providers.ModelUsage>.Empty;

    public bool IsError => Reason != AgentStopReason.Completed;

    /// <summary>Claude Code's result subtypes.</summary>
    public string Subtype => Reason switch
    {
        AgentStopReason.Completed => "success",
        AgentStopReason.MaxTurns => "error_max_turns",
        _ => "error_during_execution",
    };
}
