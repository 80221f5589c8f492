using CodeForge.Core.Tools;

namespace CodeForge.Core.Tests.Tools;

public sealed class ToolAccessTests
{
    [Fact]
    public void ReadingTree_ConflictsWithWritesAtOrBelowIt()
    {
        var tree = ToolAccess.ReadingTree("/repo/src");

        Assert.True(tree.ConflictsWith(ToolAccess.Writing("/repo/src/a.cs")));
        Assert.True(ToolAccess.Writing("/repo/src/deep/b.cs").ConflictsWith(tree));
        Assert.True(tree.ConflictsWith(ToolAccess.Writing("/repo/src")));
    }

    [Fact]
    public void ReadingTree_DoesNotConflictWithWritesElsewhereOrWithReads()
    {
        var tree = ToolAccess.ReadingTree("/repo/src");

        Assert.False(tree.ConflictsWith(ToolAccess.Writing("/repo/src2/a.cs")));
        Assert.False(tree.ConflictsWith(ToolAccess.Writing("/repo/a.cs")));
        Assert.False(tree.ConflictsWith(ToolAccess.Reading("/repo/src/a.cs")));
        Assert.False(tree.ConflictsWith(ToolAccess.ReadingTree("/repo")));
    }

    [Fact]
    public void ReadingTree_DoesNotConflictWithAShorterPathOrASiblingOfTheSameLength()
    {
        var tree = ToolAccess.ReadingTree("/repo/src");

        Assert.False(tree.ConflictsWith(ToolAccess.Writing("/repo")));
        Assert.False(tree.ConflictsWith(ToolAccess.Writing("/repo/abc/a.cs")));
        Assert.False(tree.ConflictsWith(ToolAccess.Writing("/repo/sr")));
        Assert.False(tree.ConflictsWith(ToolAccess.Writing("/repo/sra")));
    }

    [Fact]
    public void ReadingTree_OfTheRoot_ConflictsWithEveryWrite()
    {
        Assert.True(ToolAccess.ReadingTree("/").ConflictsWith(ToolAccess.Writing("/tmp/a")));
        Assert.Equal(["/"], ToolAccess.ReadingTree("/").ReadsTrees);
    }

    [Fact]
    public void Writes_ConflictWithWritesAndReadsOfTheSamePathOnly()
    {
        var write = ToolAccess.Writing("/repo/a.cs");

        Assert.True(write.ConflictsWith(ToolAccess.Writing("/repo/a.cs")));
        Assert.True(write.ConflictsWith(ToolAccess.Reading("/repo/a.cs")));
        Assert.True(ToolAccess.Reading("/repo/x/../a.cs").ConflictsWith(write));
        Assert.False(write.ConflictsWith(ToolAccess.Writing("/repo/b.cs")));
        Assert.False(write.ConflictsWith(ToolAccess.Reading("/repo/A.cs")));
        Assert.False(ToolAccess.Reading("/repo/a.cs").ConflictsWith(ToolAccess.Reading("/repo/a.cs")));
        Assert.False(write.ConflictsWith(ToolAccess.None));
    }

    [Fact]
    public void Everything_ConflictsWithAnyCallEvenOneTouchingNothing()
    {
        Assert.True(ToolAccess.Everything.ConflictsWith(ToolAccess.None));
        Assert.True(ToolAccess.None.ConflictsWith(ToolAccess.Everything));
        Assert.False(ToolAccess.None.ConflictsWith(ToolAccess.None));
        Assert.True(ToolAccess.Everything.Exclusive);
        Assert.False(ToolAccess.None.Exclusive);
    }

    [Fact]
    public void ConflictsWith_Null_Throws()
    {
        Assert.Throws<ArgumentNullException>(() => ToolAccess.None.ConflictsWith(null!));
    }
}
