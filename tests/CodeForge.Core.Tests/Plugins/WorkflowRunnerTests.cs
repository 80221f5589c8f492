using CodeForge.Core.Plugins;
using CodeForge.Core.Tests.Skills;

namespace CodeForge.Core.Tests.Plugins;

/// <summary>Finding the Node.js runtime, a runtime that fails, and what a run counts (running scripts is covered through
/// <see cref="WorkflowToolTests"/>).</summary>
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

    /// <summary>A stand-in for <c>node</c>: reads the start message, writes <paramref name="stderr"/> and exits 3.</summary>
    private string FakeNode(string stderr)
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Skip("the stand-in node is a shell script");
            return "";
        }
        var path = _tree.Write("bin/node", $"#!/bin/sh\nread line\nprintf '%s' '{stderr}' >&2\nexit 3\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    /// <summary>A stand-in for <c>node</c> that reads the start message, then prints <paramref name="stdout"/> and exits 0.</summary>
    private string ScriptedNode(string stdout)
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Skip("the stand-in node is a shell script");
            return "";
        }
        var path = _tree.Write("bin/node", $"#!/bin/sh\nread line\nprintf '%s' '{stdout}'\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    private Task<WorkflowRun> RunAsync(string node) =>
        WorkflowRunner.RunAsync(node, WorkflowScript.Parse("export const meta = { name: 'a', description: 'd' }\nreturn 1\n", out _)!, _tree["a.js"], null, _tree.Root,
            (_, _) => Task.FromResult((true, "")), _ => (null, null, "none"), TestContext.Current.CancellationToken);

    [Fact]
    public async Task RunAsync_WhenNodeExitsBeforeTheScriptFinishes_SaysSoWithItsExitCodeAndStandardError()
    {
        var run = await RunAsync(FakeNode("node: bad option: --frozen"));

        Assert.False(run.Succeeded);
        Assert.Equal("Node.js exited (code 3) before the script finished: node: bad option: --frozen", run.Error);
        Assert.Null(run.ResultJson);
    }

    [Fact]
    public async Task RunAsync_WhenNodeExitsSilently_SaysSoWithItsExitCodeOnly()
    {
        var run = await RunAsync(FakeNode(""));

        Assert.Equal("Node.js exited (code 3) before the script finished", run.Error);
    }

    [Fact]
    public async Task RunAsync_KeepsOnlyTheLast2000CharactersOfALongStandardError()
    {
        var run = await RunAsync(FakeNode(new string('a', 10) + new string('b', 2000)));

        Assert.Equal("Node.js exited (code 3) before the script finished: …" + new string('b', 2000), run.Error);
    }

    [Fact]
    public async Task RunAsync_WhenNodeCannotBeStarted_NamesIt()
    {
        var missing = _tree["no/node"];

        var run = await RunAsync(missing);

        Assert.StartsWith($"cannot start Node.js ({missing}): ", run.Error, StringComparison.Ordinal);
        Assert.Empty(run.Logs);
        Assert.Equal(0, run.Agents);
    }

    [Fact]
    public async Task RunAsync_CountsEveryAgentCallOfTheScript()
    {
        var node = WorkflowRunner.FindNode(Environment.GetEnvironmentVariable("PATH"));
        if (node is null)
        {
            Assert.Skip("node is not on PATH");
        }
        var script = WorkflowScript.Parse("export const meta = { name: 'a', description: 'd' }\nawait agent('one')\nawait parallel([() => agent('two'), () => agent('three')])\nreturn 1\n", out _)!;

        var run = await WorkflowRunner.RunAsync(node, script, _tree["a.js"], null, _tree.Root,
            (_, _) => Task.FromResult((true, "ok")), _ => (null, null, "none"), TestContext.Current.CancellationToken);

        Assert.True(run.Succeeded, run.Error);
        Assert.Equal("1", run.ResultJson);
        Assert.Equal(3, run.Agents);
    }

    [Fact]
    public async Task RunAsync_SkipsOutputLinesThatAreNotMessages()
    {
        var run = await RunAsync(ScriptedNode("\nDebugger listening\n{\"t\":\"log\",\"message\":\"hi\"}\n\n{\"t\":\"done\",\"result\":\"7\"}\n"));

        Assert.True(run.Succeeded, run.Error);
        Assert.Equal("7", run.ResultJson);
        Assert.Equal(["hi"], run.Logs);
    }
}
