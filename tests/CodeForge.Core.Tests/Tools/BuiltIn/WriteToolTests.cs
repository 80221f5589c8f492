using System.Text;
using static CodeForge.Core.Tests.Tools.BuiltIn.FileToolHarness;

namespace CodeForge.Core.Tests.Tools.BuiltIn;

public sealed class WriteToolTests : IDisposable
{
    private readonly FileToolHarness _h = new();

    public void Dispose() => _h.Dispose();

    [Fact]
    public async Task Write_ANewFile_CreatesItAndItsParentDirectories()
    {
        var path = _h.PathOf("deep/er/new.txt");

        var result = await _h.RunAsync("Write", Args(("file_path", path), ("content", "hello\nworld\n")));

        Assert.True(result.Success, result.Error);
        Assert.StartsWith($"Created {path} (12 bytes, 2 lines)", result.Output, StringComparison.Ordinal);
        Assert.Equal("hello\nworld\n", TextOf(path));
        Assert.NotNull(_h.Tracker.Get(path));
    }

    [Fact]
    public async Task Write_OverAFileNotRead_IsRefusedAndLeavesItUnchanged()
    {
        var path = _h.WriteFile("a.txt", "original");

        var result = await _h.RunAsync("Write", Args(("file_path", path), ("content", "new")));

        Assert.False(result.Success);
        Assert.Contains("has not been read", result.Error, StringComparison.Ordinal);
        Assert.Equal("original", TextOf(path));
    }

    [Fact]
    public async Task Write_AfterRead_OverwritesAndTheNextWriteNeedsNoNewRead()
    {
        var path = _h.WriteFile("a.txt", "original");
        await _h.RunAsync("Read", Args(("file_path", path)));

        var first = await _h.RunAsync("Write", Args(("file_path", path), ("content", "second")));
        var again = await _h.RunAsync("Write", Args(("file_path", path), ("content", "third")));

        Assert.True(first.Success, first.Error);
        Assert.StartsWith("Updated", first.Output, StringComparison.Ordinal);
        Assert.True(again.Success, again.Error);
        Assert.Equal("third", TextOf(path));
    }

    [Fact]
    public async Task Write_WhenTheFileChangedSinceRead_IsRefusedTellingToReadAgain()
    {
        var path = _h.WriteFile("a.txt", "original");
        await _h.RunAsync("Read", Args(("file_path", path)));
        Overwrite(path, "changed by someone else");

        var result = await _h.RunAsync("Write", Args(("file_path", path), ("content", "mine")));

        Assert.False(result.Success);
        Assert.Contains("has changed on disk since you last read it", result.Error, StringComparison.Ordinal);
        Assert.Contains("Read it again", result.Error, StringComparison.Ordinal);
        Assert.Equal("changed by someone else", TextOf(path));
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task Write_KeepsTheFilesModeBomAndCrLf()
    {
        var path = _h.WriteBytes("a.sh", [0xEF, 0xBB, 0xBF, .. "#!/bin/sh\r\necho hi\r\n"u8]);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead);
        await _h.RunAsync("Read", Args(("file_path", path)));

        var result = await _h.RunAsync("Write", Args(("file_path", path), ("content", "#!/bin/sh\necho bye\n")));

        Assert.True(result.Success, result.Error);
        Assert.Equal([0xEF, 0xBB, 0xBF, .. "#!/bin/sh\r\necho bye\r\n"u8], BytesOf(path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead, File.GetUnixFileMode(path));
    }

    [Fact]
    public async Task Write_ThroughASymlink_WritesTheTargetAndKeepsTheLink()
    {
        var target = _h.WriteFile("real.txt", "old");
        var link = _h.PathOf("link.txt");
        File.CreateSymbolicLink(link, target);
        await _h.RunAsync("Read", Args(("file_path", link)));

        var result = await _h.RunAsync("Write", Args(("file_path", link), ("content", "new")));

        Assert.True(result.Success, result.Error);
        Assert.Equal("new", TextOf(target));
        Assert.NotNull(new FileInfo(link).LinkTarget);
    }

    [Fact]
    public async Task Write_LeavesNoTemporaryFileBehind()
    {
        var path = _h.PathOf("x.txt");

        await _h.RunAsync("Write", Args(("file_path", path), ("content", "x")));

        Assert.Equal(["x.txt"], Directory.GetFiles(_h.Root).Select(Path.GetFileName));
    }

    [Theory]
    [InlineData(".git/config")]
    [InlineData("sub/.git/hooks/pre-commit")]
    [InlineData(".forge/settings.json")]
    [InlineData(".forge/settings.local.json")]
    [InlineData(".claude/settings.json")]
    public async Task Write_IntoProtectedPaths_IsRefusedButReadingIsAllowed(string relative)
    {
        var path = _h.WriteFile(relative, "protected");

        var write = await _h.RunAsync("Write", Args(("file_path", path), ("content", "x")));
        var read = await _h.RunAsync("Read", Args(("file_path", path)));

        Assert.False(write.Success);
        Assert.Contains("Refusing to write", write.Error, StringComparison.Ordinal);
        Assert.True(read.Success, read.Error);
        Assert.Equal("protected", TextOf(path));
    }

    [Fact]
    public async Task Write_ToADirectory_Fails()
    {
        Directory.CreateDirectory(_h.PathOf("dir"));

        var result = await _h.RunAsync("Write", Args(("file_path", _h.PathOf("dir")), ("content", "x")));

        Assert.False(result.Success);
        Assert.Contains("is a directory", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"file_path\": \"/tmp/x\"}", "'content' is required")]
    [InlineData("{\"content\": \"x\"}", "'file_path' is required")]
    [InlineData("{\"file_path\": \"rel.txt\", \"content\": \"x\"}", "must be an absolute path")]
    [InlineData("{\"file_path\": \"/tmp/x\", \"content\": 3}", "'content' must be a string")]
    public async Task Write_WithBadArguments_FailsClearly(string json, string expected)
    {
        var result = await _h.RunAsync("Write", json);

        Assert.False(result.Success);
        Assert.Contains(expected, result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Write_Utf16File_StaysUtf16()
    {
        var path = _h.WriteBytes("w.txt", [0xFF, 0xFE, .. Encoding.Unicode.GetBytes("old\n")]);
        await _h.RunAsync("Read", Args(("file_path", path)));

        await _h.RunAsync("Write", Args(("file_path", path), ("content", "new\n")));

        Assert.Equal([0xFF, 0xFE, .. Encoding.Unicode.GetBytes("new\n")], BytesOf(path));
    }
}
