using CodeForge.Providers.AnthropicMessages;
using Microsoft.Extensions.AI;

namespace CodeForge.Providers.Tests.AnthropicMessages;

public sealed class AnthropicThinkingTests
{
    [Theory]
    [InlineData("claude-opus-4-7", "AdaptiveOnly")]
    [InlineData("claude-sonnet-4-6", "AdaptiveOrBudget")]
    [InlineData("claude-opus-4-6-20260101", "AdaptiveOrBudget")]
    [InlineData("anthropic/claude-sonnet-4-6", "AdaptiveOrBudget")]
    [InlineData("claude-sonnet-4-5", "BudgetOnly")]
    [InlineData("claude-haiku-4-5-20251001", "BudgetOnly")]
    [InlineData("claude-sonnet-4-20250514", "BudgetOnly")]
    [InlineData("claude-3-7-sonnet-latest", "BudgetOnly")]
    [InlineData("claude-3-5-haiku-latest", "None")]
    [InlineData("kimi-k2", "BudgetOnly")]
    public void SupportOf_KnowsWhichShapeEachModelTakes(string model, string expected) =>
        Assert.Equal(expected, AnthropicThinking.SupportOf(model).ToString());

    [Fact]
    public void Plan_WithoutAnyConfiguration_AsksForNothing()
    {
        var plan = AnthropicThinking.Plan("claude-sonnet-4-6", 16_384, null, null, forcedToolChoice: false);

        Assert.Equal(new ThinkingPlan(null, null, 16_384), plan);
    }

    [Fact]
    public void Plan_WithTheDefaultConfiguration_LetsAdaptiveModelsDecide_AndKeepsOthersOff()
    {
        var adaptive = AnthropicThinking.Plan("claude-sonnet-4-6", 16_384, new ReasoningConfig(), null, false);
        var budgetModel = AnthropicThinking.Plan("claude-sonnet-4-5", 16_384, new ReasoningConfig(), null, false);

        Assert.Equal("adaptive", adaptive.Thinking?.Type);
        Assert.Null(adaptive.OutputConfig);
        Assert.Equal(AnthropicThinking.AdaptiveMaxTokens, adaptive.MaxTokens);
        Assert.False(budgetModel.IsOn);
    }

    [Theory]
    [InlineData(ReasoningEffort.Low, 4_000)]
    [InlineData(ReasoningEffort.Medium, 10_000)]
    [InlineData(ReasoningEffort.High, 31_999)]
    public void Plan_MapsEffortToABudget_OnBudgetModels(ReasoningEffort effort, int budget)
    {
        var plan = AnthropicThinking.Plan("claude-sonnet-4-5", 16_384, new ReasoningConfig { Effort = effort }, null, false);

        Assert.Equal(("enabled", budget, 16_384 + budget), (plan.Thinking?.Type, plan.Thinking?.BudgetTokens, plan.MaxTokens));
    }

    [Fact]
    public void Plan_KeepsTheBudgetUnderTheModelsOutputLimit()
    {
        // claude-opus-4-1 allows 32,000 output tokens in all.
        var plan = AnthropicThinking.Plan("claude-opus-4-1", 16_384, new ReasoningConfig { Effort = ReasoningEffort.High }, null, false);

        Assert.Equal((32_000, 32_000 - AnthropicThinking.MinimumBudget), (plan.MaxTokens, plan.Thinking?.BudgetTokens));
    }

    [Fact]
    public void Plan_WithABudget_UsesItOnModelsThatStillTakeOne_AndAdaptiveOnTheOthers()
    {
        var config = new ReasoningConfig { MaxThinkingTokens = 8_000 };

        var sonnet46 = AnthropicThinking.Plan("claude-sonnet-4-6", 16_384, config, null, false);
        var opus47 = AnthropicThinking.Plan("claude-opus-4-7", 16_384, config, null, false);

        Assert.Equal(("enabled", (int?)8_000), (sonnet46.Thinking?.Type, sonnet46.Thinking?.BudgetTokens));
        Assert.Equal(("adaptive", (int?)null), (opus47.Thinking?.Type, opus47.Thinking?.BudgetTokens));
    }

    [Fact]
    public void Plan_IsOff_ForAZeroBudget_EffortNone_AForcedToolChoice_OrAlwaysThinkingFalse()
    {
        Assert.False(AnthropicThinking.Plan("claude-sonnet-4-6", 16_384, new ReasoningConfig { MaxThinkingTokens = 0 }, null, false).IsOn);
        Assert.False(AnthropicThinking.Plan("claude-sonnet-4-6", 16_384, new ReasoningConfig { Effort = ReasoningEffort.None }, null, false).IsOn);
        Assert.False(AnthropicThinking.Plan("claude-sonnet-4-6", 16_384, new ReasoningConfig { Effort = ReasoningEffort.High }, null, true).IsOn);
        Assert.False(AnthropicThinking.Plan("claude-sonnet-4-6", 16_384, new ReasoningConfig { AlwaysThinking = false }, null, false).IsOn);
        Assert.True(AnthropicThinking.Plan("claude-sonnet-4-5", 16_384, new ReasoningConfig { AlwaysThinking = true }, null, false).IsOn);
    }

    [Fact]
    public void Plan_ARequestsOwnReasoningOptions_WinOverTheConfiguration()
    {
        var config = new ReasoningConfig { Effort = ReasoningEffort.High };

        var off = AnthropicThinking.Plan("claude-sonnet-4-6", 16_384, config, new ReasoningOptions { Effort = ReasoningEffort.None }, false);
        var low = AnthropicThinking.Plan("claude-sonnet-4-6", 16_384, null, new ReasoningOptions { Effort = ReasoningEffort.Low }, false);

        Assert.False(off.IsOn);
        Assert.Equal("low", low.OutputConfig?.Effort);
    }

    [Fact]
    public void Plan_Adaptive_KeepsAnOutputLimitTheRequestGave()
    {
        var config = new ReasoningConfig();

        var given = AnthropicThinking.Plan("claude-sonnet-4-6", 2_000, config, null, false, limitGiven: true);
        var defaulted = AnthropicThinking.Plan("claude-sonnet-4-6", 2_000, config, null, false);

        Assert.Equal((2_000, AnthropicThinking.AdaptiveMaxTokens), (given.MaxTokens, defaulted.MaxTokens));
    }

    [Fact]
    public void Plan_WithADisplay_SendsItInTheThinkingField_AdaptiveOrBudgeted()
    {
        var config = new ReasoningConfig { AlwaysThinking = true, Display = "omitted" };

        var adaptive = AnthropicThinking.Plan("claude-sonnet-4-6", 16_384, config, null, false);
        var budgeted = AnthropicThinking.Plan("claude-sonnet-4-5", 16_384, config, null, false);

        Assert.Equal(("adaptive", "omitted"), (adaptive.Thinking?.Type, adaptive.Thinking?.Display));
        Assert.Equal(("enabled", "omitted"), (budgeted.Thinking?.Type, budgeted.Thinking?.Display));
    }
}
