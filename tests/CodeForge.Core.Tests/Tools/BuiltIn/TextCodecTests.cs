using System.Text;
using CodeForge.Core.Tools.BuiltIn;

namespace CodeForge.Core.Tests.Tools.BuiltIn;

/// <summary>
/// The file tools' text codec: what Edit and Write keep of a file they did not mean to change (BOM, encoding, invalid
/// bytes, line endings) and how Read decides a file is binary.
/// </summary>
public sealed class TextCodecTests
{
    [Theory]
    [InlineData(new byte[] { 0xEF, 0xBB, 0xBF, 0x61 }, (int)TextEncodingKind.Utf8Bom, 3)]
    [InlineData(new byte[] { 0xFF, 0xFE, 0x00, 0x00, 0x61, 0, 0, 0 }, (int)TextEncodingKind.Utf32LittleEndian, 4)]
    [InlineData(new byte[] { 0xFF, 0xFE, 0x61, 0x00 }, (int)TextEncodingKind.Utf16LittleEndian, 2)]
    [InlineData(new byte[] { 0xFE, 0xFF, 0x00, 0x61 }, (int)TextEncodingKind.Utf16BigEndian, 2)]
    [InlineData(new byte[] { 0xEF, 0xBB }, (int)TextEncodingKind.Utf8, 0)]
    [InlineData(new byte[] { 0x61, 0xEF, 0xBB, 0xBF }, (int)TextEncodingKind.Utf8, 0)]
    [InlineData(new byte[0], (int)TextEncodingKind.Utf8, 0)]
    public void DetectBom_NamesTheEncodingAndTheBomLength(byte[] bytes, int kind, int bomLength)
    {
        Assert.Equal(((TextEncodingKind)kind, bomLength), TextCodec.DetectBom(bytes));
    }

    [Theory]
    [InlineData((int)TextEncodingKind.Utf8, new byte[] { 0x68, 0xC3, 0xA9, 0x0A })]
    [InlineData((int)TextEncodingKind.Utf8Bom, new byte[] { 0xEF, 0xBB, 0xBF, 0x68, 0xC3, 0xA9, 0x0A })]
    [InlineData((int)TextEncodingKind.Utf16LittleEndian, new byte[] { 0xFF, 0xFE, 0x68, 0x00, 0xE9, 0x00, 0x0A, 0x00 })]
    [InlineData((int)TextEncodingKind.Utf16BigEndian, new byte[] { 0xFE, 0xFF, 0x00, 0x68, 0x00, 0xE9, 0x00, 0x0A })]
    [InlineData((int)TextEncodingKind.Utf32LittleEndian, new byte[] { 0xFF, 0xFE, 0x00, 0x00, 0x68, 0, 0, 0, 0xE9, 0, 0, 0, 0x0A, 0, 0, 0 })]
    public void DecodeAndEncode_KeepTheEncodingAndItsBom(int kind, byte[] bytes)
    {
        var decoded = TextCodec.Decode(bytes);

        Assert.Equal("hé\n", decoded.Text);
        Assert.Equal((TextEncodingKind)kind, decoded.Encoding);
        Assert.False(decoded.HasInvalidBytes);
        Assert.Equal(bytes, TextCodec.Encode(decoded.Text, decoded.Encoding));
    }

    [Fact]
    public void Decode_InvalidUtf8_EscapesEachBadByteAndEncodeWritesItBack()
    {
        byte[] bytes = [0xFF, (byte)'a', 0xC3, (byte)'b', 0x80, 0xE2, 0x82];

        var decoded = TextCodec.Decode(bytes);

        Assert.True(decoded.HasInvalidBytes);
        Assert.Equal("\uDCFFa\uDCC3b\uDC80\uDCE2\uDC82", decoded.Text);
        Assert.Equal(bytes, TextCodec.Encode(decoded.Text, TextEncodingKind.Utf8));
        Assert.Equal("\uFFFDa\uFFFDb\uFFFD\uFFFD\uFFFD", TextCodec.ForDisplay(decoded.Text));
    }

    [Fact]
    public void Decode_InvalidBytesAfterABom_AreEscapedAndTheBomKept()
    {
        byte[] bytes = [0xEF, 0xBB, 0xBF, (byte)'x', 0xFE];

        var decoded = TextCodec.Decode(bytes);

        Assert.Equal(TextEncodingKind.Utf8Bom, decoded.Encoding);
        Assert.True(decoded.HasInvalidBytes);
        Assert.Equal("x\uDCFE", decoded.Text);
        Assert.Equal(bytes, TextCodec.Encode(decoded.Text, decoded.Encoding));
    }

