using System.Text.Json;
using CodeForge.Testing;

namespace CodeForge.Cli.Tests.Agents;

/// <summary>
/// <c>forge -w/--worktree [name]</c> in the foreground with the real <c>forge</c>, a real git repository and the fake model
/// server: the session works on its own branch in <c>.forge/worktrees/NAME</c>, the end of the run reports the diff stat
/// and keeps the worktree for <c>forge worktree clean</c>; without a name it is named after the session; two sessions
/// racing for one name get one worktree, and the other a clear refusal before any model call.
/// </summary>
public sealed class WorktreesTests() : ForgeWorkspaceTestBase("forge-wt-", ForgeRepository.Committed)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly string[] Common = ["--provider", "openai", "--model", "gpt-4o", "--permission-mode", "bypassPermissions"];

    private Task<string> GitAsync(params string[] args) => RunGitAsync(args);

    [Fact]
    public async Task Foreground_WithAName_WorksOnItsOwnBranch_ReportsTheDiffStat_AndKeepsItForClean()
    {
        var worktree = Path.Combine(Repo, ".forge", "worktrees", "fg");
        var readme = Path.Combine(worktree, "README.md");
        _server.Enqueue(
            ScriptedTurn.CallTool("Read", JsonSerializer.Serialize(new { file_path = readme })),
            ScriptedTurn.CallTool("Edit", JsonSerializer.Serialize(new { file_path = readme, old_string = "hello", new_string = "hello world" })),
            ScriptedTurn.CallTool("Write", JsonSerializer.Serialize(new { file_path = Path.Combine(worktree, "notes.txt"), content = "notes\n" })),
            ScriptedTurn.Reply("edited in the worktree"));

        var run = await ForgeProcess.RunAsync(["-w", "fg", "-p", "edit the readme", .. Common], Repo, Env());

        Assert.True(run.ExitCode == 0, run.StdErr);
        Assert.Equal("edited in the worktree", run.StdOut.Trim());
        Assert.Contains($"forge: working in worktree {worktree} (branch worktree-fg)", run.StdErr, StringComparison.Ordinal);
        Assert.Contains($"forge: worktree {worktree} (branch worktree-fg): 1 file changed, 1 insertion(+), 1 deletion(-), 1 untracked",
            run.StdErr, StringComparison.Ordinal);
        Assert.Contains("forge worktree clean removes finished worktrees", run.StdErr, StringComparison.Ordinal);
        // The edit is on the worktree's branch only; the main checkout is untouched.
        Assert.Equal("hello world\n", await File.ReadAllTextAsync(readme, Ct));
        Assert.Equal("hello\n", await File.ReadAllTextAsync(Path.Combine(Repo, "README.md"), Ct));
        Assert.Equal("worktree-fg", (await GitAsync("-C", worktree, "rev-parse", "--abbrev-ref", "HEAD")).Trim());
        Assert.Empty((await GitAsync("status", "--porcelain")).Trim()); // .forge/worktrees is excluded in the main checkout

        // Cleanup as the issue says: the finished worktree is kept while it has changes, removed with --force.
        var keep = await ForgeProcess.RunAsync(["worktree", "clean"], Repo, Env());
        Assert.Contains($"kept    {worktree}: it has uncommitted changes", keep.StdOut, StringComparison.Ordinal);
        Assert.True(Directory.Exists(worktree));
        var clean = await ForgeProcess.RunAsync(["worktree", "clean", "--force"], Repo, Env());
        Assert.True(clean.ExitCode == 0, clean.StdErr);
        Assert.Contains($"removed {worktree} (branch worktree-fg deleted)", clean.StdOut, StringComparison.Ordinal);
        Assert.False(Directory.Exists(worktree));
        Assert.Empty((await GitAsync("branch", "--list", "worktree-fg")).Trim());
    }

    [Fact]
    public async Task Foreground_WithoutAName_IsNamedAfterTheSession()
    {
        _server.Enqueue(ScriptedTurn.Reply("nothing to change"));

        var run = await ForgeProcess.RunAsync(["-w", "-p", "look around", "--output-format", "json", .. Common], Repo, Env());

        Assert.True(run.ExitCode == 0, run.StdErr);
        var session = JsonDocument.Parse(run.StdOut).RootElement.GetProperty("session_id").GetString()!;
        var name = session[..8];
        var worktree = Path.Combine(Repo, ".forge", "worktrees", name);
        Assert.True(Directory.Exists(worktree), run.StdErr);
        Assert.Contains($"forge: worktree {worktree} (branch worktree-{name}): clean", run.StdErr, StringComparison.Ordinal);
        Assert.Equal($"worktree-{name}", (await GitAsync("-C", worktree, "rev-parse", "--abbrev-ref", "HEAD")).Trim());
    }

    [Fact]
    public async Task TwoSessionsRacingForOneName_OneGetsTheWorktree_TheOtherAClearErrorBeforeAnyModelCall()
    {
        _server.Enqueue(ScriptedTurn.Reply("won the name"));

        var runs = await Task.WhenAll(
            ForgeProcess.RunAsync(["-w", "race", "-p", "first", .. Common], Repo, Env()),
            ForgeProcess.RunAsync(["-w", "race", "-p", "second", .. Common], Repo, Env()));

        var winner = Assert.Single(runs, r => r.ExitCode == 0);
        var loser = Assert.Single(runs, r => r.ExitCode != 0);
        Assert.Equal(1, loser.ExitCode);
        Assert.Equal("won the name", winner.StdOut.Trim());
        Assert.Contains("choose another name", loser.StdErr, StringComparison.Ordinal);
        Assert.Contains("race", loser.StdErr, StringComparison.Ordinal);
        Assert.DoesNotContain("working in worktree", loser.StdErr, StringComparison.Ordinal);
        Assert.Single(_server.Requests);
        // The winner's worktree is whole and listed once by git.
        var worktree = Path.Combine(Repo, ".forge", "worktrees", "race");
        Assert.Equal("hello\n", await File.ReadAllTextAsync(Path.Combine(worktree, "README.md"), Ct));
        Assert.Single((await GitAsync("worktree", "list", "--porcelain")).Split('\n'), l => l == $"worktree {worktree}");
    }

    [Fact]
    public async Task NameWhoseBranchIsLeftFromAnEarlierWorktree_IsRefusedAsTaken_WithGitsErrorOnly()
    {
        await GitAsync("branch", "worktree-old");

        var run = await ForgeProcess.RunAsync(["-w", "old", "-p", "hi", .. Common], Repo, Env());

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("forge: --worktree: the name 'old' is taken: branch worktree-old", run.StdErr, StringComparison.Ordinal);
        Assert.Contains("git: fatal: a branch named 'worktree-old' already exists", run.StdErr, StringComparison.Ordinal);
        Assert.DoesNotContain("Preparing worktree", run.StdErr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(Repo, ".forge", "worktrees", "old")));
        Assert.Empty(_server.Requests);
    }
}
