using System.CommandLine.Parsing;
using CodeForge.Cli.Agents;

namespace CodeForge.Cli.Tests.Agents;

/// <summary>The command line a <c>--bg</c> launch gives its agent process.</summary>
public sealed class AgentFlagsTests
{
    private static List<string> Child(string[] raw, string? sessionId = "S")
    {
        var root = Program.BuildRootCommand();
        var parse = root.Parse(raw);
        Assert.Empty(parse.Errors);
        var worktree = parse.GetResult(root.Options.Single(o => o.Name == "--worktree")) as OptionResult;
        return AgentFlags.ChildArguments(raw, worktree, sessionId);
    }

    [Fact]
    public void ChildArguments_DropBgWorktreeAndOutputFormat_AndPrintStreamJsonWithTheChosenSession()
    {
        var args = Child(["--bg", "-w", "feature", "--output-format", "json", "-p", "do it", "--model", "gpt-4o"]);

        Assert.Equal(["--output-format", "stream-json", "--verbose", "--session-id", "S", "-p", "do it", "--model", "gpt-4o"], args);
    }

    [Fact]
    public void ChildArguments_WithoutPrint_AddIt_AndAWorktreeWithoutNameTakesNoValue()
    {
        var args = Child(["--bg", "-w", "--verbose", "hello there"]);

        Assert.Equal(["--output-format", "stream-json", "--verbose", "--session-id", "S", "-p", "hello there"], args);
    }

    [Fact]
    public void ChildArguments_KeepTheUsersSessionIdAndResume()
    {
        Assert.Equal(["--output-format", "stream-json", "--verbose", "-p", "x", "--session-id", "mine"],
            Child(["--background", "-p", "x", "--session-id", "mine"]));
        Assert.Equal(["--output-format", "stream-json", "--verbose", "-p", "more", "-r", "abc"],
            Child(["--bg", "-p", "more", "-r", "abc"], sessionId: null));
    }
}
