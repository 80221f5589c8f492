using CodeForge.Core.Tokens;

namespace CodeForge.Core.Tests.Tokens;

public sealed class EstimatingCounterTests
{
    private static readonly EstimatingCounter Estimate = EstimatingCounter.Instance;

    [Theory]
    [InlineData("", 0)]
    [InlineData("a", 1)]
    [InlineData("abcdefg", 2)]      // 7 / 3.5 = 2
    [InlineData("abcdefgh", 3)]     // 8 / 3.5 = 2.29, rounded up
    [InlineData("Москва", 2)]       // Cyrillic weighs like Latin: 6 / 3.5
    public void Count_WhenTextIsAlphabetic_IsCharactersOverThreeAndAHalfRoundedUp(string text, int expected)
    {
        Assert.Equal(expected, Estimate.Count(text));
    }

    [Theory]
    [InlineData("北京", 2)]
    [InlineData("東京タワー", 5)]
    [InlineData("🎉", 1)]           // one surrogate pair
    [InlineData("🎉🚀", 2)]
    [InlineData("ab北", 2)]         // 2/3.5 + 1 = 1.57, rounded up
    public void Count_WhenTextHasCjkOrAstralCharacters_CountsEachAsOneToken(string text, int expected)
    {
        Assert.Equal(expected, Estimate.Count(text));
    }

    [Fact]
    public void Count_WhenTextIsNull_ThrowsArgumentNull()
    {
        var ex = Assert.Throws<ArgumentNullException>(() => Estimate.Count(null!));
        Assert.Equal("text", ex.ParamName);
    }

    [Fact]
    public void Count_OnRealEnglishAndCode_ErrsHighByAtMostHalfAgainstO200k()
    {
        var output = TestContext.Current.TestOutputHelper;
        output?.WriteLine($"{"sample",-18} {"chars",6} {"o200k",6} {"estimate",8} {"error",7}");
        var errors = new List<double>();
        foreach (var (name, text) in TokenSamples.EnglishAndCode)
        {
            var exact = TiktokenCounter.O200kBase.Count(text);
            var estimate = Estimate.Count(text);
            var error = (double)estimate / exact - 1;
            errors.Add(error);
            output?.WriteLine($"{name,-18} {text.Length,6} {exact,6} {estimate,8} {error,7:P0}");

            Assert.InRange(error, 0.0, 0.5);
        }
        output?.WriteLine($"mean error {errors.Average():P0}");
        Assert.InRange(errors.Average(), 0.05, 0.35);
    }

    [Theory]
    [InlineData(TokenSamples.Chinese)]
    [InlineData(TokenSamples.Russian)]
    public void Count_OnNonEnglishText_ErrsHighByAtMostHalfAgainstO200k(string text)
    {
        var exact = TiktokenCounter.O200kBase.Count(text);
        var estimate = Estimate.Count(text);
        var error = (double)estimate / exact - 1;
        TestContext.Current.TestOutputHelper?.WriteLine($"{text.Length} chars: o200k {exact}, estimate {estimate}, error {error:P0}");

        Assert.InRange(error, 0.0, 0.5);
    }

    [Fact]
    public void CountMessages_UsesTheEstimateForEveryPart()
    {
        var messages = new[] { new Microsoft.Extensions.AI.ChatMessage(Microsoft.Extensions.AI.ChatRole.Assistant, "abcdefg") };

        // 3 + 4 + "assistant" (9 / 3.5 -> 3) + 2.
        Assert.Equal(12, Estimate.CountMessages(messages));
    }
}
