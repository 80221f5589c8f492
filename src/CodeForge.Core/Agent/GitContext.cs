using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace CodeForge.Core.Agent;

/// <summary>What the system prompt says about the repository, read once at session start.</summary>
/// <param name="Branch">The current branch (or <c>HEAD (detached at abc1234)</c>).</param>
/// <param name="MainBranch">The branch pull requests usually target (<c>origin/HEAD</c>, else <c>main</c> or <c>master</c>), or null.</param>
/// <param name="Status">Short <c>git status</c> lines (capped; a last line says how many were left out), empty when clean.</param>
/// <param name="RecentCommits">The last few commits, one line each (<c>hash subject</c>).</param>
public sealed record GitSnapshot(string Branch, string? MainBranch, IReadOnlyList<string> Status, IReadOnlyList<string> RecentCommits)
{
    /// <summary>The block the system prompt shows under "Git status at the start of the session".</summary>
    public string ToPromptText()
    {
        var s = new StringBuilder();
        s.AppendLine(CultureInfo.InvariantCulture, $"Current branch: {Branch}");
        if (MainBranch is not null)
        {
            s.AppendLine(CultureInfo.InvariantCulture, $"Main branch (you will usually use this for PRs): {MainBranch}");
        }
        s.AppendLine();
        s.AppendLine("Status:");
        if (Status.Count == 0)
        {
            s.AppendLine("(clean)");
        }
        foreach (var line in Status)
        {
            s.AppendLine(line);
        }
        if (RecentCommits.Count > 0)
        {
            s.AppendLine();
            s.AppendLine("Recent commits:");
            foreach (var line in RecentCommits)
            {
                s.AppendLine(line);
            }
        }
        return s.ToString().TrimEnd();
    }
}

/// <summary>
/// Reads the git facts of the system prompt (<see cref="GitSnapshot"/>) by running <c>git</c> at session start.
/// Fast paths: a directory with no <c>.git</c> above it is not asked at all; git missing, failing or slower than the
/// timeout gives null (no error: the prompt just says less).
/// </summary>
/// <remarks>Stateless and thread-safe; each call starts its own git processes (status and log, concurrently; for-each-ref
/// too only where the refs cannot be read from the repository's files) and waits for them.</remarks>
public static class GitContext
{
    /// <summary>The most status lines shown.</summary>
    public const int MaxStatusLines = 40;

    /// <summary>How many recent commits are shown.</summary>
    public const int RecentCommitCount = 5;

    /// <summary>How long git may take before it is abandoned.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(3);

    /// <summary>
    /// Reads the snapshot for <paramref name="workingDirectory"/>, or null when it is not in a git repository, git is not
    /// installed (<paramref name="gitExecutable"/> cannot be started) or git fails.
    /// </summary>
    public static async Task<GitSnapshot?> ReadAsync(
        string workingDirectory, string gitExecutable = "git", TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(workingDirectory);
        ArgumentException.ThrowIfNullOrWhiteSpace(gitExecutable);
        // One walk up the folders finds .git for both questions: whether this is a repository, and where its refs are.
        if (FindDotGit(workingDirectory) is not { } dotGit)
        {
            return null;
        }
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout ?? DefaultTimeout);
        try
        {
            var status = RunAsync(gitExecutable, workingDirectory, ["status", "--porcelain=v1", "--branch", "--untracked-files=normal"], cts.Token);
            var log = RunAsync(gitExecutable, workingDirectory, ["log", "--oneline", "--no-decorate", "-n", RecentCommitCount.ToString(CultureInfo.InvariantCulture)], cts.Token);
            // The main-branch refs are read from the repository's files (one process less at every start); git is asked
            // only where the files cannot answer (reftable storage, GIT_DIR set, an unreadable layout).
            var refs = MainBranchRefsFromDotGit(dotGit) is { } fromFiles
                ? Task.FromResult<MainBranchRefs?>(fromFiles)
                : MainBranchRefsFromGitAsync(gitExecutable, workingDirectory, cts.Token);
            await Task.WhenAll(new Task[] { status, log, refs }).ConfigureAwait(false);
            var statusOut = await status.ConfigureAwait(false);
            if (statusOut is null)
            {
                return null;
            }
            var logOut = await log.ConfigureAwait(false) ?? "";
            var found = await refs.ConfigureAwait(false);
            return Parse(statusOut, logOut, found?.Refs ?? "", found?.OriginHead);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    /// <summary>Builds the snapshot from git's output (exposed for tests).</summary>
    internal static GitSnapshot Parse(string statusOutput, string logOutput, string refsOutput, string? originHead)
    {
        // Not trimmed: the first column of a porcelain line matters (" M" unstaged, "M " staged).
        var lines = statusOutput.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Trim().Length > 0);
        var branch = "(unknown)";
        var status = new List<string>();
        var files = 0;
        foreach (var line in lines)
        {
            if (line.StartsWith("## ", StringComparison.Ordinal))
            {
                branch = BranchName(line[3..]);
                continue;
            }
            files++;
            if (status.Count < MaxStatusLines)
            {
                status.Add(line);
            }
        }
        if (files > MaxStatusLines)
        {
            status.Add(string.Create(CultureInfo.InvariantCulture, $"... and {files - MaxStatusLines} more (run git status to see them all)"));
        }
        var refs = refsOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        string? main = originHead?.Trim() is { Length: > 0 } head ? StripOrigin(head)
            : refs.Contains("refs/heads/main") || refs.Contains("refs/remotes/origin/main") ? "main"
            : refs.Contains("refs/heads/master") || refs.Contains("refs/remotes/origin/master") ? "master"
            : null;
        var commits = logOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return new GitSnapshot(branch, main, status, commits);
    }

