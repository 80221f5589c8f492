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

    [Fact]
    public async Task Read_WithOffsetZero_StartsAtTheFirstLine()
    {
        var path = _h.WriteFile("a.txt", "one\ntwo\n");

        var result = await _h.RunAsync("Read", Args(("file_path", path), ("offset", 0)));

        Assert.True(result.Success, result.Error);
        Assert.Equal("     1\tone\n     2\ttwo", result.Output);
        Assert.Equal(1L, result.Metadata["start_line"]);
    }

    [Fact]
    public async Task Read_AWholeFile_ReportsWhereItStartedAndThatNothingRemains()
    {
        var path = _h.WriteFile("a.txt", "one\ntwo\nthree");

        var result = await _h.RunAsync("Read", Args(("file_path", path), ("offset", 2)));

        Assert.True(result.Success, result.Error);
        Assert.Equal("     2\ttwo\n     3\tthree", result.Output);
        Assert.Equal(2L, result.Metadata["lines_read"]);
        Assert.Equal(3L, result.Metadata["total_lines"]);
        Assert.Equal(2L, result.Metadata["start_line"]);
        Assert.Equal(0L, result.Metadata["remaining_lines"]);
        Assert.Equal(false, result.Metadata["truncated"]);
    }

    [Fact]
    public async Task Read_WithALimitOfOneLine_SaysOneLineInTheSingular()
    {
        var path = _h.WriteFile("a.txt", "one\ntwo\nthree\n");

        var result = await _h.RunAsync("Read", Args(("file_path", path), ("offset", 2), ("limit", 1)));

        Assert.True(result.Success, result.Error);
        Assert.Equal("     2\ttwo\n\n[Showing lines 2-2 of 3 (the limit is 1 line). Use offset=3 to read more.]", result.Output);
        Assert.Equal(1L, result.Metadata["lines_read"]);
        Assert.Equal(1L, result.Metadata["remaining_lines"]);
        Assert.Equal(true, result.Metadata["truncated"]);
    }

    [Fact]
    public async Task Read_WithALimitEndingOnTheLastLine_IsNotTruncated()
    {
        var path = _h.WriteFile("a.txt", "one\ntwo\nthree\n");

        var result = await _h.RunAsync("Read", Args(("file_path", path), ("offset", 2), ("limit", 2)));

        Assert.Equal("     2\ttwo\n     3\tthree", result.Output);
        Assert.Equal(false, result.Metadata["truncated"]);
    }

    [Fact]
    public async Task Read_WithALimitOfSeveralLines_SaysLinesInThePlural()
    {
        var path = _h.WriteFile("a.txt", "one\ntwo\nthree\n");

        var result = await _h.RunAsync("Read", Args(("file_path", path), ("limit", 2)));

        Assert.Equal("     1\tone\n     2\ttwo\n\n[Showing lines 1-2 of 3 (the limit is 2 lines). Use offset=3 to read more.]", result.Output);
    }

    [Fact]
    public async Task Read_AnOffsetPastTheEndOfAOneLineFile_SaysLineInTheSingularAndTheValidRange()
    {
        var path = _h.WriteFile("a.txt", "only");

        var result = await _h.RunAsync("Read", Args(("file_path", path), ("offset", 2)));

        Assert.False(result.Success);
        Assert.Equal($"offset 2 is past the end of {path}, which has 1 line. Use an offset between 1 and 1.", result.Error);
    }

    [Fact]
    public async Task Read_AnOffsetOnTheLastLine_ShowsIt()
    {
        var path = _h.WriteFile("a.txt", "one\ntwo\n");

        var result = await _h.RunAsync("Read", Args(("file_path", path), ("offset", 2)));

        Assert.True(result.Success, result.Error);
        Assert.Equal("     2\ttwo", result.Output);
    }

    [Fact]
    public async Task Read_LineNumbersAreRightAlignedInSixColumnsAndThenWiden()
    {
        var path = _h.WriteFile("a.txt", string.Concat(Enumerable.Range(1, 12).Select(i => $"{i}\n")));

        var result = await _h.RunAsync("Read", Args(("file_path", path), ("offset", 9), ("limit", 3)));

        Assert.StartsWith("     9\t9\n    10\t10\n    11\t11\n", result.Output, StringComparison.Ordinal);
        Assert.EndsWith("[Showing lines 9-11 of 12 (the limit is 3 lines). Use offset=12 to read more.]", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_ALineOfExactlyTheMaximumLength_IsNotCut()
    {
        var line = new string('y', ReadTool.MaxLineLength);
        var path = _h.WriteFile("a.txt", line + "\n" + line + "z\n");

        var result = await _h.RunAsync("Read", Args(("file_path", path)));

        Assert.Equal($"     1\t{line}\n     2\t{line}… [line truncated: 2001 characters]", result.Output);
    }

    [Fact]
    public async Task Read_ACutCrLfLine_ReportsItsLengthWithoutTheCarriageReturn()
    {
        // The '\r' of a cut line lies past the kept characters: it was once counted in the reported length.
        var line = new string('y', ReadTool.MaxLineLength);
        var path = _h.WriteFile("a.txt", line + "\r\n" + line + "z\r\nb\r\n");

        var result = await _h.RunAsync("Read", Args(("file_path", path)));

        Assert.Equal($"     1\t{line}\n     2\t{line}… [line truncated: 2001 characters]\n     3\tb", result.Output);
    }

    [Fact]
    public async Task Read_ALongLineAcrossReadChunks_IsCutOnceAndTheNextLineIsWhole()
    {
        var path = _h.WriteFile("a.txt", new string('q', 70_000) + "\nend\n");

        var result = await _h.RunAsync("Read", Args(("file_path", path)));

        Assert.Equal($"     1\t{new string('q', ReadTool.MaxLineLength)}… [line truncated: 70000 characters]\n     2\tend", result.Output);
    }

    [Fact]
    public async Task Read_ALastLineWithoutANewline_IsCounted()
    {
        var path = _h.WriteFile("a.txt", "a\n\nb");

        var result = await _h.RunAsync("Read", Args(("file_path", path)));

        Assert.Equal("     1\ta\n     2\t\n     3\tb", result.Output);
        Assert.Equal(3L, result.Metadata["total_lines"]);
    }

    [Fact]
    public async Task Read_WhenTheOutputLimitIsReached_StopsAtAWholeLineAndSaysWhy()
    {
        var path = _h.WriteFile("a.txt", "aaaa\nbbbb\ncccc\n");
        _h.Context = _h.Context with { MaxOutputSize = 24 };

        var result = await _h.RunAsync("Read", Args(("file_path", path)));

        Assert.True(result.Success, result.Error);
        Assert.Equal("     1\taaaa\n     2\tbbbb\n\n[Showing lines 1-2 of 3 (the output reached its 24-character limit). Use offset=3 to read more.]", result.Output);
        Assert.Equal(2L, result.Metadata["lines_read"]);
        Assert.Equal(1L, result.Metadata["remaining_lines"]);
        Assert.Equal(true, result.Metadata["truncated"]);
    }

    [Fact]
    public async Task Read_AFirstLineLongerThanTheOutputLimit_IsStillShown()
    {
        var path = _h.WriteFile("a.txt", "abcdefghij\nk\n");
        _h.Context = _h.Context with { MaxOutputSize = 5 };

        var result = await _h.RunAsync("Read", Args(("file_path", path)));

        Assert.Equal("     1\tabcdefghij\n\n[Showing lines 1-1 of 2 (the output reached its 5-character limit). Use offset=2 to read more.]", result.Output);
    }

    [Fact]
    public async Task Read_AnEmptyFile_SaysSoWithNoLines()
    {
        var path = _h.WriteFile("empty.txt", "");

        var result = await _h.RunAsync("Read", Args(("file_path", path), ("offset", 3)));

        Assert.True(result.Success, result.Error);
        Assert.Equal($"The file {path} exists but is empty.", result.Output);
        Assert.Equal(0L, result.Metadata["total_lines"]);
        Assert.Equal(0L, result.Metadata["lines_read"]);
        Assert.Equal(false, result.Metadata["truncated"]);
        Assert.NotNull(_h.Tracker.Get(path));
    }

    [Fact]
    public async Task Read_ABinaryFile_SaysItsSizeAndHowToInspectIt()
    {
        var path = _h.WriteBytes("blob.bin", [1, 2, 0, 3, 4]);

        var result = await _h.RunAsync("Read", Args(("file_path", path)));

        Assert.Equal($"Cannot read {path}: it is a binary file (5 bytes, with NUL bytes in its first 8192 bytes). Read shows text "
            + "files and PNG/JPEG/GIF/WebP images only; use Bash (e.g. file, xxd, strings) to inspect binary files.", result.Error);
    }

    [Fact]
    public async Task Read_APdf_SaysPdfReadingIsNotSupported()
    {
        var path = _h.WriteBytes("doc.pdf", [.. "%PDF-1.7\n"u8, 0, 1]);

        var result = await _h.RunAsync("Read", Args(("file_path", path)));

        Assert.False(result.Success);
        Assert.StartsWith($"Cannot read {path}: it is a PDF document (PDF reading is not supported) (11 bytes,", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_ANulByteAfterTheSniffedHead_IsReadAsText()
    {
        var path = _h.WriteBytes("late.txt", [.. Enumerable.Repeat((byte)'a', TextCodec.BinarySniffLength), (byte)'\n', 0, (byte)'\n']);

        var result = await _h.RunAsync("Read", Args(("file_path", path)));

        Assert.True(result.Success, result.Error);
        Assert.Equal(2L, result.Metadata["total_lines"]);
    }

    [Theory]
    [InlineData(new byte[] { 0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10 }, "image/jpeg")]
    [InlineData(new byte[] { 0x47, 0x49, 0x46, 0x38, 0x37, 0x61, 1, 0 }, "image/gif")]
    [InlineData(new byte[] { 0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 1, 0 }, "image/gif")]
    [InlineData(new byte[] { 0x52, 0x49, 0x46, 0x46, 4, 0, 0, 0, 0x57, 0x45, 0x42, 0x50, 0x56, 0x50 }, "image/webp")]
    public async Task Read_JpegGifAndWebpImages_AreReturnedAsImages(byte[] bytes, string mediaType)
    {
        var path = _h.WriteBytes("picture", bytes);

        var result = await _h.RunAsync("Read", Args(("file_path", path)));

        Assert.True(result.Success, result.Error);
        Assert.Equal($"[Image: {mediaType}, {bytes.Length} bytes] {path}", result.Output);
        Assert.Equal(mediaType, result.Metadata[ReadTool.MediaTypeMetadataKey]);
        Assert.Equal(bytes.Length, result.Metadata["bytes"]);
        Assert.True(_h.Tracker.Get(path)!.Matches(bytes));
    }

    [Theory]
    [InlineData(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A })]
    [InlineData(new byte[] { 0xFF, 0xD8, 0xFE })]
    [InlineData(new byte[] { 0x47, 0x49, 0x46, 0x38, 0x38, 0x61 })]
    [InlineData(new byte[] { 0x52, 0x49, 0x46, 0x46, 4, 0, 0, 0, 0x57, 0x41, 0x56, 0x45 })]
    [InlineData(new byte[] { 0x52, 0x49, 0x46, 0x46, 4, 0, 0, 0, 0x57, 0x45, 0x42 })]
    [InlineData(new byte[0])]
    public void ImageMediaType_OtherBytes_AreNoImage(byte[] head)
    {
        Assert.Null(ReadTool.ImageMediaType(head));
    }

    [Fact]
    public async Task Read_AnImageLargerThanTheMaximum_IsRefusedWithItsSize()
    {
        var bytes = new byte[ReadTool.MaxImageBytes + 1];
        ((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]).CopyTo(bytes);
        var path = _h.WriteBytes("big.png", bytes);

        var result = await _h.RunAsync("Read", Args(("file_path", path)));

        Assert.Equal($"{path} is a image/png image of 10485761 bytes, larger than the 10 MiB Read returns. "
            + "Resize it first (e.g. with ImageMagick through Bash).", result.Error);
        Assert.Null(_h.Tracker.Get(path));
    }

    [Fact]
    public async Task Read_AnImageOfExactlyTheMaximum_IsReturned()
    {
        var bytes = new byte[ReadTool.MaxImageBytes];
        ((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]).CopyTo(bytes);
        var path = _h.WriteBytes("max.jpg", bytes);

        var result = await _h.RunAsync("Read", Args(("file_path", path)));

        Assert.True(result.Success, result.Error);
        Assert.Equal(ReadTool.MaxImageBytes, Assert.IsType<byte[]>(result.Metadata[ReadTool.ImageMetadataKey]).Length);
    }

    [Fact]
    public async Task Read_ADirectory_NamesItAndTheGlobCallThatListsIt()
    {
        var result = await _h.RunAsync("Read", Args(("file_path", _h.Root)));

        Assert.Equal($"{_h.Root} is a directory, not a file. Use Glob (e.g. pattern \"*\" or \"**/*\" with path \"{_h.Root}\") to list its files.", result.Error);
    }

    [Fact]
    public async Task Read_AMissingFileWithNothingSimilar_SaysOnlyThatItDoesNotExist()
    {
        _h.WriteFile("other.txt", "x");

        var result = await _h.RunAsync("Read", Args(("file_path", _h.PathOf("missing.cs"))));

        Assert.Equal($"File does not exist: {_h.PathOf("missing.cs")}.", result.Error);
    }

    [Fact]
    public async Task Read_AMissingFile_SuggestsUpToThreeSimilarNamesInOrder()
    {
        foreach (var name in new[] { "Program.txt", "PROGRAM.md", "program", "Program.cs.bak", "Programs.cs", "Program.java" })
        {
            _h.WriteFile(name, "x");
        }

        var result = await _h.RunAsync("Read", Args(("file_path", _h.PathOf("Program.cs"))));

        Assert.Equal($"File does not exist: {_h.PathOf("Program.cs")}. Did you mean {_h.PathOf("PROGRAM.md")} or {_h.PathOf("Program.java")} or {_h.PathOf("Program.txt")}?",
            result.Error);
    }

    [Fact]
    public async Task Read_AFileInAMissingDirectory_SaysTheDirectoryIsMissingToo()
    {
        var path = _h.PathOf("nowhere/file.txt");

        var result = await _h.RunAsync("Read", Args(("file_path", path)));

        Assert.Equal($"File does not exist: {path}. Its directory {_h.PathOf("nowhere")} does not exist either.", result.Error);
    }
}
