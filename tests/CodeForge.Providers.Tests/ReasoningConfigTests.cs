using Microsoft.Extensions.AI;

namespace CodeForge.Providers.Tests;

public sealed class ReasoningConfigTests
{
    [Theory]
    [InlineData("low", ReasoningEffort.Low)]
    [InlineData("Medium", ReasoningEffort.Medium)]
    [InlineData(" high ", ReasoningEffort.High)]
    [InlineData("max", ReasoningEffort.ExtraHigh)]
    [InlineData("xhigh", ReasoningEffort.ExtraHigh)]
    [InlineData("off", ReasoningEffort.None)]
    public void ParseEffort_AcceptsTheNamesUsersWrite(string text, ReasoningEffort expected) =>
        Assert.Equal(expected, ReasoningConfig.ParseEffort(text));

    [Fact]
    public void ParseEffort_RejectsOtherText_NamingTheSourceAndTheChoices()
    {
        var ex = Assert.Throws<ArgumentException>(() => ReasoningConfig.ParseEffort("extreme", "--effort"));

        Assert.Contains("--effort", ex.Message, StringComparison.Ordinal);
        Assert.Contains("low, medium, high, max", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void From_TakesTheBudgetFromTheEnvironmentBeforeTheSettings()
    {
        var config = ReasoningConfig.From("medium", 5_000, true, name => name == "MAX_THINKING_TOKENS" ? "20000" : null);

        Assert.Equal(new ReasoningConfig { Effort = ReasoningEffort.Medium, MaxThinkingTokens = 20_000, AlwaysThinking = true }, config);
    }

    [Fact]
    public void From_WithABadEnvironmentBudget_SaysWhichVariable()
    {
        var ex = Assert.Throws<ArgumentException>(() => ReasoningConfig.From(null, null, null, _ => "lots"));

        Assert.Contains("MAX_THINKING_TOKENS", ex.Message, StringComparison.Ordinal);
        Assert.Contains("lots", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void From_WithAProblemReporter_ReportsABadValueAndKeepsTheRest()
    {
        var problems = new List<string>();

        var config = ReasoningConfig.From("high", 5_000, null, _ => "lots", problems.Add);

        Assert.Equal(new ReasoningConfig { Effort = ReasoningEffort.High, MaxThinkingTokens = 5_000 }, config);
        Assert.Contains("MAX_THINKING_TOKENS", Assert.Single(problems), StringComparison.Ordinal);
    }

    [Fact]
    public void From_WithNothingSet_IsTheDefault() =>
        Assert.Equal(new ReasoningConfig(), ReasoningConfig.From(null, null, null, _ => null));

    [Fact]
    public void WithThinkingMode_Disabled_TurnsThinkingOffOverAnEffort() =>
        Assert.Equal(0, new ReasoningConfig { Effort = ReasoningEffort.High }.WithThinkingMode("disabled").MaxThinkingTokens);

    [Fact]
    public void WithThinkingMode_Adaptive_TurnsThinkingOnOverSettingsThatTurnedItOff()
    {
        var config = new ReasoningConfig { MaxThinkingTokens = 0, Effort = ReasoningEffort.None, AlwaysThinking = false }.WithThinkingMode("adaptive", "summarized");

        Assert.Equal(new ReasoningConfig { AlwaysThinking = true, Display = "summarized" }, config);
    }

    [Fact]
    public void WithThinkingMode_Adaptive_KeepsABudgetOrEffortThatAsksForThinking()
    {
        var config = new ReasoningConfig { MaxThinkingTokens = 5_000, Effort = ReasoningEffort.Low }.WithThinkingMode("adaptive");

        Assert.Equal(new ReasoningConfig { MaxThinkingTokens = 5_000, Effort = ReasoningEffort.Low, AlwaysThinking = true }, config);
    }

    [Fact]
    public void WithThinkingMode_AnUnknownMode_IsRefusedNamingTheFlag() =>
        Assert.Contains("--thinking", Assert.Throws<ArgumentException>(() => new ReasoningConfig().WithThinkingMode("sometimes")).Message, StringComparison.Ordinal);
}
