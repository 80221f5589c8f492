using System.Diagnostics;
using CodeForge.Core.Agent;

namespace CodeForge.Core.Tests.Agent;

public sealed class GitContextTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("forge-git-");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _dir.Delete(recursive: true);

    private Task GitAsync(params string[] args) => GitInAsync(_dir.FullName, args);

    private static async Task GitInAsync(string directory, params string[] args)
    {
        var start = new ProcessStartInfo("git") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
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
    private static async Task<string> CommitAsync(string directory, string branch)
    {
        Directory.CreateDirectory(directory);
        await GitInAsync(directory, "init", "-q", "-b", branch);
        await File.WriteAllTextAsync(Path.Combine(directory, "a.txt"), "a", Ct);
        await GitInAsync(directory, "add", "a.txt");
        await GitInAsync(directory, "commit", "-q", "-m", "first");
        return directory;
    }

    /// <summary>Builds one repository layout and returns the folder forge would run in.</summary>
    private async Task<string> LayoutAsync(string layout)
    {
        var root = _dir.FullName;
        var repo = Path.Combine(root, "repo");
        switch (layout)
        {
            case "loose main":
                return await CommitAsync(repo, "main");
            case "packed main":
                await CommitAsync(repo, "main");
                await GitInAsync(repo, "pack-refs", "--all");
                return repo;
            case "master only":
                return await CommitAsync(repo, "master");
            case "neither":
                return await CommitAsync(repo, "trunk");
            case "no commits yet":
                Directory.CreateDirectory(repo);
                await GitInAsync(repo, "init", "-q", "-b", "main");
                return repo;
        }
        var origin = await CommitAsync(Path.Combine(root, "origin"), "main");
        await GitInAsync(origin, "branch", "develop");
        await GitInAsync(root, "clone", "-q", origin, repo);
        var sub = Path.Combine(repo, "src");
        Directory.CreateDirectory(sub);
        switch (layout)
        {
            case "clone":
                return sub;
            case "clone, packed":
                await GitInAsync(repo, "pack-refs", "--all");
                return sub;
            case "clone, origin/HEAD set to develop":
                await GitInAsync(repo, "remote", "set-head", "origin", "develop");
                return repo;
            case "clone, origin/HEAD dangling":
                await GitInAsync(repo, "symbolic-ref", "refs/remotes/origin/HEAD", "refs/remotes/origin/gone");
                return repo;
            case "clone, linked worktree":
                var worktree = Path.Combine(root, "wt");
                await GitInAsync(repo, "worktree", "add", "-q", "-b", "feature", worktree);
                await GitInAsync(repo, "pack-refs", "--all");
                return worktree;
        }
        throw new ArgumentOutOfRangeException(nameof(layout), layout, null);
    }

    [Theory]
    [InlineData("loose main", "main")]
    [InlineData("packed main", "main")]
    [InlineData("master only", "master")]
    [InlineData("neither", null)]
    [InlineData("no commits yet", null)]
    [InlineData("clone", "main")]
    [InlineData("clone, packed", "main")]
    [InlineData("clone, origin/HEAD set to develop", "develop")]
    [InlineData("clone, origin/HEAD dangling", "main")]
    [InlineData("clone, linked worktree", "main")]
    public async Task MainBranchRefsFromFiles_AgreeWithWhatGitLists(string layout, string? mainBranch)
    {
        var folder = await LayoutAsync(layout);

        var fromFiles = GitContext.MainBranchRefsFromFiles(folder);
        var fromGit = await GitContext.MainBranchRefsFromGitAsync("git", folder, Ct);

        Assert.NotNull(fromFiles);
        Assert.NotNull(fromGit);
        Assert.Equal(fromGit, fromFiles);
        Assert.Equal(mainBranch, GitContext.Parse("## x\n", "", fromFiles.Refs, fromFiles.OriginHead).MainBranch);
    }

    [Fact]
    public async Task MainBranchRefsFromFiles_WhenTheRefsAreInReftableStorage_LeavesTheAnswerToGit()
    {
        var repo = await CommitAsync(Path.Combine(_dir.FullName, "repo"), "main");
        Directory.CreateDirectory(Path.Combine(repo, ".git", "reftable"));

        Assert.Null(GitContext.MainBranchRefsFromFiles(repo));
    }

    [Fact]
    public void MainBranchRefsFromFiles_OutsideARepositoryOrWithAnUnreadableGitFile_IsNull()
    {
        Assert.Null(GitContext.MainBranchRefsFromFiles(_dir.FullName));
        File.WriteAllText(Path.Combine(_dir.FullName, ".git"), "not a gitdir line");
        Assert.Null(GitContext.MainBranchRefsFromFiles(_dir.FullName));
    }
    /// <summary>A git that writes its first argument to <c>calls.log</c>, then runs the real git.</summary>
    private string LoggingGit()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Skip("the logging git is a shell script");
            return "";
        }
        var script = Path.Combine(_dir.FullName, "logging-git");
        File.WriteAllText(script, $"#!/bin/sh\n[ \"$1\" = --probe ] && exit 0\necho \"$1\" >> '{Path.Combine(_dir.FullName, "calls.log")}'\nexec git \"$@\"\n");
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        // A script just written can fail to start with ETXTBSY while a process another test forked meanwhile still holds
        // it open for writing (until that process execs). Once one start succeeds no such holder is left, so every later
        // start (forge's git calls) succeeds too.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                using var probe = Process.Start(script, "--probe");
                probe.WaitForExit();
                return script;
            }
            catch (System.ComponentModel.Win32Exception ex) when (attempt < 100 && ex.Message.Contains("Text file busy", StringComparison.Ordinal))
            {
                Thread.Yield();
            }
        }
    }

    [Fact]
    public async Task Read_InAClone_RunsOnlyStatusAndLog_AndStillFindsTheMainBranch()
    {
        var folder = await LayoutAsync("clone, origin/HEAD set to develop");

        var snapshot = await GitContext.ReadAsync(folder, gitExecutable: LoggingGit(), cancellationToken: Ct);

        Assert.NotNull(snapshot);
        Assert.Equal("develop", snapshot.MainBranch);
        Assert.Equal(["log", "status"], (await File.ReadAllLinesAsync(Path.Combine(_dir.FullName, "calls.log"), Ct)).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Read_WhenTheRefsCannotBeReadFromFiles_AsksGitForThem()
    {
        var folder = await LayoutAsync("clone");
        Directory.CreateDirectory(Path.Combine(_dir.FullName, "repo", ".git", "reftable"));

        var snapshot = await GitContext.ReadAsync(folder, gitExecutable: LoggingGit(), cancellationToken: Ct);

        Assert.NotNull(snapshot);
        Assert.Equal("main", snapshot.MainBranch);
        Assert.Equal(["for-each-ref", "log", "status", "symbolic-ref"], (await File.ReadAllLinesAsync(Path.Combine(_dir.FullName, "calls.log"), Ct)).Order(StringComparer.Ordinal));
    }
}
