using CodeForge.Core.Shells.Sandbox;

namespace CodeForge.Core.Tests.Shells.Sandbox;

/// <summary>SandboxMasks: an empty unreadable file and an empty read-only folder, made once and handed out again while intact.</summary>
public sealed class SandboxMasksTests
{
    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void Get_Twice_ReturnsTheSameEmptyFileAndFolderSideBySide()
    {
        var first = SandboxMasks.Get();
        var second = SandboxMasks.Get();

        Assert.Equal(first, second);
        Assert.Equal("file", Path.GetFileName(first.File));
        Assert.Equal("dir", Path.GetFileName(first.Directory));
        Assert.Equal(Path.GetDirectoryName(first.File), Path.GetDirectoryName(first.Directory));
        var file = new FileInfo(second.File);
        Assert.True(file.Exists);
        Assert.Equal(0, file.Length);
        Assert.Equal(UnixFileMode.None, file.UnixFileMode);
        var directory = new DirectoryInfo(second.Directory);
        Assert.True(directory.Exists);
        Assert.Empty(directory.EnumerateFileSystemInfos());
        Assert.Equal(
            UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute,
            directory.UnixFileMode);
    }
}
