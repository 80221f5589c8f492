using CodeForge.Core.Shells;

namespace CodeForge.Core.Tests.Shells;

/// <summary>ShellOutput: emptiness, the combined text with its stderr header, and the skipped count of both streams.</summary>
public sealed class ShellOutputTests
{
    private static OutputSlice Slice(string text, long skipped = 0) => new(0, text, text.Length, skipped);

    [Theory]
    [InlineData("", "", true)]
    [InlineData("x", "", false)]
    [InlineData("", "x", false)]
    public void IsEmpty_IsTrueOnlyWhenBothStreamsAreEmpty(string stdout, string stderr, bool expected)
    {
        Assert.Equal(expected, new ShellOutput(Slice(stdout), Slice(stderr)).IsEmpty);
    }

    [Fact]
    public void Text_AddsStderrUnderAHeaderOnlyWhenThereIsSome()
    {
        Assert.Equal("out", new ShellOutput(Slice("out"), Slice("")).Text);
        Assert.Equal("out\n[stderr]\nerr", new ShellOutput(Slice("out"), Slice("err")).Text);
        Assert.Equal("\n[stderr]\nerr", new ShellOutput(Slice(""), Slice("err")).Text);
    }

    [Fact]
    public void SkippedChars_AddsBothStreams()
    {
        Assert.Equal(7, new ShellOutput(Slice("a", 3), Slice("b", 4)).SkippedChars);
    }
}
