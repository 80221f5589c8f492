using CodeForge.Core.Permissions;

namespace CodeForge.Core.Tests.Permissions;

public sealed class PathResolverTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "forge-paths-" + Guid.NewGuid().ToString("N"));

    public PathResolverTests()
    {
        Directory.CreateDirectory(Path.Combine(_root, "real/sub"));
        File.WriteAllText(Path.Combine(_root, "real/sub/f.txt"), "x");
        File.WriteAllText(Path.Combine(_root, "real/.hidden"), "x");
        File.WriteAllText(Path.Combine(_root, "real/a.txt"), "x");
        File.CreateSymbolicLink(Path.Combine(_root, "dirlink"), "real");
        File.CreateSymbolicLink(Path.Combine(_root, "chain"), "dirlink/sub/f.txt");
        File.CreateSymbolicLink(Path.Combine(_root, "loop1"), "loop2");
        File.CreateSymbolicLink(Path.Combine(_root, "loop2"), "loop1");
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void Real_ResolvesLinksOnTheWayAndChains()
    {
        Assert.Equal(Path.Combine(_root, "real/sub/f.txt"), PathResolver.Real(Path.Combine(_root, "dirlink/sub/f.txt")));
        Assert.Equal(Path.Combine(_root, "real/sub/f.txt"), PathResolver.Real(Path.Combine(_root, "chain")));
        Assert.Equal(Path.Combine(_root, "real/missing/x"), PathResolver.Real(Path.Combine(_root, "dirlink/missing/x")));
    }

    [Fact]
    public void Real_OnALinkLoop_ReturnsThePathInsteadOfHanging()
    {
        var loop = Path.Combine(_root, "loop1");

        Assert.Equal(loop, PathResolver.Real(loop));
    }

    [Fact]
    public void ResolveWord_ExpandsGlobsLikeBash()
    {
        var dir = Path.Combine(_root, "real");

        Assert.Equal([Path.Combine(dir, "a.txt")], PathResolver.ResolveWord("*.txt", dir, "/home/u"));
        Assert.Equal([Path.Combine(dir, ".hidden")], PathResolver.ResolveWord(".h*", dir, "/home/u"));
        Assert.Equal([Path.Combine(dir, "sub/f.txt")], PathResolver.ResolveWord("s?b/[ef].txt", dir, "/home/u"));
        Assert.Equal([Path.Combine(dir, "*.md")], PathResolver.ResolveWord("*.md", dir, "/home/u")); // no match: as written
        Assert.Equal([Path.Combine(dir, "*.txt")], PathResolver.ResolveWord("'*.txt'", dir, "/home/u")); // quoted: literal
    }

    [Theory]
    [InlineData("$X")]
    [InlineData("\"$HOME/x\"")]
    [InlineData("$'\\x41'")]
    [InlineData("a{b,c}")]
    [InlineData("~root/x")]
    [InlineData("`pwd`")]
    public void ResolveWord_WhenTheShellComputesTheWord_IsUnknown(string word)
    {
        Assert.Null(PathResolver.ResolveWord(word, _root, "/home/u"));
    }

    [Fact]
    public void ResolveWord_ExpandsAnUnquotedTildeOnly()
    {
        Assert.Equal(["/home/u/x"], PathResolver.ResolveWord("~/x", _root, "/home/u"));
        Assert.Equal([Path.Combine(_root, "~/x")], PathResolver.ResolveWord("'~/x'", _root, "/home/u"));
    }
}
