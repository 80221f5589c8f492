using System.Text;
using static CodeForge.Core.Tests.Tools.BuiltIn.FileToolHarness;

namespace CodeForge.Core.Tests.Tools.BuiltIn;

public sealed class EditToolTests : IDisposable
{
    private readonly FileToolHarness _h = new();

    public void Dispose() => _h.Dispose();

    private async Task<string> ReadFirstAsync(string relative, string content)
    {
        var path = _h.WriteFile(relative, content);
        var read = await _h.RunAsync("Read", Args(("file_path", path)));
        Assert.True(read.Success, read.Error);
        return path;
    }

    private Task<CodeForge.Core.Tools.ToolResult> EditAsync(string path, string oldString, string newString, bool? replaceAll = null) =>
        _h.RunAsync("Edit", replaceAll is null
            ? Args(("file_path", path), ("old_string", oldString), ("new_string", newString))
            : Args(("file_path", path), ("old_string", oldString), ("new_string", newString), ("replace_all", replaceAll.Value)));

    [Fact]
    public async Task Edit_AUniqueString_ReplacesItAndReturnsAUnifiedDiff()
    {
        var path = await ReadFirstAsync("a.txt", "one\ntwo\nthree\n");

        var result = await EditAsync(path, "two", "TWO");

        Assert.True(result.Success, result.Error);
        Assert.Equal("one\nTWO\nthree\n", TextOf(path));
        Assert.Contains($"--- {path}\n+++ {path}\n@@ -1,3 +1,3 @@\n one\n-two\n+TWO\n three", result.Output, StringComparison.Ordinal);
        Assert.Equal(1, result.Metadata["replacements"]);
    }

    [Fact]
    public async Task Edit_WithoutARead_IsRefused()
    {
        var path = _h.WriteFile("a.txt", "one");

        var result = await EditAsync(path, "one", "two");

        Assert.False(result.Success);
        Assert.Contains("has not been read", result.Error, StringComparison.Ordinal);
        Assert.Equal("one", TextOf(path));
    }

    [Fact]
    public async Task Edit_WhenItsOldStringChangedOnDiskAfterRead_IsRefusedAsStale()
    {
        var path = await ReadFirstAsync("a.txt", "one\n");
        Overwrite(path, "ONE\nexternal\n");

        var result = await EditAsync(path, "one", "uno");

        Assert.False(result.Success);
        Assert.Contains("has changed on disk since you last read it", result.Error, StringComparison.Ordinal);
        Assert.Contains("old_string is no longer found exactly once", result.Error, StringComparison.Ordinal);
        Assert.Equal("ONE\nexternal\n", TextOf(path));
    }

    [Fact]
    public async Task Edit_WhenAnotherPartChangedOnDiskAfterRead_IsAppliedToTheCurrentContentAndSaysSo()
    {
        var path = await ReadFirstAsync("a.txt", "one\ntwo\n");
        Overwrite(path, "one\ntwo\nexternal\n");

        var result = await EditAsync(path, "one", "uno");

        Assert.True(result.Success, result.Error);
        Assert.Equal("uno\ntwo\nexternal\n", TextOf(path));
        Assert.Contains("had changed on disk since you last read it", result.Output, StringComparison.Ordinal);
        Assert.Equal(true, result.Metadata["changed_on_disk"]);
    }

    [Fact]
    public async Task Edit_OnAnUnchangedFile_DoesNotSayItChanged()
    {
        var path = await ReadFirstAsync("a.txt", "one\n");

        var result = await EditAsync(path, "one", "uno");

        Assert.True(result.Success, result.Error);
        Assert.DoesNotContain("had changed on disk", result.Output, StringComparison.Ordinal);
        Assert.Equal(false, result.Metadata["changed_on_disk"]);
    }

    [Fact]
    public async Task Edit_WhenTheFileChangedAndOldStringIsNoLongerUnique_IsRefusedAsStale()
    {
        var path = await ReadFirstAsync("a.txt", "one\n");
        Overwrite(path, "one\none\n");

        var result = await EditAsync(path, "one", "uno");

        Assert.False(result.Success);
        Assert.Contains("has changed on disk since you last read it", result.Error, StringComparison.Ordinal);
        Assert.Equal("one\none\n", TextOf(path));
    }

    [Fact]
    public async Task Edit_ReplaceAllOnAChangedFile_IsRefusedAsStale()
    {
        var path = await ReadFirstAsync("a.txt", "x y x\n");
        Overwrite(path, "x y x x\n");

        var result = await EditAsync(path, "x", "z", replaceAll: true);

        Assert.False(result.Success);
        Assert.Contains("has changed on disk since you last read it", result.Error, StringComparison.Ordinal);
        Assert.Contains("replace_all", result.Error, StringComparison.Ordinal);
        Assert.Equal("x y x x\n", TextOf(path));
    }

