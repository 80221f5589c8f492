using System.Diagnostics;
using System.Text.Json;
using CodeForge.Cli.Tests.Interactive;
using CodeForge.Core.Background;
using CodeForge.Testing;

namespace CodeForge.Cli.Tests.Agents;

/// <summary>
/// Background agents end to end with the real <c>forge</c>: four started with <c>--bg</c> (one in its own worktree),
/// each against its own fake model server; listed, their logs read, one attached in tmux, one stopped while its model
/// call is held, every session resumed afterwards; then the worktree cleaned.
/// </summary>
public sealed class AgentCommandsTests() : ForgeWorkspaceTestBase("forge-bg-", ForgeRepository.Committed, modelServer: false)
{
    private readonly List<FakeModelServer> _servers = [];
    private readonly TaskCompletionSource _never = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public override async ValueTask DisposeAsync()
    {
        _never.TrySetResult();
        foreach (var server in _servers)
        {
            await server.DisposeAsync();
        }
        // Any agent still running (a failed test) is stopped before its folder goes.
        foreach (var record in new AgentRegistry(Path.Combine(Home, ".forge", "agents")).List())
        {
            if (record.Pid is { } pid && ProcessProbe.IsAlive(pid, record.ProcessStart))
            {
                using var process = Process.GetProcessById(pid);
                process.Kill();
            }
        }
        await base.DisposeAsync();
    }

    private Dictionary<string, string> Env(FakeModelServer server, params (string Key, string Value)[] extra)
    {
        var env = new Dictionary<string, string>(server.EnvironmentVariables) { ["HOME"] = Home, ["FORGE_FILE_LOCK_DIR"] = Path.Combine(Home, "locks") };
        foreach (var (k, v) in extra)
        {
            env[k] = v;
        }
        return env;
    }

    private async Task<FakeModelServer> ServerAsync(params ScriptedTurn[] turns)
    {
        var server = await FakeModelServer.StartAsync(cancellationToken: Ct);
        _servers.Add(server);
        server.Enqueue(turns);
        return server;
    }

    private static string IdFrom(ForgeProcess.Result started)
    {
        Assert.True(started.ExitCode == 0, started.StdErr);
        var line = started.StdOut.Split('\n')[0];
        Assert.StartsWith("Started background agent ", line, StringComparison.Ordinal);
        return line["Started background agent ".Length..].Split(' ')[0];
    }

