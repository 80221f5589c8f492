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
}
