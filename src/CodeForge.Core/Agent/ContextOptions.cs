using CodeForge.Core.Tokens;

namespace CodeForge.Core.Agent;

/// <summary>
/// The context budget of a run: the model's context window, how tokens are counted, how big one tool result may be,
/// and when the conversation is compacted. Immutable; every value is checked when set (a bad value throws naming it).
/// </summary>
public sealed record ContextOptions
{
    /// <summary>The default share of the window at which the conversation is compacted automatically (85 %).</summary>
    public const double DefaultAutoCompactThreshold = 0.85;

    /// <summary>Creates the budget for a window of <paramref name="contextWindow"/> tokens counted by <paramref name="counter"/>.</summary>
    public ContextOptions(int contextWindow, ITokenCounter counter)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(contextWindow, 256, nameof(contextWindow));
        ContextWindow = contextWindow;
        Counter = counter ?? throw new ArgumentNullException(nameof(counter));
    }

    /// <summary>The model's context window in tokens (prompt and answer together).</summary>
    public int ContextWindow { get; }

    /// <summary>Counts tokens (use a <see cref="CachingCounter"/>: the same messages are counted before every call).</summary>
    public ITokenCounter Counter { get; }

    /// <summary>
    /// A cheap counter that never counts fewer tokens than <see cref="Counter"/> (default: <see cref="TokenUpperBound.For"/>
    /// of it). The loop's threshold checks count with it first and call <see cref="Counter"/> only when the bound reaches the
    /// threshold, so an exact tokenizer is not loaded on a run whose requests stay far below the window.
    /// </summary>
    public ITokenCounter UpperBoundCounter
    {
        get => field ?? TokenUpperBound.For(Counter);
        init => field = value ?? throw new ArgumentNullException(nameof(UpperBoundCounter));
    }

    /// <summary>Whether the loop compacts on its own when the request reaches <see cref="AutoCompactThreshold"/>.</summary>
    public bool AutoCompact { get; init; } = true;

    /// <summary>The share of <see cref="ContextWindow"/> (0 &lt; x ≤ 1) at which the loop compacts before calling the model.</summary>
    public double AutoCompactThreshold
    {
        get;
        init
        {
            if (!(value > 0 && value <= 1))
            {
                throw new ArgumentOutOfRangeException(nameof(AutoCompactThreshold), value, "The auto-compact threshold must be a share of the window in (0, 1].");
            }
            field = value;
        }
    } = DefaultAutoCompactThreshold;

    /// <summary>The most tokens one tool result may add to the conversation (default: a quarter of the window, at most 25,000).</summary>
    public int ToolResultMaxTokens
    {
        get => field > 0 ? field : Math.Clamp(ContextWindow / 4, 64, 25_000);
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value, nameof(ToolResultMaxTokens));
            field = value;
        }
    }

    /// <summary>How many tokens of the most recent messages compaction keeps verbatim (default: 15 % of the window).</summary>
    public int KeepRecentTokens
    {
        get => field > 0 ? field : Math.Max(32, (int)(ContextWindow * 0.15));
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value, nameof(KeepRecentTokens));
            field = value;
        }
    }

    /// <summary>Where the full text of a truncated tool result is saved (one file per call), or null to save nothing.</summary>
    public string? ToolOutputDirectory { get; init; }

    /// <summary>
    /// The text of the active skill(s) to keep verbatim through compaction (e.g. from the SkillRegistry), or null to find
    /// them in the conversation (the results of the latest <c>Skill</c> tool call).
    /// </summary>
    public Func<IReadOnlyList<string>>? ActiveSkills { get; init; }

    /// <summary>Called before every compaction (the PreCompact hook point), or null.</summary>
    public IPreCompactHook? PreCompactHook { get; init; }

    /// <summary>The request size (in tokens) at which the loop compacts.</summary>
    public int AutoCompactTokens => (int)Math.Floor(ContextWindow * AutoCompactThreshold);
}

/// <summary>Why a conversation was compacted.</summary>
public enum CompactionTrigger
{
    /// <summary>The loop found the request near the context window.</summary>
    Auto,

    /// <summary>The user asked (<c>/compact</c>).</summary>
    Manual,
}

/// <summary>What a PreCompact hook is told.</summary>
/// <param name="Trigger">Auto or manual.</param>
/// <param name="CustomInstructions">The user's <c>/compact</c> instructions, if any.</param>
/// <param name="TokensBefore">The conversation's size before compaction.</param>
public sealed record PreCompactContext(CompactionTrigger Trigger, string? CustomInstructions, int TokensBefore);

/// <summary>The PreCompact hook point: runs before the summary is requested (hooks wire to it).</summary>
/// <remarks>Called from the run that compacts, at most one compaction at a time per conversation.</remarks>
public interface IPreCompactHook
{
    /// <summary>Runs before compaction; returns extra instructions for the summary (appended to the user's), or null.</summary>
    ValueTask<string?> OnPreCompactAsync(PreCompactContext context, CancellationToken cancellationToken);
}
