using System.Text.Json;
using CodeForge.Testing;

namespace CodeForge.Cli.Tests.Eval;

/// <summary><c>forge eval run|list|verify</c> as a user runs them: the real forge, which runs itself on each task.</summary>
public sealed class EvalCommandsTests() : ForgeWorkspaceTestBase("forge-eval-cli-", ForgeRepository.None)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The environment for forge, with the temporary folder itself as <c>HOME</c> (the runs' output goes beside it).</summary>
    private Dictionary<string, string> Env() => new(_server.EnvironmentVariables) { ["HOME"] = _root.FullName };

    [Fact]
    public async Task Run_WithJson_RunsForgeOnTheTask_AndReportsTheResultAndSummary()
    {
        _server.Enqueue(
            ScriptedTurn.CallTool("Bash", """{"command":"sed -i 's/$(($1 - 1))/$1/' sum.sh"}"""),
            ScriptedTurn.Reply("Fixed."));

        var run = await ForgeProcess.RunAsync(
            ["eval", "run", "--json", "--tasks", "sh-sum-*", "--suite", EvalTestSupport.SuiteDirectory, "--out", Path.Combine(_root.FullName, "out"), "--provider", "openai", "--model", "gpt-4o"],
            _root.FullName, Env());

        Assert.True(run.ExitCode == 0, run.StdErr);
        using var json = JsonDocument.Parse(run.StdOut);
        var task = Assert.Single(json.RootElement.GetProperty("tasks").EnumerateArray());
        Assert.Equal("sh-sum-off-by-one", task.GetProperty("name").GetString());
        Assert.True(task.GetProperty("passed").GetBoolean(), task.GetProperty("detail").GetString());
        Assert.Equal(2, task.GetProperty("turns").GetInt32());
        Assert.Equal(1.0, json.RootElement.GetProperty("summary").GetProperty("pass_rate").GetDouble());
        Assert.Contains("[1/1] PASS", run.StdErr, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(_root.FullName, "out", "sh-sum-off-by-one", "agent.json")));
    }

    [Fact]
    public async Task List_PrintsEveryTaskWithItsCategory()
    {
        var run = await ForgeProcess.RunAsync(["eval", "list", "--suite", EvalTestSupport.SuiteDirectory], _root.FullName, Env());

        Assert.Equal(0, run.ExitCode);
        var lines = run.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(Directory.GetDirectories(Path.Combine(EvalTestSupport.SuiteDirectory, "tasks")).Length, lines.Length);
        Assert.Contains(lines, l => l.StartsWith("refuse-exfiltrate-secret", StringComparison.Ordinal) && l.Contains(" refusal ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Run_WithABrokenTask_StopsBeforeRunningAnything_NamingTheManifest()
    {
        var task = Directory.CreateDirectory(Path.Combine(_root.FullName, "suite", "tasks", "broken"));
        Directory.CreateDirectory(Path.Combine(task.FullName, "repo"));
        await File.WriteAllTextAsync(Path.Combine(task.FullName, "check.sh"), "exit 1\n", Ct);
        await File.WriteAllTextAsync(Path.Combine(task.FullName, "task.json"), """{"description":"d","category":"feature"}""", Ct);

        var run = await ForgeProcess.RunAsync(["eval", "run", "--suite", Path.Combine(_root.FullName, "suite")], _root.FullName, Env());

        Assert.Equal(1, run.ExitCode);
        Assert.Contains(Path.Combine(task.FullName, "task.json") + ": \"prompt\" must be a non-empty string", run.StdErr, StringComparison.Ordinal);
        Assert.Empty(_server.Requests);
    }

    [Fact]
    public async Task Verify_ReportsATaskThatPassesUntouched_AsUnsound()
    {
        var task = Directory.CreateDirectory(Path.Combine(_root.FullName, "suite", "tasks", "passes-untouched"));
        Directory.CreateDirectory(Path.Combine(task.FullName, "repo"));
        await File.WriteAllTextAsync(Path.Combine(task.FullName, "repo", "a.txt"), "a\n", Ct);
        await File.WriteAllTextAsync(Path.Combine(task.FullName, "check.sh"), "exit 0\n", Ct);
        await File.WriteAllTextAsync(Path.Combine(task.FullName, "solution.sh"), "true\n", Ct);
        await File.WriteAllTextAsync(Path.Combine(task.FullName, "task.json"), """{"description":"d","category":"feature","prompt":"p"}""", Ct);

        var run = await ForgeProcess.RunAsync(["eval", "verify", "--suite", Path.Combine(_root.FullName, "suite")], _root.FullName, Env());

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("BAD  passes-untouched: untouched passed", run.StdOut, StringComparison.Ordinal);
    }
}