    [Fact]
    public void Encode_ARealCharacterWhoseLowSurrogateLooksLikeAnEscape_IsWrittenAsThatCharacter()
    {
        // U+10080 is the pair D800 DC80: its low half is in the escape range but follows a high surrogate.
        var text = "\uD800\uDC80!";

        var bytes = TextCodec.Encode(text, TextEncodingKind.Utf8);

        Assert.Equal(Encoding.UTF8.GetBytes(text), bytes);
        Assert.Equal(text, TextCodec.Decode(bytes).Text);
        Assert.Equal(text, TextCodec.ForDisplay(text));
    }

    [Fact]
    public void Encode_NullText_Throws()
    {
        Assert.Throws<ArgumentNullException>(() => TextCodec.Encode(null!, TextEncodingKind.Utf8));
    }

    [Fact]
    public void ForDisplay_TextWithoutEscapes_IsReturnedAsIs()
    {
        const string text = "plain \uFFFD text";

        Assert.Same(text, TextCodec.ForDisplay(text));
    }

    [Theory]
    [InlineData(new byte[] { 0x61, 0x00, 0x62 }, true)]
    [InlineData(new byte[] { 0x00 }, true)]
    [InlineData(new byte[] { 0x61, 0x62 }, false)]
    [InlineData(new byte[0], false)]
    [InlineData(new byte[] { 0xFF, 0xFE, 0x61, 0x00 }, false)]
    [InlineData(new byte[] { 0xFE, 0xFF, 0x00, 0x61 }, false)]
    [InlineData(new byte[] { 0xFF, 0xFE, 0x00, 0x00, 0x61, 0x00, 0x00, 0x00 }, false)]
    [InlineData(new byte[] { 0xEF, 0xBB, 0xBF, 0x00 }, true)]
    public void LooksBinary_IsANulByteInABomLessOrUtf8Head(byte[] head, bool binary)
    {
        Assert.Equal(binary, TextCodec.LooksBinary(head));
    }

    [Fact]
    public void LooksBinary_LooksOnlyAtTheFirstSniffLengthBytes()
    {
        var head = new byte[TextCodec.BinarySniffLength + 1];
        head.AsSpan().Fill((byte)'a');

        head[^1] = 0;
        Assert.False(TextCodec.LooksBinary(head));

        head[^2] = 0;
        Assert.True(TextCodec.LooksBinary(head));
    }

    [Theory]
    [InlineData("", (int)LineEnding.Lf)]
    [InlineData("no newline", (int)LineEnding.Lf)]
    [InlineData("a\nb\n", (int)LineEnding.Lf)]
    [InlineData("a\r\nb\r\n", (int)LineEnding.CrLf)]
    [InlineData("a\r\nb\n", (int)LineEnding.Lf)]
    [InlineData("a\r\nb\r\nc\n", (int)LineEnding.CrLf)]
    [InlineData("\n\r\n\r\n", (int)LineEnding.CrLf)]
    [InlineData("\r\n", (int)LineEnding.CrLf)]
    [InlineData("\n", (int)LineEnding.Lf)]
    public void DetectLineEnding_IsCrLfOnlyWhenMoreLinesEndInCrLf(string text, int expected)
    {
        Assert.Equal((LineEnding)expected, TextCodec.DetectLineEnding(text));
    }

    [Theory]
    [InlineData("", "")]
    [InlineData("one line", "one line")]
    [InlineData("a\nb", "a\r\nb")]
    [InlineData("\n", "\r\n")]
    [InlineData("a\r\nb\nc\n", "a\r\nb\r\nc\r\n")]
    [InlineData("\r\n\n", "\r\n\r\n")]
    public void ToCrLf_TurnsEveryBareLfIntoCrLf(string text, string expected)
    {
        Assert.Equal(expected, TextCodec.ToCrLf(text));
    }

    [Fact]
    public void ToCrLf_TextWithoutNewlines_IsReturnedAsIs()
    {
        const string text = "no newline\r";

        Assert.Same(text, TextCodec.ToCrLf(text));
    }

    [Theory]
    [InlineData((int)TextEncodingKind.Utf16LittleEndian, new byte[] { 0x61, 0x00 })]
    [InlineData((int)TextEncodingKind.Utf16BigEndian, new byte[] { 0x00, 0x61 })]
    [InlineData((int)TextEncodingKind.Utf32LittleEndian, new byte[] { 0x61, 0x00, 0x00, 0x00 })]
    [InlineData((int)TextEncodingKind.Utf8, new byte[] { 0x61 })]
    [InlineData((int)TextEncodingKind.Utf8Bom, new byte[] { 0x61 })]
    public void DisplayEncoding_DecodesABomLessBody(int kind, byte[] body)
    {
        var encoding = TextCodec.DisplayEncoding((TextEncodingKind)kind);

        Assert.Equal("a", encoding.GetString(body));
        Assert.Empty(encoding.GetPreamble());
    }

    [Fact]
    public void DisplayEncoding_ReplacesInvalidUtf8()
    {
        Assert.Equal("a\uFFFD", TextCodec.DisplayEncoding(TextEncodingKind.Utf8).GetString([0x61, 0xFF]));
    }
}
