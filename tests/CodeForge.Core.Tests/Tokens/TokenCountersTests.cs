using CodeForge.Core.Tokens;

namespace CodeForge.Core.Tests.Tokens;

public sealed class TokenCountersTests
{
    [Theory]
    [InlineData("gpt-4o")]
    [InlineData("gpt-4o-mini")]
    [InlineData("GPT-4o-2024-08-06")]
    [InlineData("chatgpt-4o-latest")]
    [InlineData("gpt-4.1")]
    [InlineData("gpt-4.1-nano")]
    [InlineData("gpt-4.5-preview")]
    [InlineData("gpt-5")]
    [InlineData("gpt-5.1-codex")]
    [InlineData("gpt-oss-120b")]
    [InlineData("o1")]
    [InlineData("o1-preview")]
    [InlineData("o3-mini")]
    [InlineData("o4-mini")]
    [InlineData("openai/gpt-4o")]
    [InlineData("openai/o3")]
    [InlineData("ft:gpt-4o-mini:acme::abc123")]
    [InlineData("  gpt-4o  ")]
    public void EncodingFor_WhenModelIsCurrentOpenAi_IsO200k(string model)
    {
        Assert.Equal(TiktokenEncoding.O200kBase, TokenCounters.EncodingFor(model));
    }

    [Theory]
    [InlineData("gpt-4")]
    [InlineData("gpt-4-turbo")]
    [InlineData("gpt-4-0613")]
    [InlineData("gpt-3.5-turbo")]
    [InlineData("gpt-35-turbo")]
    [InlineData("openai/gpt-4-32k")]
    [InlineData("text-embedding-3-small")]
    [InlineData("text-embedding-ada-002")]
    public void EncodingFor_WhenModelIsGpt4OrGpt35_IsCl100k(string model)
    {
        Assert.Equal(TiktokenEncoding.Cl100kBase, TokenCounters.EncodingFor(model));
    }

    [Theory]
    [InlineData("claude-sonnet-4-5")]
    [InlineData("claude-3-5-sonnet-20241022")]
    [InlineData("anthropic/claude-3.5-sonnet")]
    [InlineData("llama3.1:8b")]
    [InlineData("qwen2.5-coder:32b")]
    [InlineData("mistral-large-2407")]
    [InlineData("gemini-2.5-pro")]
    [InlineData("turbo-o1x")]
    [InlineData("solo3")]
    [InlineData("some-unknown-model")]
    public void EncodingFor_WhenModelHasNoPublicTokenizer_IsNull(string model)
    {
        Assert.Null(TokenCounters.EncodingFor(model));
        Assert.Same(EstimatingCounter.Instance, TokenCounters.Uncached(model));
    }

    [Fact]
    public void Uncached_ReturnsTheSharedTokenizerCounter()
    {
        Assert.Same(TiktokenCounter.O200kBase, TokenCounters.Uncached("gpt-4o"));
        Assert.Same(TiktokenCounter.Cl100kBase, TokenCounters.Uncached("gpt-4"));
    }

    [Fact]
    public void ForModel_ReturnsANewCacheOfOneThousandTextsEachCall()
    {
        var first = TokenCounters.ForModel("gpt-4o");
        var second = TokenCounters.ForModel("gpt-4o");

        Assert.NotSame(first, second);
        Assert.Equal(1000, first.Capacity);
        Assert.Equal(5, first.Count("hello world, tokens!"));
        Assert.Equal(0, second.GetStats().Misses);
    }

    [Fact]
    public void ForModel_WhenModelIsClaude_CachesTheEstimate()
    {
        var counter = TokenCounters.ForModel("claude-sonnet-4-5");

        Assert.Equal(EstimatingCounter.Instance.Count(TokenSamples.EnglishProse), counter.Count(TokenSamples.EnglishProse));
        Assert.Equal(1, counter.Size);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void ForModel_WhenModelIdIsBlank_ThrowsArgument(string model)
    {
        var ex = Assert.Throws<ArgumentException>(() => TokenCounters.ForModel(model));
        Assert.Equal("modelId", ex.ParamName);
    }

    [Fact]
    public void ForModel_WhenModelIdIsNull_ThrowsArgumentNull()
    {
        var ex = Assert.Throws<ArgumentNullException>(() => TokenCounters.ForModel(null!));
        Assert.Equal("modelId", ex.ParamName);
    }
}
