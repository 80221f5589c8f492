namespace CodeForge.Providers.Tests;

public sealed class ModelCatalogTests
{
    [Theory]
    [InlineData("claude-sonnet-4-6", "claude-sonnet-4-6")]
    [InlineData("CLAUDE-SONNET-4-6", "claude-sonnet-4-6")]
    [InlineData("claude-haiku-4-5-20251001", "claude-haiku-4-5")]
    [InlineData("gpt-4o-2024-08-06", "gpt-4o")]
    [InlineData("gpt-4o-mini-2024-07-18", "gpt-4o-mini")]
    [InlineData("openai/gpt-5.4", "gpt-5.4")]
    [InlineData("o4-mini-2025-04-16", "o4-mini")]
    public void Find_ExactDatedOrRoutedIds_FindTheBaseModel(string id, string expected)
    {
        Assert.Equal(expected, ModelCatalog.Find(id)?.Id);
    }

    [Theory]
    [InlineData("gpt-4o-audio-preview")]
    [InlineData("claude-sonnet-4-60")]
    [InlineData("llama3.2")]
    [InlineData("")]
    public void Find_UnknownOrMerelySimilarIds_FindNothing(string id)
    {
        Assert.Null(ModelCatalog.Find(id));
    }

    [Fact]
    public void FindAlias_IsCaseInsensitive_AndUnknownAliasesAreNull()
    {
        Assert.Equal("claude-opus-5-5", ModelCatalog.FindAlias(" Opus ")?.ModelId);
        Assert.Null(ModelCatalog.FindAlias("gemini"));
    }

    [Fact]
    public void EveryAlias_PointsAtACatalogModelOfTheSameProvider()
    {
        Assert.All(ModelCatalog.Aliases, alias =>
        {
            var model = ModelCatalog.Find(alias.ModelId);
            Assert.NotNull(model);
            Assert.Equal(alias.Provider, model.Provider);
            Assert.Equal(alias.ModelId, model.Id);
        });
    }

    [Fact]
    public void EveryModel_HasAPlausibleWindowAndPrice()
    {
        Assert.All(ModelCatalog.Models, model =>
        {
            Assert.InRange(model.MaxOutputTokens, 1, model.ContextWindow);
            Assert.NotNull(model.Price);
            Assert.True(model.Price.CachedInputPerMTok < model.Price.InputPerMTok, model.Id);
            Assert.True(model.Price.OutputPerMTok > model.Price.InputPerMTok, model.Id);
        });
        Assert.Equal(ModelCatalog.Models.Count, ModelCatalog.Models.Select(m => m.Id).Distinct(StringComparer.OrdinalIgnoreCase).Count());
    }

    [Fact]
    public void DefaultModel_IsSonnetForAnthropicGptForOpenAIAndNoneForCompatibleServers()
    {
        Assert.Equal(ModelCatalog.FindAlias("sonnet")!.ModelId, ModelCatalog.DefaultModel(ProviderKind.Anthropic));
        Assert.Equal(ModelCatalog.FindAlias("gpt")!.ModelId, ModelCatalog.DefaultModel(ProviderKind.OpenAI));
        Assert.Equal("llama3.2", ModelCatalog.DefaultModel(ProviderKind.Ollama));
        Assert.Null(ModelCatalog.DefaultModel(ProviderKind.OpenAICompatible));
    }

    [Fact]
    public void Cost_ChargesUncachedCachedCacheWriteAndOutputTokensAtTheirOwnRates()
    {
        var price = new ModelPrice(InputPerMTok: 3m, OutputPerMTok: 15m, CachedInputPerMTok: 0.30m, CacheWritePerMTok: 3.75m);

        // 1,000,000 prompt tokens of which 200,000 cache reads and 100,000 cache writes; 50,000 output.
        var cost = price.Cost(inputTokens: 1_000_000, outputTokens: 50_000, cachedInputTokens: 200_000, cacheWriteTokens: 100_000);

        Assert.Equal(0.7m * 3m + 0.2m * 0.30m + 0.1m * 3.75m + 0.05m * 15m, cost);
    }

    [Fact]
    public void Cost_WithoutACacheWritePrice_ChargesWritesAsInput_AndFreeIsFree()
    {
        var price = new ModelPrice(2m, 8m, 0.5m);

        Assert.Equal(2m * 0.001m, price.Cost(1_000, 0, 0, 1_000));
        Assert.Equal(0m, ModelPrice.Free.Cost(1_000_000, 1_000_000, 10, 10));
    }

    [Theory]
    [InlineData("claude-opus-5-5", "claude-opus-5-5", 4, 20)]
    [InlineData("claude-opus-5-20260101", "claude-opus-5", 5, 25)]
    [InlineData("claude-sonnet-5-5", "claude-sonnet-5-5", 2, 10)]
    [InlineData("claude-haiku-5-5", "claude-haiku-5-5", 0.1, 0.5)]
    [InlineData("claude-fable-5-2", "claude-fable-5-2", 8, 40)]
    [InlineData("claude-fable-5-1", "claude-fable-5-1", 10, 50)]
    [InlineData("claude-opus-4-8", "claude-opus-4-8", 5, 25)]
    public void Find_ClaudeFiveFamilyModels_HaveClaudeCodesWindowOutputAndPrices(string id, string expected, double input, double output)
    {
        var model = ModelCatalog.Find(id);
        Assert.NotNull(model);
        Assert.Equal(expected, model.Id);
        Assert.Equal(1_000_000, model.ContextWindow);
        Assert.Equal(128_000, model.MaxOutputTokens);
        Assert.Equal((decimal)input, model.Price!.InputPerMTok);
        Assert.Equal((decimal)output, model.Price.OutputPerMTok);
    }
}
