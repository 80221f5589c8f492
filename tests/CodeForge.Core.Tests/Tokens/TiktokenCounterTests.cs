using CodeForge.Core.Tokens;

namespace CodeForge.Core.Tests.Tokens;

public sealed class TiktokenCounterTests
{
    private static readonly TiktokenCounter O200k = TiktokenCounter.O200kBase;
    private static readonly TiktokenCounter Cl100k = TiktokenCounter.Cl100kBase;

    [Fact]
    public void Count_WhenTextIsHelloWorldTokens_IsFiveInO200k()
    {
        Assert.Equal(5, O200k.Count("hello world, tokens!"));
    }

    [Fact]
    public void Count_WhenTextIsHelloWorldTokens_IsFiveInCl100k()
    {
        Assert.Equal(5, Cl100k.Count("hello world, tokens!"));
    }

    [Fact]
    public void Count_WhenTextDiffersBetweenEncodings_UsesItsOwnEncoding()
    {
        // o200k merges more of this text than cl100k does: the two encodings really differ.
        Assert.True(O200k.Count(TokenSamples.Chinese) < Cl100k.Count(TokenSamples.Chinese));
    }

    [Fact]
    public void Count_WhenTextIsEmpty_IsZero()
    {
        Assert.Equal(0, O200k.Count(""));
        Assert.Equal(0, Cl100k.Count(""));
    }

    [Fact]
    public void Count_WhenTextIsNull_ThrowsArgumentNull()
    {
        var ex = Assert.Throws<ArgumentNullException>(() => O200k.Count(null!));
        Assert.Equal("text", ex.ParamName);
    }

    [Theory]
    [InlineData("<|endoftext|>")]
    [InlineData("<|endofprompt|>")]
    public void Count_WhenTextIsASpecialToken_CountsItAsPlainTextInO200k(string special)
    {
        // Plain-text pre-tokenization splits "<|endoftext|>" into "<|", "endoftext" and "|>"; none is special.
        var inner = special[2..^2];
        var plain = O200k.Count("<|") + O200k.Count(inner) + O200k.Count("|>");

        Assert.Equal(plain, O200k.Count(special));
        Assert.True(plain > 1, $"{special} counted as one special token");
    }

    [Theory]
    [InlineData("<|endoftext|>")]
    [InlineData("<|fim_prefix|>")]
    [InlineData("<|endofprompt|>")]
    public void Count_WhenTextIsASpecialToken_CountsItAsPlainTextInCl100k(string special)
    {
        var inner = special[2..^2];
        var plain = Cl100k.Count("<|") + Cl100k.Count(inner) + Cl100k.Count("|>");

        Assert.Equal(plain, Cl100k.Count(special));
    }

    [Fact]
    public void Count_WhenSpecialTokenIsInsideText_CountsTheWholeTextAsPlainText()
    {
        // Letters on both sides of the special token keep the pre-tokenization pieces apart, so the parts add up.
        const string text = "Document one ends here<|endoftext|>Document two starts here.";

        var count = O200k.Count(text);

        Assert.Equal(O200k.CountOrdinary(text), count);
        Assert.Equal(O200k.Count("Document one ends here") + O200k.Count("<|endoftext|>") + O200k.Count("Document two starts here."), count);
    }

    [Fact]
    public void CountOrdinary_WhenTextHasNoSpecialToken_AgreesWithTheTokenizer()
    {
        // The plain-text path re-implements tiktoken's pre-tokenization patterns: it must split exactly as the library does.
        var texts = TokenSamples.EnglishAndCode.Select(s => s.Text)
            .Concat([TokenSamples.Chinese, TokenSamples.Russian, "I'M HERE, they'RE there!\r\n\r\n  indented\t\ttabs 12345678 x/y\n\n/", "emoji 🎉🚀 ok <| not special |>"]);
        foreach (var text in texts)
        {
            Assert.Equal(O200k.Count(text), O200k.CountOrdinary(text));
            Assert.Equal(Cl100k.Count(text), Cl100k.CountOrdinary(text));
        }
    }

    [Fact]
    public void For_ReturnsTheSharedInstanceOfEachEncoding()
    {
        Assert.Same(TiktokenCounter.O200kBase, TiktokenCounter.For(TiktokenEncoding.O200kBase));
        Assert.Same(TiktokenCounter.Cl100kBase, TiktokenCounter.For(TiktokenEncoding.Cl100kBase));
        Assert.Equal(TiktokenEncoding.O200kBase, TiktokenCounter.O200kBase.Encoding);
        Assert.Equal(TiktokenEncoding.Cl100kBase, TiktokenCounter.Cl100kBase.Encoding);
    }

    [Fact]
    public void For_WhenEncodingIsUndefined_ThrowsArgumentOutOfRange()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => TiktokenCounter.For((TiktokenEncoding)42));
        Assert.Equal("encoding", ex.ParamName);
    }

    [Fact]
    public void CountMessages_CountsWithTheOverheadsOfChatMessageTokens()
    {
        var messages = new[] { new Microsoft.Extensions.AI.ChatMessage(Microsoft.Extensions.AI.ChatRole.User, "hello world, tokens!") };

        // 3 reply priming + 4 per message + "user" (1) + 5.
        Assert.Equal(13, O200k.CountMessages(messages));
    }
}
