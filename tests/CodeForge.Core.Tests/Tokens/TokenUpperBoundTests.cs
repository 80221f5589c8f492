using CodeForge.Core.Tokens;

namespace CodeForge.Core.Tests.Tokens;

public sealed class TokenUpperBoundTests
{
    [Theory]
    [InlineData("gpt-4o")]
    [InlineData("gpt-4")]
    public void For_ATiktokenModel_IsTheUtf8ByteCount(string model)
    {
        Assert.Same(TokenUpperBound.Utf8ByteBound.Instance, TokenUpperBound.For(TokenCounters.ForModel(model)));
    }

    [Fact]
    public void For_AnEstimatedModel_IsTheEstimatorItself()
    {
        Assert.Same(EstimatingCounter.Instance, TokenUpperBound.For(TokenCounters.ForModel("claude-sonnet-4-6")));
    }

    [Fact]
    public void For_AnUnknownCounter_IsThatCounter()
    {
        var counter = new LengthCounter();

        Assert.Same(counter, TokenUpperBound.For(counter));
    }

    [Fact]
    public void For_AContextWithoutAnExplicitBound_DerivesItFromTheCounter()
    {
        var context = new CodeForge.Core.Agent.ContextOptions(10_000, TokenCounters.ForModel("gpt-5"));

        Assert.Same(TokenUpperBound.Utf8ByteBound.Instance, context.UpperBoundCounter);
    }

    public static TheoryData<string> Texts() =>
    [
        TokenSamples.EnglishProse, TokenSamples.CSharpCode, TokenSamples.PythonCode, TokenSamples.Json, TokenSamples.Chinese,
        TokenSamples.Russian, "emoji 🎉🚀 and <|endoftext|> inside", "a", "",
    ];

    [Theory]
    [MemberData(nameof(Texts))]
    public void Utf8ByteBound_IsNeverBelowTheExactCount(string text)
    {
        foreach (var exact in new[] { TiktokenCounter.O200kBase, TiktokenCounter.Cl100kBase })
        {
            var bound = TokenUpperBound.Utf8ByteBound.Instance.Count(text);
            Assert.True(bound >= exact.Count(text), $"{exact}: bound {bound} < exact {exact.Count(text)} for '{text[..Math.Min(20, text.Length)]}'");
        }
    }
}
