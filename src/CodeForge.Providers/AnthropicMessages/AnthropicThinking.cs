using Microsoft.Extensions.AI;

namespace CodeForge.Providers.AnthropicMessages;

/// <summary>Which thinking request shapes a Claude model takes.</summary>
internal enum ThinkingSupport
{
    /// <summary>No extended thinking (Claude 3.5 and older).</summary>
    None,
    /// <summary><c>thinking: {type: "enabled", budget_tokens}</c> only (Claude 3.7, 4.0–4.5).</summary>
    BudgetOnly,
    /// <summary>Adaptive thinking, and a fixed budget still accepted (Claude Opus/Sonnet 4.6).</summary>
    AdaptiveOrBudget,
    /// <summary>Adaptive thinking only (Claude Opus 4.7 and later models).</summary>
    AdaptiveOnly,
}

/// <summary>What one request asks for: the <c>thinking</c> and <c>output_config</c> fields and the
/// <c>max_tokens</c> that leaves room for both thinking and the answer.</summary>
internal readonly record struct ThinkingPlan(WireThinking? Thinking, WireOutputConfig? OutputConfig, int MaxTokens)
{
    public bool IsOn => Thinking is not null;
}

/// <summary>Turns a <see cref="ReasoningConfig"/> into the Anthropic request fields for a given model.</summary>
/// <remarks>Stateless and thread-safe.</remarks>
internal static class AnthropicThinking
{
    /// <summary>The smallest budget the API accepts.</summary>
    public const int MinimumBudget = 1024;

    /// <summary>The output limit adaptive thinking gets (Claude Code's 32k), unless the model allows less.</summary>
    public const int AdaptiveMaxTokens = 32_000;

    private static readonly string[] s_budgetOnly =
    [
        "claude-opus-4-5", "claude-sonnet-4-5", "claude-haiku-4-5", "claude-opus-4-1", "claude-opus-4-0", "claude-sonnet-4-0",
    ];

    public static ThinkingSupport SupportOf(string model)
    {
        var id = model.Trim().ToLowerInvariant();
        id = id[(id.LastIndexOf('/') + 1)..];
        if (id.StartsWith("anthropic.", StringComparison.Ordinal))
        {
            id = id["anthropic.".Length..];
        }
        if (id.StartsWith("claude-3-7", StringComparison.Ordinal))
        {
            return ThinkingSupport.BudgetOnly;
        }
        if (id.StartsWith("claude-3", StringComparison.Ordinal) || id.StartsWith("claude-2", StringComparison.Ordinal) ||
            id.StartsWith("claude-instant", StringComparison.Ordinal))
        {
            return ThinkingSupport.None;
        }
        if (Is(id, "claude-opus-4-6") || Is(id, "claude-sonnet-4-6"))
        {
            return ThinkingSupport.AdaptiveOrBudget;
        }
        if (s_budgetOnly.Any(prefix => Is(id, prefix)) || id is "claude-sonnet-4" or "claude-opus-4" ||
            id.StartsWith("claude-sonnet-4-2", StringComparison.Ordinal) || id.StartsWith("claude-opus-4-2", StringComparison.Ordinal) ||
            id.StartsWith("claude-sonnet-4@", StringComparison.Ordinal) || id.StartsWith("claude-opus-4@", StringComparison.Ordinal))
        {
            return ThinkingSupport.BudgetOnly;
        }
        // Newer Claude models think adaptively only; another vendor's model behind the Messages API most likely takes
        // the original budget shape.
        return id.StartsWith("claude-", StringComparison.Ordinal) ? ThinkingSupport.AdaptiveOnly : ThinkingSupport.BudgetOnly;

        static bool Is(string id, string prefix) =>
            id == prefix || (id.Length > prefix.Length && id.StartsWith(prefix, StringComparison.Ordinal) && id[prefix.Length] is '-' or '@' or ':');
    }

    /// <summary>The thinking fields for one request. <paramref name="perRequest"/> (<see cref="ChatOptions.Reasoning"/>)
    /// wins over <paramref name="config"/>; a forced tool choice turns thinking off (the API refuses the two together).
    /// Adaptive thinking raises the client's default output limit to <see cref="AdaptiveMaxTokens"/>, but not a limit
    /// the request gave (<paramref name="limitGiven"/>); a fixed budget is added on top of either.</summary>
    public static ThinkingPlan Plan(string model, int maxTokens, ReasoningConfig? config, ReasoningOptions? perRequest, bool forcedToolChoice,
        bool limitGiven = false)
    {
        var off = new ThinkingPlan(null, null, maxTokens);
        if ((config is null && perRequest?.Effort is null) || forcedToolChoice)
        {
            return off;
        }
        ReasoningEffort? effort;
        int? budget;
        bool? always;
        var display = config?.Display;
        if (perRequest?.Effort is { } requested)
        {
            (effort, budget, always) = (requested, null, null);
        }
        else
        {
            (effort, budget, always) = (config!.Effort, config.MaxThinkingTokens, config.AlwaysThinking);
        }
        var support = SupportOf(model);
        if (support == ThinkingSupport.None || effort == ReasoningEffort.None || budget == 0)
        {
            return off;
        }
        var asked = budget > 0 || effort is not null || always == true;
        var cap = ModelCatalog.Find(model)?.MaxOutputTokens;
        switch (support)
        {
            case ThinkingSupport.AdaptiveOrBudget when budget is > 0:
            case ThinkingSupport.BudgetOnly when asked:
                return Budgeted(budget ?? ReasoningConfig.BudgetFor(effort ?? ReasoningEffort.Medium), maxTokens, cap, display) ?? off;
            case ThinkingSupport.AdaptiveOrBudget or ThinkingSupport.AdaptiveOnly when asked || always is null:
                var max = limitGiven ? maxTokens : Math.Max(maxTokens, Math.Min(cap ?? AdaptiveMaxTokens, AdaptiveMaxTokens));
                return new ThinkingPlan(
                    new WireThinking { Type = "adaptive", Display = display },
                    effort is { } level ? new WireOutputConfig { Effort = ReasoningConfig.WireName(level) } : null,
                    max);
            default:
                return off;
        }
    }

    private static ThinkingPlan? Budgeted(int budget, int maxTokens, int? cap, string? display)
    {
        budget = Math.Max(MinimumBudget, budget);
        // max_tokens covers thinking and answer: keep the answer's usual room on top of the budget, within the model's limit.
        var total = (int)Math.Min((long)maxTokens + budget, cap ?? int.MaxValue);
        budget = Math.Min(budget, total - MinimumBudget);
        return budget < MinimumBudget ? null : new ThinkingPlan(new WireThinking { Type = "enabled", BudgetTokens = budget, Display = display }, null, total);
    }
}
