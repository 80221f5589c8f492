using System.Text;
using CodeForge.Core.Tools.BuiltIn;
using static CodeForge.Core.Tests.Tools.BuiltIn.FileToolHarness;

namespace CodeForge.Core.Tests.Tools.BuiltIn;

public sealed class ReadToolTests : IDisposable
{
    private readonly FileToolHarness _h = new();

    public void Dispose() => _h.Dispose();

    [Fact]
    public async Task Read_ATextFile_NumbersLinesLikeCatN()
    {
        var path = _h.WriteFile("a.txt", "alpha\nbeta\n");

        var result = await _h.RunAsync("Read", Args(("file_path", path)));

        Assert.True(result.Success, result.Error);
        Assert.Equal("     1\talpha\n     2\tbeta", result.Output);
        Assert.Equal(2L, result.Metadata["total_lines"]);
        Assert.Equal(2L, result.Metadata["lines_read"]);
        Assert.Equal(false, result.Metadata["truncated"]);
    }

    [Fact]
    public async Task Read_WithOffsetAndLimit_ShowsThatWindowAndSaysHowToContinue()
    {
        var path = _h.WriteFile("a.txt", string.Join("\n", Enumerable.Range(1, 10).Select(i => $"line {i}")));

        var result = await _h.RunAsync("Read", Args(("file_path", path), ("offset", 4), ("limit", 3)));

        Assert.True(result.Success, result.Error);
        Assert.StartsWith("     4\tline 4\n     5\tline 5\n     6\tline 6\n", result.Output, StringComparison.Ordinal);
        Assert.Contains("Showing lines 4-6 of 10", result.Output, StringComparison.Ordinal);
        Assert.Contains("offset=7", result.Output, StringComparison.Ordinal);
        Assert.Equal(4L, result.Metadata["remaining_lines"]);
    }