    [Fact]
    public async Task Edit_AppliedToAChangedFile_LeavesAWholeFileWriteNeedingAFreshRead()
    {
        var path = await ReadFirstAsync("a.txt", "one\ntwo\n");
        Overwrite(path, "one\ntwo\nexternal\n");
        Assert.True((await EditAsync(path, "one", "uno")).Success);

        var write = await _h.RunAsync("Write", Args(("file_path", path), ("content", "mine\n")));

        Assert.False(write.Success);
        Assert.Contains("has changed on disk since you last read it", write.Error, StringComparison.Ordinal);
        Assert.Equal("uno\ntwo\nexternal\n", TextOf(path));
        Assert.True((await EditAsync(path, "two", "dos")).Success);
        Assert.Equal("uno\ndos\nexternal\n", TextOf(path));
    }

    [Fact]
    public async Task Edit_LeavesTheTemporaryFileOfAWriterThatIsStillRunningAlone()
    {
        var path = await ReadFirstAsync("a.txt", "one\n");
        var live = _h.WriteFile($".a.txt.{Environment.ProcessId}.{Guid.NewGuid():N}.forge-tmp", "being written");

        var result = await EditAsync(path, "one", "uno");

        Assert.True(result.Success, result.Error);
        Assert.True(File.Exists(live));
    }

