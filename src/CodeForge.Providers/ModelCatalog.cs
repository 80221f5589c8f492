using System.Collections.Frozen;

namespace CodeForge.Providers;

/// <summary>List prices of a model in US dollars per million tokens.</summary>
/// <param name="InputPerMTok">Uncached input tokens.</param>
/// <param name="OutputPerMTok">Output tokens (reasoning tokens are billed as output and already counted in them).</param>
/// <param name="CachedInputPerMTok">Input tokens read from the prompt cache.</param>
/// <param name="CacheWritePerMTok">Input tokens written to the prompt cache (Anthropic's 5-minute cache write);
/// null means they cost the same as uncached input.</param>
public sealed record ModelPrice(decimal InputPerMTok, decimal OutputPerMTok, decimal CachedInputPerMTok, decimal? CacheWritePerMTok = null)
{
    /// <summary>A model that costs nothing to call (a local Ollama model).</summary>
    public static ModelPrice Free { get; } = new(0m, 0m, 0m, 0m);

    /// <summary>The cost of one call. <paramref name="inputTokens"/> is the whole prompt, including
    /// <paramref name="cachedInputTokens"/> and <paramref name="cacheWriteTokens"/> (the shape of
    /// <c>UsageDetails.InputTokenCount</c> from every adapter).</summary>
    public decimal Cost(long inputTokens, long outputTokens, long cachedInputTokens = 0, long cacheWriteTokens = 0)
    {
        var uncached = Math.Max(0, inputTokens - cachedInputTokens - cacheWriteTokens);
        return (uncached * InputPerMTok
                + cachedInputTokens * CachedInputPerMTok
                + cacheWriteTokens * (CacheWritePerMTok ?? InputPerMTok)
                + outputTokens * OutputPerMTok) / 1_000_000m;
    }
}

/// <summary>What the catalog knows about one model.</summary>
/// <param name="Id">The vendor's model id (without a date suffix).</param>
/// <param name="Provider">The vendor that serves it.</param>
/// <param name="ContextWindow">Maximum prompt plus output tokens.</param>
/// <param name="MaxOutputTokens">Maximum output tokens per response.</param>
/// <param name="Price">List prices, or null if unknown.</param>
public sealed record ModelInfo(string Id, ProviderKind Provider, int ContextWindow, int MaxOutputTokens, ModelPrice? Price);

/// <summary>A short name users type (<c>sonnet</c>, <c>gpt</c>) and the model id it stands for.</summary>
public sealed record ModelAlias(string Alias, ProviderKind Provider, string ModelId);

/// <summary>
/// The static table of known models: aliases, context windows, output limits and list prices.
/// List prices as of 2026 (vendors' public pricing pages); edit in ModelCatalog.cs.
/// </summary>
/// <remarks>Immutable (frozen collections built once); safe to read from any thread.</remarks>
public static class ModelCatalog
{
    // Anthropic: cache reads are 0.1x input, 5-minute cache writes 1.25x input.
    // OpenAI: cached input is 0.1x input for the GPT-5 family, 0.25x for GPT-4.1 and o-series, 0.5x for GPT-4o.
    private static readonly ModelInfo[] s_models =
    [
        // Claude 5 family and Opus 4.8: context window (context.window), max output (max_output_tokens.upper) and
        // list prices (pricing tiers) as baked into Claude Code 2.1.337's model catalog.
        new("claude-opus-5-5", ProviderKind.Anthropic, 1_000_000, 128_000, new(4m, 20m, 0.20m, 5m)),
        new("claude-opus-5", ProviderKind.Anthropic, 1_000_000, 128_000, new(5m, 25m, 0.50m, 6.25m)),
        new("claude-opus-4-8", ProviderKind.Anthropic, 1_000_000, 128_000, new(5m, 25m, 0.50m, 6.25m)),
        new("claude-sonnet-5-5", ProviderKind.Anthropic, 1_000_000, 128_000, new(2m, 10m, 0.10m, 2.5m)),
        new("claude-sonnet-5", ProviderKind.Anthropic, 1_000_000, 128_000, new(2m, 10m, 0.20m, 2.5m)),
        new("claude-haiku-5-5", ProviderKind.Anthropic, 1_000_000, 128_000, new(0.10m, 0.50m, 0.01m, 0.125m)),
        new("claude-fable-5-2", ProviderKind.Anthropic, 1_000_000, 128_000, new(8m, 40m, 0.20m, 10m)),
        new("claude-fable-5-1", ProviderKind.Anthropic, 1_000_000, 128_000, new(10m, 50m, 0.25m, 12.5m)),
        new("claude-fable-5", ProviderKind.Anthropic, 1_000_000, 128_000, new(10m, 50m, 1m, 12.5m)),
        new("claude-opus-4-7", ProviderKind.Anthropic, 1_000_000, 128_000, new(5m, 25m, 0.50m, 6.25m)),
        new("claude-opus-4-6", ProviderKind.Anthropic, 1_000_000, 128_000, new(5m, 25m, 0.50m, 6.25m)),
        new("claude-opus-4-5", ProviderKind.Anthropic, 200_000, 64_000, new(5m, 25m, 0.50m, 6.25m)),
        new("claude-opus-4-1", ProviderKind.Anthropic, 200_000, 32_000, new(15m, 75m, 1.50m, 18.75m)),
        new("claude-sonnet-4-6", ProviderKind.Anthropic, 1_000_000, 64_000, new(3m, 15m, 0.30m, 3.75m)),
        new("claude-sonnet-4-5", ProviderKind.Anthropic, 200_000, 64_000, new(3m, 15m, 0.30m, 3.75m)),
        new("claude-haiku-4-5", ProviderKind.Anthropic, 200_000, 64_000, new(1m, 5m, 0.10m, 1.25m)),
        new("gpt-5.5", ProviderKind.OpenAI, 1_000_000, 128_000, new(5m, 30m, 0.50m)),
        new("gpt-5.4", ProviderKind.OpenAI, 1_000_000, 128_000, new(2.50m, 15m, 0.25m)),
        new("gpt-5.4-mini", ProviderKind.OpenAI, 1_000_000, 128_000, new(0.75m, 4.50m, 0.075m)),
        new("gpt-5.4-nano", ProviderKind.OpenAI, 1_000_000, 128_000, new(0.20m, 1.25m, 0.02m)),
        new("gpt-5", ProviderKind.OpenAI, 400_000, 128_000, new(1.25m, 10m, 0.125m)),
        new("gpt-5-mini", ProviderKind.OpenAI, 400_000, 128_000, new(0.25m, 2m, 0.025m)),
        new("gpt-4.1", ProviderKind.OpenAI, 1_047_576, 32_768, new(2m, 8m, 0.50m)),
        new("gpt-4o", ProviderKind.OpenAI, 128_000, 16_384, new(2.50m, 10m, 1.25m)),
        new("gpt-4o-mini", ProviderKind.OpenAI, 128_000, 16_384, new(0.15m, 0.60m, 0.075m)),
        new("o3", ProviderKind.OpenAI, 200_000, 100_000, new(2m, 8m, 0.50m)),
        new("o4-mini", ProviderKind.OpenAI, 200_000, 100_000, new(1.10m, 4.40m, 0.275m)),
    ];