    [Fact]
    public async Task Read_WithAnOffsetPastTheEnd_FailsNamingTheLineCount()
    {
        var path = _h.WriteFile("a.txt", "one\ntwo\n");

        var result = await _h.RunAsync("Read", Args(("file_path", path), ("offset", 5)));

        Assert.False(result.Success);
        Assert.Contains("has 2 lines", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_AVeryLongLine_CutsItWithAMarker()
    {
        var path = _h.WriteFile("long.txt", new string('x', 5000) + "\nshort\n");

        var result = await _h.RunAsync("Read", Args(("file_path", path)));

        Assert.True(result.Success, result.Error);
        var first = result.Output.Split('\n')[0];
        Assert.Equal("     1\t" + new string('x', ReadTool.MaxLineLength) + "… [line truncated: 5000 characters]", first);
        Assert.Contains("     2\tshort", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_CrLfFile_ShowsLinesWithoutCarriageReturns()
    {
        var path = _h.WriteFile("crlf.txt", "a\r\nb\r\n");

        var result = await _h.RunAsync("Read", Args(("file_path", path)));

        Assert.Equal("     1\ta\n     2\tb", result.Output);
    }

    [Fact]
    public async Task Read_InvalidUtf8_ShowsReplacementCharacters()
    {
        var path = _h.WriteBytes("bad.txt", [(byte)'o', (byte)'k', 0xFF, 0xFE, (byte)'!', (byte)'\n']);

        var result = await _h.RunAsync("Read", Args(("file_path", path)));

        Assert.True(result.Success, result.Error);
        Assert.Equal("     1\tok\uFFFD\uFFFD!", result.Output);
    }

    [Fact]
    public async Task Read_Utf8BomAndUtf16_DecodeWithoutTheBom()
    {
        var bom = _h.WriteBytes("bom.txt", [0xEF, 0xBB, 0xBF, .. "héllo\n"u8]);
        var utf16 = _h.WriteBytes("u16.txt", [0xFF, 0xFE, .. Encoding.Unicode.GetBytes("wide\ntext\n")]);

        var a = await _h.RunAsync("Read", Args(("file_path", bom)));
        var b = await _h.RunAsync("Read", Args(("file_path", utf16)));

        Assert.Equal("     1\théllo", a.Output);
        Assert.Equal("     1\twide\n     2\ttext", b.Output);
    }

    [Fact]
    public async Task Read_ABinaryFile_IsRefusedWithAClearMessage()
    {
        var path = _h.WriteBytes("blob.bin", [1, 2, 0, 3, 4]);

        var result = await _h.RunAsync("Read", Args(("file_path", path)));

        Assert.False(result.Success);
        Assert.Contains("binary file", result.Error, StringComparison.Ordinal);
        Assert.Null(_h.Tracker.Get(path));
    }

    [Fact]
    public async Task Read_AnImage_ReturnsItsBytesAndMediaTypeInMetadata()
    {
        byte[] png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 1, 2, 3];
        var path = _h.WriteBytes("pic.png", png);

        var result = await _h.RunAsync("Read", Args(("file_path", path)));

        Assert.True(result.Success, result.Error);
        Assert.StartsWith("[Image: image/png, 15 bytes]", result.Output, StringComparison.Ordinal);
        Assert.Equal(png, Assert.IsType<byte[]>(result.Metadata[ReadTool.ImageMetadataKey]));
        Assert.Equal("image/png", result.Metadata[ReadTool.MediaTypeMetadataKey]);
    }

    [Fact]
    public async Task Read_ADirectory_FailsPointingToGlob()
    {
        var result = await _h.RunAsync("Read", Args(("file_path", _h.Root)));

        Assert.False(result.Success);
        Assert.Contains("is a directory", result.Error, StringComparison.Ordinal);
        Assert.Contains("Glob", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_AMissingFile_FailsAndSuggestsASimilarName()
    {
        _h.WriteFile("Program.cs", "x");

        var result = await _h.RunAsync("Read", Args(("file_path", _h.PathOf("program.cs"))));

        Assert.False(result.Success);
        Assert.Contains("File does not exist", result.Error, StringComparison.Ordinal);
        Assert.Contains("Program.cs", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_ARelativePath_FailsAskingForAnAbsolutePath()
    {
        _h.WriteFile("a.txt", "x");

        var result = await _h.RunAsync("Read", Args(("file_path", "a.txt")));

        Assert.False(result.Success);
        Assert.Contains("must be an absolute path", result.Error, StringComparison.Ordinal);
        Assert.Contains(_h.PathOf("a.txt"), result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_OutsideTheAllowedDirectories_IsRefused()
    {
        var result = await _h.RunAsync("Read", Args(("file_path", "/etc/hostname")));

        Assert.False(result.Success);
        Assert.Contains("outside the allowed directories", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_ASymlinkThatEscapesTheWorkingDirectory_IsRefused()
    {
        File.CreateSymbolicLink(_h.PathOf("escape"), "/etc");

        var result = await _h.RunAsync("Read", Args(("file_path", _h.PathOf("escape/hostname"))));

        Assert.False(result.Success);
        Assert.Contains("resolves to /etc/hostname", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_DotDotThatLeavesTheWorkingDirectory_IsRefused()
    {
        var result = await _h.RunAsync("Read", Args(("file_path", _h.Root + "/../../etc/hostname")));

        Assert.False(result.Success);
        Assert.Contains("outside the allowed directories", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_ThroughASymlinkInside_ReadsAndRecordsTheTarget()
    {
        var target = _h.WriteFile("real.txt", "content\n");
        File.CreateSymbolicLink(_h.PathOf("link.txt"), target);

        var result = await _h.RunAsync("Read", Args(("file_path", _h.PathOf("link.txt"))));

        Assert.True(result.Success, result.Error);
        Assert.NotNull(_h.Tracker.Get(target));
    }

    [Fact]
    public async Task Read_InAnAdditionalDirectory_IsAllowed()
    {
        using var other = new FileToolHarness();
        var path = other.WriteFile("b.txt", "other\n");
        _h.Context = _h.Context with { AdditionalDirectories = [other.Root] };

        var result = await _h.RunAsync("Read", Args(("file_path", path)));

        Assert.True(result.Success, result.Error);
    }

    [Fact]
    public async Task Read_RecordsTheHashAndTimeOfWhatItRead()
    {
        var path = _h.WriteFile("a.txt", "abc");

        await _h.RunAsync("Read", Args(("file_path", path), ("limit", 1)));

        var seen = _h.Tracker.Get(path);
        Assert.NotNull(seen);
        Assert.True(seen.Matches("abc"u8));
        Assert.Equal(File.GetLastWriteTimeUtc(path), seen.LastWriteTimeUtc);
    }

    [Fact]
    public async Task Read_AHugeFile_ReturnsTheFirstLinesAndTheTotal()
    {
        var builder = new StringBuilder();
        for (var i = 1; i <= 300_000; i++)
        {
            builder.Append("line number ").Append(i).Append('\n');
        }
        var path = _h.WriteFile("huge.txt", builder.ToString());

        var result = await _h.RunAsync("Read", Args(("file_path", path)));

        Assert.True(result.Success, result.Error);
        Assert.Equal(300_000L, result.Metadata["total_lines"]);
        Assert.Equal((long)ReadTool.DefaultLimit, result.Metadata["lines_read"]);
        Assert.Contains("Use offset=2001", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_AnEmptyFile_SaysSo()
    {
        var path = _h.WriteFile("empty.txt", "");

        var result = await _h.RunAsync("Read", Args(("file_path", path)));

        Assert.True(result.Success);
        Assert.Contains("exists but is empty", result.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{}", "'file_path' is required")]
    [InlineData("{\"file_path\": 5}", "'file_path' must be a string")]
    [InlineData("{\"file_path\": \"/x\", \"limit\": \"ten\"}", "'limit' must be an integer")]
    [InlineData("{\"file_path\": \"/x\", \"limit\": 0}", "'limit' must be")]
    public async Task Read_WithBadArguments_FailsThroughTheExecutorsValidation(string json, string expected)
    {
        var result = await _h.RunAsync("Read", json);

        Assert.False(result.Success);
        Assert.Contains(expected, result.Error, StringComparison.Ordinal);
    }
}
