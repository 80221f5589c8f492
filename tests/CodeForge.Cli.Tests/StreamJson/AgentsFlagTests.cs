using System.Text.Json;
using CodeForge.Testing;

namespace CodeForge.Cli.Tests.StreamJson;

/// <summary><c>--agents</c> (the Agent SDK's <c>agents</c> option): the real forge, the fake model server, a Task call.</summary>
public sealed class AgentsFlagTests() : ForgeWorkspaceTestBase("forge-agents-flag-", repoFolder: "work")
{
    private string Work => Repo;

    [Fact]
    public async Task AnAgentGivenOnTheCommandLine_IsOfferedToTheModel_AndRunsWithItsOwnPrompt()
    {
        var args = JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["description"] = "review", ["prompt"] = "Look at main.cs", ["subagent_type"] = "strict-reviewer",
        });
        _server.Enqueue(
            ScriptedTurn.CallTool("Task", args, "call_t"),
            ScriptedTurn.Reply("REVIEW: fine"),
            ScriptedTurn.Reply("The reviewer found nothing."));
        var env = new Dictionary<string, string>(_server.EnvironmentVariables) { ["HOME"] = Path.Combine(_root.FullName, "home") };

        var run = await ForgeProcess.RunAsync(["-p", "review main.cs", "--provider", "openai", "--model", "gpt-4o",
            """--agents={"strict-reviewer":{"description":"Reviews code strictly","prompt":"You are THE STRICT REVIEWER.","tools":["Read"]}}"""], Work, env);

        Assert.True(run.ExitCode == 0, run.StdErr);
        Assert.Equal(3, _server.Requests.Count);
        Assert.Contains("strict-reviewer", _server.Requests[0].Body, StringComparison.Ordinal);
        Assert.Contains("Reviews code strictly", _server.Requests[0].Body, StringComparison.Ordinal);
        Assert.Contains("You are THE STRICT REVIEWER.", _server.Requests[1].Body, StringComparison.Ordinal);
        Assert.Contains("Look at main.cs", _server.Requests[1].Body, StringComparison.Ordinal);
        Assert.Contains("REVIEW: fine", _server.Requests[2].Body, StringComparison.Ordinal);
    }
}
