using System.Text;
using CodeForge.Core.Shells;

namespace CodeForge.Core.Tests.Shells;

/// <summary>OutputSanitizer: UTF-8 decoded across chunks, escape sequences removed, line breaks normalised, controls dropped and counted.</summary>
public sealed class OutputSanitizerTests
{
    private static string Clean(OutputSanitizer sanitizer, params string[] chunks)
    {
        var output = new StringBuilder();
        foreach (var chunk in chunks)
        {
            sanitizer.Feed(Encoding.UTF8.GetBytes(chunk), output);
        }
        sanitizer.Flush(output);
        return output.ToString();
    }

    private static string Clean(params string[] chunks) => Clean(new OutputSanitizer(), chunks);

    [Theory]
    [InlineData("plain text\n", "plain text\n")]
    [InlineData("a\tb\n", "a\tb\n")]
    [InlineData("a\r\nb\r\n", "a\nb\n")]
    [InlineData("a\rb", "a\nb")]
    [InlineData("a\r\r\nb", "a\n\nb")]
    [InlineData("a\r", "a\n")]
    [InlineData("a\r\u001b[0mb", "a\nb")]
    [InlineData("\u001b[31mred\u001b[0m plain", "red plain")]
    [InlineData("\u001b[1;2Hat\u001b[2Kx", "atx")]
    [InlineData("\u001b[?25lhidden\u001b[?25h", "hidden")]
    [InlineData("\u001b]0;title\u0007after", "after")]
    [InlineData("\u001b]0;title\u001b\\after", "after")]
    [InlineData("\u001b]0;a\u001bXb\u0007after", "after")] // ESC not followed by '\' stays inside the title
    [InlineData("\u001b=x", "x")] // a two-character escape: the character after ESC is dropped
    [InlineData("\u001b(Bx", "Bx")]
    [InlineData("a\0b\u0007c\bd\u007fe", "abcde")]
    public void CleanText_RemovesEscapesAndControlsAndNormalisesLineBreaks(string raw, string expected)
    {
        Assert.Equal(expected, OutputSanitizer.CleanText(raw));
        Assert.Equal(expected, Clean(raw));
    }

    [Fact]
    public void Feed_WhenALineBreakOrAnEscapeIsSplitAcrossChunks_CleansItAsOne()
    {
        Assert.Equal("a\nb", Clean("a\r", "\nb"));
        Assert.Equal("a\n\nb", Clean("a\r", "\r", "\nb"));
        Assert.Equal("ab", Clean("a\u001b", "[3", "1m", "b"));
        Assert.Equal("ab", Clean("a\u001b]0;ti", "tle\u001b", "\\b"));
    }

    [Fact]
    public void Feed_WhenAMultiByteCharIsSplitAcrossChunks_DecodesItWhole()
    {
        var sanitizer = new OutputSanitizer();
        var output = new StringBuilder();
        var bytes = Encoding.UTF8.GetBytes("é😀");

        foreach (var b in bytes)
        {
            sanitizer.Feed([b], output);
        }
        sanitizer.Flush(output);

        Assert.Equal("é😀", output.ToString());
        Assert.Equal(6, sanitizer.Bytes);
        Assert.Equal(3, sanitizer.Chars);
        Assert.Equal(0, sanitizer.NonTextChars);
        Assert.False(sanitizer.LooksBinary);
    }

    [Fact]
    public void Feed_WithInvalidUtf8_WritesReplacementCharsAndCountsThem()
    {
        var sanitizer = new OutputSanitizer();
        var output = new StringBuilder();

        sanitizer.Feed([(byte)'a', 0xFF, (byte)'b', 0xC3], output);
        sanitizer.Flush(output); // the truncated sequence at the end

        Assert.Equal("a\uFFFDb\uFFFD", output.ToString());
        Assert.Equal(2, sanitizer.NonTextChars);
        Assert.Equal(4, sanitizer.Chars);
        Assert.Equal(4, sanitizer.Bytes);
    }

    [Fact]
    public void Feed_CountsBytesNulBytesCharsAndNonTextChars()
    {
        var sanitizer = new OutputSanitizer();
        var output = new StringBuilder();

        sanitizer.Feed("ab\0\0\u0007\u001b[0m\n"u8, output);

        Assert.Equal("ab\n", output.ToString());
        Assert.Equal(10, sanitizer.Bytes);
        Assert.Equal(2, sanitizer.NulBytes);
        Assert.Equal(10, sanitizer.Chars);
        Assert.Equal(3, sanitizer.NonTextChars); // two NULs and the BEL; the escape sequence is not counted
        Assert.True(sanitizer.LooksBinary);
    }

    [Theory]
    [InlineData(16, 8, false)] // too short to judge
    [InlineData(17, 2, true)] // more than a tenth
    [InlineData(20, 2, false)] // exactly a tenth
    [InlineData(21, 2, false)]
    [InlineData(1000, 0, false)]
    public void LooksBinary_WithoutNulBytes_IsTrueOnlyForMoreThanATenthOfNonTextInMoreThan16Chars(int chars, int bells, bool expected)
    {
        var sanitizer = new OutputSanitizer();
        var output = new StringBuilder();

        sanitizer.Feed(Encoding.UTF8.GetBytes(new string('\u0007', bells) + new string('x', chars - bells)), output);

        Assert.Equal(chars, sanitizer.Chars);
        Assert.Equal(bells, sanitizer.NonTextChars);
        Assert.Equal(0, sanitizer.NulBytes);
        Assert.Equal(expected, sanitizer.LooksBinary);
    }

    [Fact]
    public void LooksBinary_WithOneNulByte_IsTrue()
    {
        var sanitizer = new OutputSanitizer();
        var output = new StringBuilder();

        sanitizer.Feed(Encoding.UTF8.GetBytes("a long line of ordinary text\0"), output);

        Assert.Equal(1, sanitizer.NulBytes);
        Assert.True(sanitizer.LooksBinary);
    }

    [Fact]
    public void FeedFlushAndCleanText_WithNull_Throw()
    {
        var sanitizer = new OutputSanitizer();

        Assert.Throws<ArgumentNullException>("output", () => sanitizer.Feed([1], null!));
        Assert.Throws<ArgumentNullException>("output", () => sanitizer.Flush(null!));
        Assert.Throws<ArgumentNullException>("text", () => OutputSanitizer.CleanText(null!));
    }

    [Fact]
    public void Flush_WithNothingPending_AddsNothing()
    {
        var sanitizer = new OutputSanitizer();
        var output = new StringBuilder("kept");

        sanitizer.Feed("x\n"u8, output);
        sanitizer.Flush(output);
        sanitizer.Flush(output);

        Assert.Equal("keptx\n", output.ToString());
    }
}
