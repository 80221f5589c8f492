using CodeForge.Cli.Interactive;
using CodeForge.Core.Agent;
using CodeForge.Core.Tools;
using Spectre.Console.Testing;

namespace CodeForge.Cli.Tests.Interactive;

public sealed class ToolCallViewTests
{
    private static string Render(ToolCallFinished call, bool ansi = false)
    {
        var console = new TestConsole().Width(80);
        console.EmitAnsiSequences = ansi;
        console.Write(ToolCallView.Finished(call, "/repo", 80));
        return console.Output;
    }

    [Theory]
    [InlineData("Read", """{"file_path":"/repo/src/a.cs"}""", "Read(src/a.cs)")]
    [InlineData("Read", """{"file_path":"/elsewhere/a.cs"}""", "Read(/elsewhere/a.cs)")]
    [InlineData("Bash", """{"command":"npm test\n  --watch"}""", "Bash(npm test --watch)")]
    [InlineData("Grep", """{"pattern":"TODO","path":"/repo/src"}""", "Grep(\"TODO\" in src)")]
    [InlineData("TodoWrite", """{"todos":[{},{}]}""", "TodoWrite(2 tasks)")]
    [InlineData("mcp__gh__search", """{"q":"bug"}""", "mcp__gh__search(bug)")]
    [InlineData("Custom", """{}""", "Custom")]
    public void Title_NamesTheToolAndItsKeyArgument(string tool, string args, string expected) =>
        Assert.Equal(expected, ToolCallView.Title(tool, FakeEngine.Args(args), "/repo"));

    [Fact]
    public void Title_OfAVeryLongCommand_IsShortenedToTheWidth()
    {
        var title = ToolCallView.Title("Bash", FakeEngine.Args($$"""{"command":"{{new string('x', 500)}}"}"""), "/repo", 60);

        Assert.True(title.Length <= 60, title);
        Assert.EndsWith("…)", title, StringComparison.Ordinal);
    }

    [Fact]
    public void Finished_OfAnEdit_ShowsTheDiffInColour()
    {
        var args = FakeEngine.Args("""{"file_path":"/repo/a.cs"}""");
        var call = new ToolCallFinished("1", "Edit", args, ToolResult.Ok("--- a/a.cs\n+++ b/a.cs\n@@ -1,2 +1,2 @@\n keep\n-old line\n+new line\n"), ToolCallOutcome.Executed);

        var output = Render(call, ansi: true);

        Assert.Contains("Edit(a.cs)", output, StringComparison.Ordinal);
        Assert.Matches(@"\u001b\[[0-9;]*m-old line", output);
        Assert.Matches(@"\u001b\[[0-9;]*m\+new line", output);
        Assert.DoesNotContain("+++ b/a.cs", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Finished_OfALongOutput_FoldsIt()
    {
        var args = FakeEngine.Args("""{"command":"seq 100"}""");
        var output = Render(new ToolCallFinished("1", "Bash", args, ToolResult.Ok(string.Join('\n', Enumerable.Range(1, 100))), ToolCallOutcome.Executed));

        Assert.Contains("… +94 lines", output, StringComparison.Ordinal);
        Assert.DoesNotContain("\n     100", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Finished_OfADeniedOrFailedCall_SaysWhy()
    {
        var args = FakeEngine.Args("""{"command":"rm -rf /"}""");

        Assert.Contains("Denied: matches deny rule Bash(rm:*)", Render(new ToolCallFinished("1", "Bash", args, ToolResult.Fail("matches deny rule Bash(rm:*)"), ToolCallOutcome.Denied)), StringComparison.Ordinal);
        Assert.Contains("file not found", Render(new ToolCallFinished("1", "Read", args, ToolResult.Fail("file not found"), ToolCallOutcome.Executed)), StringComparison.Ordinal);
        Assert.Contains("Interrupted", Render(new ToolCallFinished("1", "Bash", args, ToolResult.Fail("cancelled"), ToolCallOutcome.Cancelled)), StringComparison.Ordinal);
    }

    [Fact]
    public void Finished_OfTodoWrite_ShowsTheTaskList()
    {
        var args = FakeEngine.Args("""{"todos":[{"content":"write tests","status":"completed"},{"content":"fix bug","status":"in_progress"},{"content":"ship","status":"pending"}]}""");

        var output = Render(new ToolCallFinished("1", "TodoWrite", args, ToolResult.Ok("ok"), ToolCallOutcome.Executed));

        Assert.Contains("☒ write tests", output, StringComparison.Ordinal);
        Assert.Contains("◐ fix bug", output, StringComparison.Ordinal);
        Assert.Contains("☐ ship", output, StringComparison.Ordinal);
    }
}
