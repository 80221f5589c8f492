using CodeForge.Core.Paths;

namespace CodeForge.Core.Tests.Paths;

public sealed class PathTextTests
{
    [Theory]
    [InlineData("/a/b/../c/", "/a/c")]
    [InlineData("/a/./b", "/a/b")]
    [InlineData("/", "/")]
    [InlineData("/a//b", "/a/b")]
    public void Normalize_ResolvesDotsAndDropsTheTrailingSeparatorButKeepsTheRoot(string path, string expected) =>
        Assert.Equal(expected, PathText.Normalize(path));

    [Theory]
    [InlineData("~", "/home/me")]
    [InlineData("~/notes.md", "/home/me/notes.md")]
    [InlineData("~other/x", "~other/x")]
    [InlineData("a/~/b", "a/~/b")]
    [InlineData("/abs", "/abs")]
    public void ExpandHome_ReplacesOnlyALeadingTildeOrTildeSlash(string path, string expected) =>
        Assert.Equal(expected, PathText.ExpandHome(path, "/home/me"));

    [Theory]
    [InlineData("/a/b", "/a/b", true)]
    [InlineData("/a/b/c", "/a/b", true)]
    [InlineData("/a/bc", "/a/b", false)]
    [InlineData("/a", "/a/b", false)]
    [InlineData("/a/b", "/", true)]
    public void IsUnderOrSame_ComparesWholeComponents(string path, string directory, bool expected) =>
        Assert.Equal(expected, PathText.IsUnderOrSame(path, directory));

    [Theory]
    [InlineData("/a/b", "/a/b", false)]
    [InlineData("/a/b/c", "/a/b", true)]
    [InlineData("/a/bc", "/a/b", false)]
    public void IsUnder_ExcludesTheDirectoryItself(string path, string directory, bool expected) =>
        Assert.Equal(expected, PathText.IsUnder(path, directory));
}
