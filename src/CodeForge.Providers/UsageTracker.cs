using System.Collections.Immutable;
using Microsoft.Extensions.AI;

namespace CodeForge.Providers;

/// <summary>The tokens and cost of one model call.</summary>
/// <param name="Model">The model that answered.</param>
/// <param name="InputTokens">The whole prompt, cached tokens included.</param>
/// <param name="OutputTokens">Generated tokens (reasoning included).</param>
/// <param name="CachedInputTokens">Prompt tokens read from the cache.</param>
/// <param name="CacheWriteTokens">Prompt tokens written to the cache (Anthropic).</param>
/// <param name="Cost">US dollars at list price, or null when the model has no known price.</param>
public sealed record CallUsage(string Model, long InputTokens, long OutputTokens, long CachedInputTokens, long CacheWriteTokens, decimal? Cost)
{
    /// <summary>The part of <see cref="OutputTokens"/> the model spent reasoning, as the provider reported it (OpenAI
    /// <c>reasoning_tokens</c>; 0 when the provider does not say). Billed as output, so already in <see cref="Cost"/>.</summary>
    public long ReasoningTokens { get; init; }
}

/// <summary>Totals for one model within a session.</summary>
public sealed record ModelUsage(long Calls, long InputTokens, long OutputTokens, long CachedInputTokens, long CacheWriteTokens, decimal? Cost)
{
    /// <summary>Reasoning tokens (part of <see cref="OutputTokens"/>) the provider reported.</summary>
    public long ReasoningTokens { get; init; }

    internal static ModelUsage Empty { get; } = new(0, 0, 0, 0, 0, 0m);

    internal ModelUsage Add(CallUsage call) => new(
        Calls + 1, InputTokens + call.InputTokens, OutputTokens + call.OutputTokens,
        CachedInputTokens + call.CachedInputTokens, CacheWriteTokens + call.CacheWriteTokens,
        Cost is { } sum && call.Cost is { } cost ? sum + cost : null)
    {
        ReasoningTokens = ReasoningTokens + call.ReasoningTokens,
    };
}

/// <summary>Session totals at one instant. Immutable.</summary>
/// <param name="Calls">Calls recorded.</param>
/// <param name="InputTokens">Prompt tokens, cached included.</param>
/// <param name="OutputTokens">Generated tokens.</param>
/// <param name="CachedInputTokens">Prompt tokens read from the cache.</param>
/// <param name="CacheWriteTokens">Prompt tokens written to the cache.</param>
/// <param name="Cost">US dollars at list price over the calls whose model has a price.</param>
/// <param name="UnpricedCalls">Calls to models without a known price (their cost is not in <paramref name="Cost"/>).</param>
/// <param name="ByModel">The same totals per model id (a model's cost is null if any of its calls was unpriced).</param>
public sealed record UsageSnapshot(
    long Calls, long InputTokens, long OutputTokens, long CachedInputTokens, long CacheWriteTokens,
    decimal Cost, long UnpricedCalls, ImmutableDictionary<string, ModelUsage> ByModel)
{
    /// <summary>Nothing recorded yet.</summary>
    public static UsageSnapshot Empty { get; } =
        new(0, 0, 0, 0, 0, 0m, 0, ImmutableDictionary.Create<string, ModelUsage>(StringComparer.Ordinal));

    /// <summary>Whether <see cref="Cost"/> covers every call.</summary>
    public bool CostIsComplete => UnpricedCalls == 0;

    /// <summary>Wall-clock time spent in model calls (Claude Code's <c>duration_api_ms</c>): from each call's start to
    /// the end of its response or stream, retries and their waits included, failed calls too.</summary>
    public TimeSpan ApiDuration { get; init; }

    /// <summary>Reasoning (thinking) tokens the providers reported, part of <see cref="OutputTokens"/> and priced as output.</summary>
    public long ReasoningTokens { get; init; }

    internal UsageSnapshot Add(CallUsage call) => new(
        Calls + 1, InputTokens + call.InputTokens, OutputTokens + call.OutputTokens,
        CachedInputTokens + call.CachedInputTokens, CacheWriteTokens + call.CacheWriteTokens,
        Cost + (call.Cost ?? 0m), UnpricedCalls + (call.Cost is null ? 1 : 0),
        ByModel.SetItem(call.Model, (ByModel.TryGetValue(call.Model, out var model) ? model : ModelUsage.Empty).Add(call)))
    {
        ApiDuration = ApiDuration,
        ReasoningTokens = ReasoningTokens + call.ReasoningTokens,
    };
}

/// <summary>
/// Accumulates token usage and cost for a session. One tracker may be shared by several clients (a main agent and its
/// subagents on other models).
/// </summary>
/// <remarks>
/// Concurrency contract: <see cref="Record"/> may be called from any number of threads at once; each call is applied
/// atomically (one lock; the new totals are computed from the old under it, so no update is lost and totals are
/// exact). <see cref="Snapshot"/> never locks: it reads an immutable <see cref="UsageSnapshot"/> published with a
/// volatile write after each record, so a reader sees the totals after some prefix of the recorded calls, never a
/// mix (input of one call with output of another). The per-call callback runs after the lock is released, on the
/// recording thread, possibly concurrently with other callbacks.
/// </remarks>
public sealed class UsageTracker
{
    private readonly object _gate = new();
    private readonly Action<CallUsage>? _onCall;
    private UsageSnapshot _snapshot = UsageSnapshot.Empty;

    /// <summary>Creates a tracker; <paramref name="onCall"/>, if given, sees every recorded call.</summary>
    public UsageTracker(Action<CallUsage>? onCall = null) => _onCall = onCall;

    /// <summary>The totals so far (lock-free).</summary>
    public UsageSnapshot Snapshot => Volatile.Read(ref _snapshot);

    /// <summary>Records one call's usage, priced with <paramref name="price"/> (null: unpriced), and returns it.</summary>
    public CallUsage Record(string model, UsageDetails? usage, ModelPrice? price)
    {
        ArgumentException.ThrowIfNullOrEmpty(model);
        var input = usage?.InputTokenCount ?? 0;
        var output = usage?.OutputTokenCount ?? 0;
        var cached = usage?.CachedInputTokenCount ?? 0;
        // The Anthropic adapter reports cache writes only as an additional count.
        var cacheWrite = usage?.AdditionalCounts is { } extra && extra.TryGetValue("CacheCreationInputTokens", out var written) ? written : 0;
        var call = new CallUsage(model, input, output, cached, cacheWrite, price?.Cost(input, output, cached, cacheWrite))
        {
            ReasoningTokens = usage?.ReasoningTokenCount ?? 0,
        };
        lock (_gate)
        {
            Volatile.Write(ref _snapshot, _snapshot.Add(call));
        }
        _onCall?.Invoke(call);
        return call;
    }

    /// <summary>Adds <paramref name="elapsed"/> to <see cref="UsageSnapshot.ApiDuration"/> (atomically, like
    /// <see cref="Record"/>).</summary>
    public void RecordApiTime(TimeSpan elapsed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(elapsed, TimeSpan.Zero);
        lock (_gate)
        {
            Volatile.Write(ref _snapshot, _snapshot with { ApiDuration = _snapshot.ApiDuration + elapsed });
        }
    }
}
