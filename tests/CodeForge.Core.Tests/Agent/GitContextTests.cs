using System.Diagnostics;
using CodeForge.Core.Agent;

namespace CodeForge.Core.Tests.Agent;

public sealed class GitContextTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("forge-git-");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _dir.Delete(recursive: true);

    private async Task GitAsync(params string[] args)
    {
        var start = new ProcessStartInfo("git") { WorkingDirectory = _dir.FullName, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in (string[])["-c", "user.name=Test", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false", .. args])
        {
            start.ArgumentList.Add(a);
        }
        using var p = Process.Start(start)!;
        var err = await p.StandardError.ReadToEndAsync(Ct);
        await p.WaitForExitAsync(Ct);
        Assert.True(p.ExitCode == 0, $"git {string.Join(' ', args)} failed (git is required by these tests; apt-get install git): {err}");
    }

    [Fact]
    public async Task Read_InARepository_GivesBranchMainBranchStatusAndRecentCommits()
    {
        await GitAsync("init", "-q", "-b", "main");
        await File.WriteAllTextAsync(Path.Combine(_dir.FullName, "a.txt"), "a", Ct);
        await GitAsync("add", "a.txt");
        await GitAsync("commit", "-q", "-m", "first commit");
        await GitAsync("checkout", "-q", "-b", "feature/x");
        await File.WriteAllTextAsync(Path.Combine(_dir.FullName, "a.txt"), "changed", Ct);
        await File.WriteAllTextAsync(Path.Combine(_dir.FullName, "new.txt"), "n", Ct);

        var snapshot = await GitContext.ReadAsync(_dir.FullName, cancellationToken: Ct);

        Assert.NotNull(snapshot);
        Assert.Equal("feature/x", snapshot.Branch);
        Assert.Equal("main", snapshot.MainBranch);
        Assert.Equal([" M a.txt", "?? new.txt"], snapshot.Status);
        Assert.Single(snapshot.RecentCommits);
        Assert.EndsWith("first commit", snapshot.RecentCommits[0], StringComparison.Ordinal);
        var text = snapshot.ToPromptText();
        Assert.Contains("Current branch: feature/x", text, StringComparison.Ordinal);
        Assert.Contains("Main branch (you will usually use this for PRs): main", text, StringComparison.Ordinal);
        Assert.Contains("first commit", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_OutsideARepository_IsNullWithoutRunningGit()
    {
        // A nonexistent git proves git is not even started outside a repository.
        Assert.Null(await GitContext.ReadAsync(_dir.FullName, gitExecutable: "/nonexistent/git", cancellationToken: Ct));
        Assert.False(GitContext.IsInsideRepository(_dir.FullName));
    }

    [Fact]
    public async Task Read_WhenGitIsMissing_IsNullAndDoesNotThrow()
    {
        Directory.CreateDirectory(Path.Combine(_dir.FullName, ".git"));

        Assert.Null(await GitContext.ReadAsync(_dir.FullName, gitExecutable: "/nonexistent/git", cancellationToken: Ct));
    }

    [Fact]
    public async Task Read_WhenGitFails_IsNull()
    {
        Directory.CreateDirectory(Path.Combine(_dir.FullName, ".git"));   // looks like a repository, but is not one

        Assert.Null(await GitContext.ReadAsync(_dir.FullName, cancellationToken: Ct));
    }

    [Fact]
    public void Parse_CapsTheStatusAndSaysHowManyWereLeftOut()
    {
        var status = "## main...origin/main [ahead 2]\n" + string.Concat(Enumerable.Range(0, 50).Select(i => $"?? f{i}.txt\n"));

        var snapshot = GitContext.Parse(status, "", "refs/heads/master\n", null);

        Assert.Equal("main [ahead 2]", snapshot.Branch);
        Assert.Equal(GitContext.MaxStatusLines + 1, snapshot.Status.Count);
        Assert.Equal("... and 10 more (run git status to see them all)", snapshot.Status[^1]);
        Assert.Equal("master", snapshot.MainBranch);
    }

    [Theory]
    [InlineData("## No commits yet on main\n", "main (no commits yet)")]
    [InlineData("## HEAD (no branch)\n", "HEAD (no branch)")]
    [InlineData("## dev\n", "dev")]
    public void Parse_ReadsTheBranchHeader(string status, string branch)
    {
        Assert.Equal(branch, GitContext.Parse(status, "", "", null).Branch);
    }

    [Fact]
    public void Parse_PrefersOriginHeadForTheMainBranch()
    {
        var snapshot = GitContext.Parse("## x\n", "abc123 msg\n", "refs/remotes/origin/HEAD\nrefs/heads/main\n", "origin/trunk\n");

        Assert.Equal("trunk", snapshot.MainBranch);
        Assert.Equal(["abc123 msg"], snapshot.RecentCommits);
        Assert.Contains("(clean)", snapshot.ToPromptText(), StringComparison.Ordinal);
    }
}