    private static string StripOrigin(string reference) =>
        reference.StartsWith("origin/", StringComparison.Ordinal) ? reference["origin/".Length..] : reference;

    // "main...origin/main [ahead 1]", "No commits yet on main", "HEAD (no branch)".
    private static string BranchName(string header)
    {
        const string noCommits = "No commits yet on ";
        if (header.StartsWith(noCommits, StringComparison.Ordinal))
        {
            return header[noCommits.Length..] + " (no commits yet)";
        }
        var dots = header.IndexOf("...", StringComparison.Ordinal);
        var name = dots >= 0 ? header[..dots] : header;
        var space = name.IndexOf(' ', StringComparison.Ordinal);
        if (space >= 0 && !name.StartsWith("HEAD", StringComparison.Ordinal))
        {
            name = name[..space];
        }
        var tracking = dots >= 0 ? header[(dots + 3)..] : "";
        var bracket = tracking.IndexOf('[', StringComparison.Ordinal);
        return bracket >= 0 ? $"{name} {tracking[bracket..]}" : name;
    }

    /// <summary>True when <paramref name="directory"/> or a parent holds <c>.git</c> (a directory, or a file for worktrees).</summary>
    internal static bool IsInsideRepository(string directory) => FindDotGit(directory) is not null;

    /// <summary>The nearest <c>.git</c> (directory, or a worktree's file) at or above <paramref name="directory"/>, or null.</summary>
    private static string? FindDotGit(string directory)
    {
        for (var dir = new DirectoryInfo(Path.GetFullPath(directory)); dir is not null; dir = dir.Parent)
        {
            var git = Path.Combine(dir.FullName, ".git");
            if (Directory.Exists(git) || File.Exists(git))
            {
                return git;
            }
        }
        return null;
    }

    /// <summary>The refs among <see cref="MainBranchCandidates"/> that exist (one per line, as <c>git for-each-ref</c>
    /// prints them) and what <c>refs/remotes/origin/HEAD</c> points to (<c>origin/main</c>), or null when not set.</summary>
    internal sealed record MainBranchRefs(string Refs, string? OriginHead);

    private static readonly string[] MainBranchCandidates =
        ["refs/remotes/origin/HEAD", "refs/heads/main", "refs/heads/master", "refs/remotes/origin/main", "refs/remotes/origin/master"];

    /// <summary>
    /// The main-branch refs as git would list them, read from the files of the repository holding
    /// <paramref name="workingDirectory"/>: loose refs under <c>refs/</c> and the <c>packed-refs</c> file of the common
    /// directory (a linked worktree's <c>.git</c> file names its git directory, whose <c>commondir</c> names the shared
    /// one). Null when the files cannot answer for git: <c>GIT_DIR</c> or <c>GIT_COMMON_DIR</c> is set, the refs are in
    /// reftable storage, or the layout cannot be read.
    /// </summary>
    internal static MainBranchRefs? MainBranchRefsFromFiles(string workingDirectory) =>
        FindDotGit(workingDirectory) is { } dotGit ? MainBranchRefsFromDotGit(dotGit) : null;

