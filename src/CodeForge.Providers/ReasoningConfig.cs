using System.Globalization;
using Microsoft.Extensions.AI;

namespace CodeForge.Providers;

/// <summary>
/// How much the model should think, as the user configured it: the <c>effort</c> setting (<c>--effort</c>), the
/// thinking budget (<c>maxThinkingTokens</c>, <c>MAX_THINKING_TOKENS</c>, <c>--max-thinking-tokens</c>) and
/// <c>alwaysThinkingEnabled</c>. Every provider client turns it into its own request shape (Anthropic
/// <c>thinking</c>/<c>output_config.effort</c>, OpenAI <c>reasoning_effort</c>).
/// </summary>
/// <remarks>
/// <para>Precedence inside one request: a <see cref="ChatOptions.Reasoning"/> given with the request wins (its
/// <see cref="ReasoningEffort.None"/> turns thinking off), then <see cref="MaxThinkingTokens"/>, then
/// <see cref="Effort"/>, then <see cref="AlwaysThinking"/>. With nothing set, models that think adaptively (Claude 4.6
/// and later) decide for themselves, as in Claude Code, and other models do not think.</para>
/// <para>Immutable; safe to share between threads.</para>
/// </remarks>
public sealed record ReasoningConfig
{
    /// <summary>The effort, or null for the model's default.</summary>
    public ReasoningEffort? Effort { get; init; }

    /// <summary>The thinking budget in tokens (0 turns thinking off), or null to derive it from <see cref="Effort"/>.</summary>
    public int? MaxThinkingTokens { get; init; }

    /// <summary><c>alwaysThinkingEnabled</c>: true thinks even when neither effort nor budget is set (at
    /// <see cref="ReasoningEffort.Medium"/>); false never thinks unless an effort or budget asks for it.</summary>
    public bool? AlwaysThinking { get; init; }

    /// <summary>How the thinking text comes back (<c>--thinking-display</c>): <c>summarized</c> or <c>omitted</c>
    /// (Anthropic's <c>thinking.display</c>), or null for the model's default.</summary>
    public string? Display { get; init; }

    /// <summary>The Anthropic budget an effort stands for when the model takes a fixed budget (Claude Code's
    /// "think" / "think hard" / "ultrathink" sizes).</summary>
    public static int BudgetFor(ReasoningEffort effort) => effort switch
    {
        ReasoningEffort.None => 0,
        ReasoningEffort.Low => 4_000,
        ReasoningEffort.Medium => 10_000,
        ReasoningEffort.High => 31_999,
        _ => 63_999,
    };

    /// <summary>The effort's name on the wire (<c>low</c>, <c>medium</c>, <c>high</c>, <c>max</c>).</summary>
    public static string WireName(ReasoningEffort effort) => effort switch
    {
        ReasoningEffort.None => "none",
        ReasoningEffort.Low => "low",
        ReasoningEffort.Medium => "medium",
        ReasoningEffort.High => "high",
        _ => "max",
    };

    /// <summary>Parses an effort as users write it: <c>low</c>, <c>medium</c>, <c>high</c>, <c>max</c> (also
    /// <c>xhigh</c>), <c>none</c>/<c>off</c>; case-insensitive.</summary>
    /// <exception cref="ArgumentException">Any other text; the message lists the accepted values.</exception>
    public static ReasoningEffort ParseEffort(string text, string source = "effort")
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Trim().ToLowerInvariant() switch
        {
            "none" or "off" => ReasoningEffort.None,
            "low" => ReasoningEffort.Low,
            "medium" => ReasoningEffort.Medium,
            "high" => ReasoningEffort.High,
            "max" or "xhigh" => ReasoningEffort.ExtraHigh,
            _ => throw new ArgumentException(
                $"{source}: unknown effort \"{text}\"; expected one of low, medium, high, max, none.", nameof(text)),
        };
    }

    /// <summary>Parses a thinking budget (a whole number of 0 or more; 0 turns thinking off).</summary>
    /// <exception cref="ArgumentException">Not a whole number of 0 or more; the message names <paramref name="source"/>.</exception>
    public static int ParseBudget(string text, string source = "MAX_THINKING_TOKENS")
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var budget))
        {
            throw new ArgumentException($"{source}: expected a whole number of tokens (0 or more), found \"{text}\".", nameof(text));
        }
        return budget;
    }

    /// <summary>This configuration with the Agent SDK's <c>--thinking</c> mode over it: <c>disabled</c> turns thinking
    /// off (budget 0); <c>adaptive</c> (or <c>enabled</c>) turns it on whatever the settings say (as
    /// <see cref="AlwaysThinking"/>: adaptive models decide how much, others take the effort's budget), keeping an effort
    /// or budget that asks for thinking; null leaves it as it is. <paramref name="display"/>, when given, sets
    /// <see cref="Display"/>.</summary>
    /// <exception cref="ArgumentException">A mode other than adaptive, enabled or disabled.</exception>
    public ReasoningConfig WithThinkingMode(string? mode, string? display = null)
    {
        var result = display is null ? this : this with { Display = display };
        return mode?.Trim().ToLowerInvariant() switch
        {
            null => result,
            "disabled" => result with { MaxThinkingTokens = 0 },
            "adaptive" or "enabled" => result with
            {
                AlwaysThinking = true,
                MaxThinkingTokens = MaxThinkingTokens is 0 ? null : MaxThinkingTokens,
                Effort = Effort == ReasoningEffort.None ? null : Effort,
            },
            _ => throw new ArgumentException($"--thinking: unknown mode \"{mode}\"; expected adaptive, enabled or disabled.", nameof(mode)),
        };
    }

    /// <summary>The configuration from the settings values and the environment: <c>MAX_THINKING_TOKENS</c> wins over
    /// <paramref name="maxThinkingTokens"/>. With nothing set it is the default (models that think adaptively
    /// decide, others do not think). A value that does not parse is reported to <paramref name="onProblem"/> and
    /// ignored (the rest still applies); without <paramref name="onProblem"/> it throws.</summary>
    /// <exception cref="ArgumentException">An effort or budget that does not parse and no <paramref name="onProblem"/>.</exception>
    public static ReasoningConfig From(string? effort, int? maxThinkingTokens, bool? alwaysThinking, Func<string, string?> environment,
        Action<string>? onProblem = null)
    {
        ArgumentNullException.ThrowIfNull(environment);
        T? Parse<T>(Func<T> parse) where T : struct
        {
            try
            {
                return parse();
            }
            catch (ArgumentException ex) when (onProblem is not null)
            {
                onProblem(ex.Message);
                return null;
            }
        }
        var fromEnv = environment("MAX_THINKING_TOKENS") is { Length: > 0 } env ? Parse(() => ParseBudget(env)) : null;
        return new ReasoningConfig
        {
            Effort = string.IsNullOrWhiteSpace(effort) ? null : Parse(() => ParseEffort(effort)),
            MaxThinkingTokens = fromEnv ?? maxThinkingTokens,
            AlwaysThinking = alwaysThinking,
        };
    }
}
