using CodeForge.Core.Plugins;
using CodeForge.Core.Tests.Skills;

namespace CodeForge.Core.Tests.Plugins;

/// <summary>Finding the Node.js runtime (running scripts is covered through <see cref="WorkflowToolTests"/>).</summary>
public sealed class WorkflowRunnerTests : IDisposable
{
    private readonly TempTree _tree = new("forge-workflow-runner-");

    public void Dispose() => _tree.Dispose();

    [Fact]
    public void FindNode_SearchesEveryPathEntryInOrder_AndGivesNullWhenNoneHasNode()
    {
        var name = OperatingSystem.IsWindows() ? "node.exe" : "node";
        _tree.Write($"b/{name}", "");
        _tree.Write($"c/{name}", "");
        var path = string.Join(Path.PathSeparator, _tree["a"], _tree["b"], _tree["c"]);

        Assert.Equal(Path.Combine(_tree["b"], name), WorkflowRunner.FindNode(path));
        Assert.Null(WorkflowRunner.FindNode(_tree["a"]));
        Assert.Null(WorkflowRunner.FindNode(null));
    }
}