    /// <summary><see cref="MainBranchRefsFromFiles"/> for the <c>.git</c> (directory, or a worktree's file) already found.</summary>
    private static MainBranchRefs? MainBranchRefsFromDotGit(string dotGit)
    {
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("GIT_DIR"))
            || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("GIT_COMMON_DIR")))
        {
            return null;
        }
        try
        {
            var gitDir = dotGit;
            if (File.Exists(dotGit))
            {
                var line = File.ReadLines(dotGit).FirstOrDefault() ?? "";
                if (!line.StartsWith("gitdir:", StringComparison.Ordinal))
                {
                    return null;
                }
                gitDir = Path.GetFullPath(line["gitdir:".Length..].Trim(), Path.GetDirectoryName(dotGit)!);
            }
            var commonDirFile = Path.Combine(gitDir, "commondir");
            var commonDir = File.Exists(commonDirFile)
                ? Path.GetFullPath(File.ReadAllText(commonDirFile).Trim(), gitDir)
                : gitDir;
            if (!Directory.Exists(Path.Combine(commonDir, "refs")) || Directory.Exists(Path.Combine(commonDir, "reftable")))
            {
                return null;
            }
            var packedFile = Path.Combine(commonDir, "packed-refs");
            var packed = File.Exists(packedFile)
                ? File.ReadLines(packedFile)
                    .Where(l => l.Length > 0 && l[0] != '#' && l[0] != '^')
                    .Select(l => l[(l.IndexOf(' ', StringComparison.Ordinal) + 1)..].TrimEnd('\r'))
                    .ToHashSet(StringComparer.Ordinal)
                : [];
            bool Exists(string reference) => packed.Contains(reference) || File.Exists(Path.Combine(commonDir, reference));

            // origin/HEAD is symbolic (never packed): "ref: refs/remotes/origin/main". git lists it only when its target exists.
            string? originHead = null;
            var originHeadFile = Path.Combine(commonDir, "refs", "remotes", "origin", "HEAD");
            if (File.Exists(originHeadFile)
                && File.ReadAllText(originHeadFile).Trim() is var content
                && content.StartsWith("ref: refs/remotes/", StringComparison.Ordinal)
                && Exists(content["ref: ".Length..]))
            {
                originHead = content["ref: refs/remotes/".Length..];
            }
            var listed = MainBranchCandidates
                .Where(r => r == "refs/remotes/origin/HEAD" ? originHead is not null : Exists(r))
                .Order(StringComparer.Ordinal);
            return new MainBranchRefs(string.Join('\n', listed), originHead);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return null;
        }
    }

    /// <summary>The same answer as <see cref="MainBranchRefsFromFiles"/>, asked of git (two processes).</summary>
    internal static async Task<MainBranchRefs?> MainBranchRefsFromGitAsync(string git, string workingDirectory, CancellationToken ct)
    {
        var refs = await RunAsync(git, workingDirectory, ["for-each-ref", "--format=%(refname)", .. MainBranchCandidates], ct).ConfigureAwait(false);
        if (refs is null)
        {
            return null;
        }
        var originHead = refs.Contains("refs/remotes/origin/HEAD", StringComparison.Ordinal)
            ? (await RunAsync(git, workingDirectory, ["symbolic-ref", "--short", "refs/remotes/origin/HEAD"], ct).ConfigureAwait(false))?.Trim()
            : null;
        return new MainBranchRefs(refs.TrimEnd('\n'), string.IsNullOrEmpty(originHead) ? null : originHead);
    }

    // The standard output of a successful run, or null (git missing, not a repository, any failure).
    private static async Task<string?> RunAsync(string git, string cwd, string[] arguments, CancellationToken ct)
    {
        var start = new ProcessStartInfo(git)
        {
            WorkingDirectory = cwd,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment["GIT_OPTIONAL_LOCKS"] = "0"; // status must not take the index lock of a repository in use
        start.Environment["GIT_TERMINAL_PROMPT"] = "0";
        start.Environment["LC_ALL"] = "C";
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("git did not start");
        }
        catch (Exception ex) when (ex is Win32Exception or InvalidOperationException or FileNotFoundException)
        {
            return null;
        }
        using (process)
        {
            process.StandardInput.Close();
            var stdout = process.StandardOutput.ReadToEndAsync(ct);
            var stderr = process.StandardError.ReadToEndAsync(ct);
            try
            {
                await process.WaitForExitAsync(ct).ConfigureAwait(false);
                var output = await stdout.ConfigureAwait(false);
                _ = await stderr.ConfigureAwait(false);
                return process.ExitCode == 0 ? output : null;
            }
            catch (OperationCanceledException)
            {
                try
                {
                    process.Kill(entireProcessTree: true);
                }
                catch (InvalidOperationException)
                {
                    // already exited
                }
                throw;
            }
        }
    }
}