    [Fact]
    public async Task Edit_WhenADeadWriterLeftATemporaryFile_DeletesItAndLeavesOtherFilesAlone()
    {
        // int.MaxValue is above any pid_max, so no process has it: the writer of that file is dead.
        var path = await ReadFirstAsync("a.txt", "one\n");
        var stray = _h.WriteFile($".a.txt.{int.MaxValue}.{Guid.NewGuid():N}.forge-tmp", "half written");
        var otherFiles = _h.WriteFile($".b.txt.{int.MaxValue}.{Guid.NewGuid():N}.forge-tmp", "another file's");
        var notOurs = _h.WriteFile(".a.txt.backup.forge-tmp", "not a forge temporary name");

        var result = await EditAsync(path, "one", "uno");

        Assert.True(result.Success, result.Error);
        Assert.False(File.Exists(stray));
        Assert.True(File.Exists(otherFiles));
        Assert.True(File.Exists(notOurs));
        Assert.Equal(new[] { "a.txt", Path.GetFileName(notOurs), Path.GetFileName(otherFiles) }.Order(StringComparer.Ordinal),
            Directory.EnumerateFileSystemEntries(_h.Root).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Edit_TwiceInARow_NeedsNoSecondRead()
    {
        var path = await ReadFirstAsync("a.txt", "a b c");

        Assert.True((await EditAsync(path, "a", "A")).Success);
        Assert.True((await EditAsync(path, "b", "B")).Success);

        Assert.Equal("A B c", TextOf(path));
    }

    [Fact]
    public async Task Edit_WhenNotFound_ShowsTheClosestLines()
    {
        var path = await ReadFirstAsync("a.cs", "class A\n{\n    int Value = 1;\n}\n");

        var result = await EditAsync(path, "int  Value = 2;", "x");

        Assert.False(result.Success);
        Assert.Contains("old_string was not found", result.Error, StringComparison.Ordinal);
        Assert.Contains("     3\t    int Value = 1;", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Edit_WhenOnlyWhitespaceDiffers_SaysSo()
    {
        var path = await ReadFirstAsync("a.py", "def f():\n\treturn 1\n");

        var result = await EditAsync(path, "def f():\n    return 1", "x");

        Assert.False(result.Success);
        Assert.Contains("matches if whitespace is ignored", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Edit_WhenNotUnique_ListsTheMatchingLinesAndChangesNothing()
    {
        var path = await ReadFirstAsync("a.txt", "x = 1\ny = 2\nx = 1\n");

        var result = await EditAsync(path, "x = 1", "x = 3");

        Assert.False(result.Success);
        Assert.Contains("matches 2 places", result.Error, StringComparison.Ordinal);
        Assert.Contains("lines 1, 3", result.Error, StringComparison.Ordinal);
        Assert.Contains("replace_all", result.Error, StringComparison.Ordinal);
        Assert.Equal("x = 1\ny = 2\nx = 1\n", TextOf(path));
    }

    [Fact]
    public async Task Edit_WithReplaceAll_ReplacesEveryOccurrence()
    {
        var path = await ReadFirstAsync("a.txt", "x = 1\ny = 2\nx = 1\n");

        var result = await EditAsync(path, "x = 1", "x = 3", replaceAll: true);

        Assert.True(result.Success, result.Error);
        Assert.Equal("x = 3\ny = 2\nx = 3\n", TextOf(path));
        Assert.Equal(2, result.Metadata["replacements"]);
    }

    [Fact]
    public async Task Edit_WithIdenticalStrings_Fails()
    {
        var path = await ReadFirstAsync("a.txt", "same");

        var result = await EditAsync(path, "same", "same");

        Assert.False(result.Success);
        Assert.Contains("identical", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Edit_CrLfFile_StaysCrLfWhenTheModelSendsLf()
    {
        var path = await ReadFirstAsync("w.txt", "a\r\nb\r\nc\r\n");

        var result = await EditAsync(path, "a\nb", "a\nB\nb2");

        Assert.True(result.Success, result.Error);
        Assert.Equal("a\r\nB\r\nb2\r\nc\r\n", TextOf(path));
        Assert.DoesNotContain("\r", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Edit_KeepsTheUtf8Bom()
    {
        var path = _h.WriteBytes("bom.txt", [0xEF, 0xBB, 0xBF, .. "key=old\n"u8]);
        await _h.RunAsync("Read", Args(("file_path", path)));

        var result = await EditAsync(path, "old", "new");

        Assert.True(result.Success, result.Error);
        Assert.Equal([0xEF, 0xBB, 0xBF, .. "key=new\n"u8], BytesOf(path));
    }

    [Fact]
    public async Task Edit_KeepsUtf16Encoding()
    {
        var path = _h.WriteBytes("u16.txt", [0xFE, 0xFF, .. Encoding.BigEndianUnicode.GetBytes("héllo wörld\n")]);
        await _h.RunAsync("Read", Args(("file_path", path)));

        var result = await EditAsync(path, "wörld", "world");

        Assert.True(result.Success, result.Error);
        Assert.Equal([0xFE, 0xFF, .. Encoding.BigEndianUnicode.GetBytes("héllo world\n")], BytesOf(path));
    }

    [Fact]
    public async Task Edit_InvalidUtf8_KeepsTheInvalidBytesItDidNotTouch()
    {
        byte[] content = [.. "latin1: caf"u8, 0xE9, .. "\nchange me\n"u8, 0xC3];
        var path = _h.WriteBytes("bad.txt", content);
        await _h.RunAsync("Read", Args(("file_path", path)));

        var result = await EditAsync(path, "change me", "changed");

        Assert.True(result.Success, result.Error);
        Assert.Equal([.. "latin1: caf"u8, 0xE9, .. "\nchanged\n"u8, 0xC3], BytesOf(path));
    }

    [Fact]
    public async Task Edit_ABinaryFile_IsRefused()
    {
        var path = _h.WriteBytes("b.bin", [0, 1, 2]);

        var result = await EditAsync(path, "a", "b");

        Assert.False(result.Success);
        Assert.Contains("binary", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Edit_AMissingFileWithEmptyOldString_CreatesIt()
    {
        var path = _h.PathOf("new/file.txt");

        var result = await EditAsync(path, "", "fresh\n");

        Assert.True(result.Success, result.Error);
        Assert.Equal("fresh\n", TextOf(path));
    }

    [Fact]
    public async Task Edit_AMissingFile_FailsSayingItDoesNotExist()
    {
        var result = await EditAsync(_h.PathOf("nope.txt"), "a", "b");

        Assert.False(result.Success);
        Assert.Contains("File does not exist", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Edit_EmptyOldStringOnAFileWithContent_Fails()
    {
        var path = await ReadFirstAsync("a.txt", "content");

        var result = await EditAsync(path, "", "x");

        Assert.False(result.Success);
        Assert.Contains("old_string is empty", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Edit_InsideDotGit_IsRefused()
    {
        var path = _h.WriteFile(".git/HEAD", "ref: refs/heads/main\n");

        var result = await EditAsync(path, "main", "evil");

        Assert.False(result.Success);
        Assert.Contains(".git", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"file_path\": \"/x\", \"old_string\": \"a\"}", "'new_string' is required")]
    [InlineData("{\"file_path\": \"/x\", \"old_string\": \"a\", \"new_string\": \"b\", \"replace_all\": \"yes\"}", "'replace_all' must be a boolean")]
    [InlineData("{\"file_path\": \"x\", \"old_string\": \"a\", \"new_string\": \"b\"}", "must be an absolute path")]
    public async Task Edit_WithBadArguments_FailsClearly(string json, string expected)
    {
        var result = await _h.RunAsync("Edit", json);

        Assert.False(result.Success);
        Assert.Contains(expected, result.Error, StringComparison.Ordinal);
    }
}