    [Fact]
    public async Task FourBackgroundAgents_AreListed_Logged_Attached_Stopped_AndAllResumable()
    {
        var registry = new AgentRegistry(Path.Combine(Home, ".forge", "agents"));
        // Agent 0 works in a worktree and writes a file there; 1 and 2 answer; 3's model call is held until stopped.
        var servers = new[]
        {
            await ServerAsync(
                ScriptedTurn.CallTool("Write", JsonSerializer.Serialize(new { file_path = Path.Combine(Repo, ".forge", "worktrees", "zero", "notes.txt"), content = "from agent zero\n" })),
                ScriptedTurn.Reply("zero wrote notes")),
            await ServerAsync(ScriptedTurn.Reply("one says hello")),
            await ServerAsync(ScriptedTurn.Reply("two says hello")),
            await ServerAsync(new ScriptedTurn { Text = "never sent", HoldUntil = _never.Task }),
        };
        var common = new[] { "--provider", "openai", "--model", "gpt-4o", "--permission-mode", "bypassPermissions" };
        var ids = new string[4];
        ids[0] = IdFrom(await ForgeProcess.RunAsync(["--bg", "-w", "zero", "-p", "task zero", .. common], Repo, Env(servers[0])));
        for (var i = 1; i < 4; i++)
        {
            ids[i] = IdFrom(await ForgeProcess.RunAsync(["--bg", "-p", $"task {i}", .. common], Repo, Env(servers[i])));
        }

        // Agents 0-2 end on their own: `forge logs -f` returns when the agent has ended.
        for (var i = 0; i < 3; i++)
        {
            var followed = await ForgeProcess.RunAsync(["logs", ids[i], "-f"], Repo, Env(servers[i]));
            Assert.True(followed.ExitCode == 0, followed.StdErr);
            Assert.Contains($"[agent {ids[i]} finished]", followed.StdOut, StringComparison.Ordinal);
        }
        await servers[3].WaitForRequestsAsync(1, Ct);

        var list = await ForgeProcess.RunAsync(["agents"], Repo, Env(servers[1]));
        Assert.True(list.ExitCode == 0, list.StdErr);
        var rows = list.StdOut.Split('\n');
        for (var i = 0; i < 4; i++)
        {
            var row = Assert.Single(rows, r => r.StartsWith(ids[i], StringComparison.Ordinal));
            Assert.Contains(i < 3 ? " finished " : " running ", row, StringComparison.Ordinal);
        }
        Assert.Contains("worktree-zero 1 untracked", Assert.Single(rows, r => r.StartsWith(ids[0], StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.Equal("from agent zero\n", await File.ReadAllTextAsync(Path.Combine(Repo, ".forge", "worktrees", "zero", "notes.txt"), Ct));
        Assert.False(File.Exists(Path.Combine(Repo, "notes.txt")));

        var logs = await ForgeProcess.RunAsync(["logs", ids[1]], Repo, Env(servers[1]));
        Assert.Contains("⏺ one says hello", logs.StdOut, StringComparison.Ordinal);
        Assert.Contains("✔ success: one says hello", logs.StdOut, StringComparison.Ordinal);

        // Attach to a finished agent in a terminal: its transcript, then its session in the interactive UI.
        await using (var term = await TmuxTerminal.StartAsync(["attach", ids[2]], Repo, Env(servers[2], ("FORGE_PROVIDER", "openai"))))
        {
            await term.WaitForAsync("two says hello");
            await term.WaitForAsync($"Opening session");
            await term.WaitForAsync("> ");
            await term.TypeAsync("/exit");
            await term.PressAsync("Enter");
            Assert.Equal(0, await term.WaitForExitAsync());
        }

        // Attach to the running one: its transcript so far and that it runs; Ctrl-C detaches and leaves it running.
        await using (var term = await TmuxTerminal.StartAsync(["attach", ids[3]], Repo, Env(servers[3], ("FORGE_PROVIDER", "openai"))))
        {
            await term.WaitForAsync($"Agent {ids[3]} is still running");
            await term.PressAsync("C-c");
            Assert.Equal(130, await term.WaitForExitAsync());
        }

        // Stop the one still running: SIGTERM, and its record says stopped.
        Assert.Equal(AgentStatus.Running, registry.EffectiveStatus(registry.Get(ids[3])!));
        var stop = await ForgeProcess.RunAsync(["stop", ids[3]], Repo, Env(servers[3]));
        Assert.True(stop.ExitCode == 0, stop.StdErr);
        Assert.Contains($"Agent {ids[3]} stopped.", stop.StdOut, StringComparison.Ordinal);
        var stopped = registry.Get(ids[3])!;
        Assert.Equal(AgentStatus.Stopped, stopped.Status);
        Assert.False(ProcessProbe.IsAlive(stopped.Pid!.Value, stopped.ProcessStart));

        // Every session resumes: the resumed run sends the agent's own prompt back to the model.
        var resumeServer = await ServerAsync(Enumerable.Range(0, 4).Select(i => ScriptedTurn.Reply($"resumed {i}")).ToArray());
        for (var i = 0; i < 4; i++)
        {
            var record = registry.Get(ids[i])!;
            var resumed = await ForgeProcess.RunAsync(["-p", "and then?", "-r", record.SessionId!, "--provider", "openai", "--model", "gpt-4o"], record.WorkingDirectory, Env(resumeServer));
            Assert.True(resumed.ExitCode == 0, $"agent {i}: {resumed.StdErr}");
            Assert.Equal($"resumed {i}", resumed.StdOut.Trim());
            Assert.Contains(i == 0 ? "task zero" : $"task {i}", resumeServer.Requests[i].Body, StringComparison.Ordinal);
        }

        // The worktree has an untracked file: kept without --force, removed with it.
        var keep = await ForgeProcess.RunAsync(["worktree", "clean"], Repo, Env(servers[0]));
        Assert.Contains("uncommitted changes", keep.StdOut, StringComparison.Ordinal);
        Assert.True(Directory.Exists(Path.Combine(Repo, ".forge", "worktrees", "zero")));
        var clean = await ForgeProcess.RunAsync(["worktree", "clean", "--force"], Repo, Env(servers[0]));
        Assert.Contains("removed ", clean.StdOut, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(Repo, ".forge", "worktrees", "zero")));
    }

    [Fact]
    public async Task AgentsJson_ShowsADeadProcessWithoutAFinalStatusAsDied()
    {
        var registry = new AgentRegistry(Path.Combine(Home, ".forge", "agents"));
        using var sleeper = Process.Start(new ProcessStartInfo("sleep", "600") { UseShellExecute = false })!;
        registry.Create(new AgentRecord
        {
            Id = "deadbeef",
            Pid = sleeper.Id,
            ProcessStart = ProcessProbe.StartTime(sleeper.Id),
            Status = AgentStatus.Running,
            WorkingDirectory = Repo,
            Prompt = "crashes",
            Started = DateTimeOffset.UtcNow,
        });
        sleeper.Kill();
        await sleeper.WaitForExitAsync(Ct);
        var server = await ServerAsync();

        var list = await ForgeProcess.RunAsync(["agents", "--json"], Repo, Env(server));

        Assert.True(list.ExitCode == 0, list.StdErr);
        var agent = Assert.Single(JsonDocument.Parse(list.StdOut).RootElement.EnumerateArray());
        Assert.Equal("deadbeef", agent.GetProperty("id").GetString());
        Assert.Equal("died", agent.GetProperty("status").GetString());
    }
}
