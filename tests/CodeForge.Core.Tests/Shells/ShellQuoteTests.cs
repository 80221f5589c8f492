using System.Diagnostics;
using CodeForge.Core.Shells;

namespace CodeForge.Core.Tests.Shells;

/// <summary>ShellQuote: safe words as they are, everything else single-quoted, and each word reaches a real sh verbatim.</summary>
public sealed class ShellQuoteTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void Quote_OfNull_ThrowsNamingTheWord()
    {
        Assert.Throws<ArgumentNullException>("word", () => ShellQuote.Quote(null!));
    }

    [Fact]
    public void Join_OfNull_ThrowsNamingTheWords()
    {
        Assert.Throws<ArgumentNullException>("words", () => ShellQuote.Join(null!));
    }

    [Fact]
    public void Join_WithANullWord_ThrowsNamingTheWord()
    {
        Assert.Throws<ArgumentNullException>("word", () => ShellQuote.Join(["a", null!]));
    }

    [Fact]
    public void Quote_OfAWordWithNul_ThrowsNamingTheWord()
    {
        var error = Assert.Throws<ArgumentException>("word", () => ShellQuote.Quote("a\0b"));
        Assert.StartsWith("A shell argument cannot contain a NUL character.", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("abcXYZ019")]
    [InlineData("/usr/bin/env")]
    [InlineData("a.b_c-d=e:f,g+h@i")]
    public void Quote_OfSafeCharactersOnly_ReturnsTheWordAsItIs(string word)
    {
        Assert.Equal(word, ShellQuote.Quote(word));
    }

    [Theory]
    [InlineData("", "''")]
    [InlineData("a b", "'a b'")]
    [InlineData("it's", "'it'\\''s'")]
    [InlineData("$HOME", "'$HOME'")]
    [InlineData("é", "'é'")]
    [InlineData("a*", "'a*'")]
    public void Quote_OfAnyOtherWord_SingleQuotesIt(string word, string expected)
    {
        Assert.Equal(expected, ShellQuote.Quote(word));
    }

    [Fact]
    public void Join_QuotesEachWordAndSeparatesThemWithOneSpace()
    {
        Assert.Equal("echo 'a b' '' c", ShellQuote.Join(["echo", "a b", "", "c"]));
        Assert.Equal("", ShellQuote.Join([]));
    }

    [Fact]
    public async Task Join_RunByARealShell_PassesEveryWordVerbatim()
    {
        string[] words = ["plain", "two words", "", "it's", "$HOME `id` $(id)", "back\\slash", "*", "new\nline", "tab\there", "ünï"];
        var info = new ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true, UseShellExecute = false };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add("printf '%s\\0' " + ShellQuote.Join(words));
        using var process = Process.Start(info)!;

        var output = await process.StandardOutput.ReadToEndAsync(Ct);
        await process.WaitForExitAsync(Ct);

        Assert.Equal(0, process.ExitCode);
        Assert.Equal(words, output.Split('\0')[..^1]);
    }
}