    private static readonly ModelAlias[] s_aliases =
    [
        // As Claude Code 2.1.337 resolves them on the first-party API (its baked catalog's latest_per_family; best = opus).
        new("opus", ProviderKind.Anthropic, "claude-opus-5-5"),
        new("sonnet", ProviderKind.Anthropic, "claude-sonnet-5-5"),
        new("haiku", ProviderKind.Anthropic, "claude-haiku-5-5"),
        new("fable", ProviderKind.Anthropic, "claude-fable-5-2"),
        new("best", ProviderKind.Anthropic, "claude-opus-5-5"),
        new("claude", ProviderKind.Anthropic, "claude-sonnet-5-5"),
        new("gpt", ProviderKind.OpenAI, "gpt-5.5"),
        new("gpt-mini", ProviderKind.OpenAI, "gpt-5.4-mini"),
        new("gpt-nano", ProviderKind.OpenAI, "gpt-5.4-nano"),
    ];

    private static readonly FrozenDictionary<string, ModelInfo> s_byId =
        s_models.ToFrozenDictionary(m => m.Id, StringComparer.OrdinalIgnoreCase);

    private static readonly FrozenDictionary<string, ModelAlias> s_byAlias =
        s_aliases.ToFrozenDictionary(a => a.Alias, StringComparer.OrdinalIgnoreCase);

    /// <summary>Every model in the catalog.</summary>
    public static IReadOnlyList<ModelInfo> Models => s_models;

    /// <summary>Every alias in the catalog.</summary>
    public static IReadOnlyList<ModelAlias> Aliases => s_aliases;

    /// <summary>The model a provider uses when none is named: the <c>sonnet</c> alias for Anthropic, <c>gpt</c> for
    /// OpenAI, <c>llama3.2</c> for Ollama; null for an OpenAI-compatible server (its models are unknowable).</summary>
    public static string? DefaultModel(ProviderKind provider) => provider switch
    {
        ProviderKind.Anthropic => s_byAlias["sonnet"].ModelId,
        ProviderKind.OpenAI => s_byAlias["gpt"].ModelId,
        ProviderKind.Ollama => "llama3.2",
        _ => null,
    };

    /// <summary>The alias named <paramref name="name"/> (case-insensitive), or null.</summary>
    public static ModelAlias? FindAlias(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return s_byAlias.TryGetValue(name.Trim(), out var alias) ? alias : null;
    }

    /// <summary>
    /// The catalog entry for a model id, or null. Matches the exact id, an id with a date or version suffix
    /// (<c>claude-haiku-4-5-20251001</c>, <c>gpt-4o-2024-08-06</c>) and an id behind a router's vendor prefix
    /// (<c>openai/gpt-5.4</c>). The longest matching entry wins, so <c>gpt-4o-mini-2024-07-18</c> is gpt-4o-mini.
    /// </summary>
    public static ModelInfo? Find(string modelId)
    {
        ArgumentNullException.ThrowIfNull(modelId);
        var id = modelId.Trim();
        var slash = id.LastIndexOf('/');
        if (slash >= 0)
        {
            id = id[(slash + 1)..];
        }
        if (s_byId.TryGetValue(id, out var exact))
        {
            return exact;
        }
        ModelInfo? best = null;
        foreach (var model in s_models)
        {
            if (id.Length > model.Id.Length + 1 &&
                id.StartsWith(model.Id, StringComparison.OrdinalIgnoreCase) &&
                id[model.Id.Length] == '-' && char.IsAsciiDigit(id[model.Id.Length + 1]) &&
                (best is null || model.Id.Length > best.Id.Length))
            {
                best = model;
            }
        }
        return best;
    }
}
