using System.Globalization;
using CodeForge.Core.Background;
using CodeForge.Core.Paths;

namespace CodeForge.Cli.Agents;

/// <summary>
/// <c>--worktree [name]</c>: a session in its own git worktree, <c>&lt;repository&gt;/.forge/worktrees/&lt;name&gt;</c>
/// on a new branch <c>worktree-&lt;name&gt;</c> started from the current HEAD (Claude Code's layout, under
/// <c>.forge</c>), so agents running in parallel edit separate checkouts. The folder is added to the repository's
/// <c>info/exclude</c>. <see cref="CleanAsync"/> removes finished ones.
/// </summary>
/// <remarks>Stateless: several forge processes may create worktrees at once; git serialises its own updates of the
/// repository; of two sessions asking for one name, git's <c>worktree add</c> lets one through and the other is
/// refused with the reason (an existing folder is refused before git is asked).</remarks>
internal static class Worktrees
{
    public const string Folder = ".forge/worktrees";
    public const string BranchPrefix = "worktree-";

    public sealed record Created(string Path, string Branch, string WorkingDirectory, string BaseCommit);

    /// <summary>Whether <paramref name="name"/> can name a worktree folder and branch.</summary>
    public static bool IsValidName(string name) =>
        name.Length is > 0 and <= 64 && name[0] != '.' && name[0] != '-' && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');

    public static async Task<string?> RepositoryRootAsync(string directory, CancellationToken ct)
    {
        var top = await Git.RunAsync(directory, ct, "rev-parse", "--show-toplevel").ConfigureAwait(false);
        return top.Ok ? top.StdOut.Trim() : null;
    }

    /// <summary>Creates the worktree for a session started in <paramref name="directory"/>.</summary>
    /// <exception cref="InvalidOperationException">Not a git repository, a bad name, or git refused (its message included).</exception>
    public static async Task<Created> CreateAsync(string directory, string name, CancellationToken ct)
    {
        if (!IsValidName(name))
        {
            throw new InvalidOperationException($"--worktree: '{name}' is not a usable worktree name (letters, digits, '-', '_', '.'; at most 64).");
        }
        var root = await RepositoryRootAsync(directory, ct).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"--worktree: {directory} is not inside a git repository.");
        var head = await Git.RunAsync(root, ct, "rev-parse", "HEAD").ConfigureAwait(false);
        if (!head.Ok)
        {
            throw new InvalidOperationException($"--worktree: the repository at {root} has no commit yet to start a worktree from.");
        }
        var path = Path.Combine(root, ForgeFiles.ForgeDirectory, "worktrees", name);
        if (Directory.Exists(path))
        {
            throw new InvalidOperationException($"--worktree: {path} already exists; choose another name or remove it (forge worktree clean).");
        }
        var branch = BranchPrefix + name;
        var add = await Git.RunAsync(root, ct, "worktree", "add", "-b", branch, path, "HEAD").ConfigureAwait(false);
        if (!add.Ok)
        {
            // Two sessions asking for one name at once: git creates the branch for one; the other lands here.
            var taken = await Git.RunAsync(root, ct, "rev-parse", "--verify", "--quiet", "refs/heads/" + branch).ConfigureAwait(false);
            if (taken.Ok || Directory.Exists(path))
            {
                throw new InvalidOperationException(
                    $"--worktree: the name '{name}' is taken: branch {branch} or {path} already exists (another session may have " +
                    $"just created it); choose another name, or remove a finished one (forge worktree clean). git: {GitError(add.StdErr)}");
            }
            throw new InvalidOperationException($"--worktree: git worktree add failed: {add.StdErr.Trim()}");
        }
        await ExcludeAsync(root, ct).ConfigureAwait(false);
        var relative = Path.GetRelativePath(root, Path.GetFullPath(directory));
        var inside = relative == "." ? path : Path.Combine(path, relative);
        return new Created(path, branch, Directory.Exists(inside) ? inside : path, head.StdOut.Trim());
    }

    /// <summary>"3 files changed, 10 insertions(+), 2 deletions(-)" since <paramref name="baseCommit"/> (commits and
    /// uncommitted changes), plus untracked files; "clean" when nothing changed, "gone" when the folder is missing.</summary>
    public static async Task<string> DiffStatAsync(string worktree, string? baseCommit, CancellationToken ct)
    {
        if (!Directory.Exists(worktree))
        {
            return "gone";
        }
        var diff = await Git.RunAsync(worktree, ct, "diff", "--shortstat", baseCommit ?? "HEAD").ConfigureAwait(false);
        var status = await Git.RunAsync(worktree, ct, "status", "--porcelain").ConfigureAwait(false);
        var untracked = status.StdOut.Split('\n').Count(l => l.StartsWith("??", StringComparison.Ordinal));
        var parts = new List<string>();
        if (diff.StdOut.Trim() is { Length: > 0 } stat)
        {
            parts.Add(stat);
        }
        if (untracked > 0)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"{untracked} untracked"));
        }
        return parts.Count == 0 ? "clean" : string.Join(", ", parts);
    }

    /// <summary>
    /// Removes the worktrees under <see cref="Folder"/> of the repository containing <paramref name="directory"/> that no
    /// running agent uses. One with uncommitted or untracked changes is kept unless <paramref name="force"/>. A branch
    /// with no commits of its own is deleted with it; one with commits is kept (merge or delete it yourself).
    /// </summary>
    public static async Task<int> CleanAsync(string directory, bool force, AgentRegistry registry, TextWriter output, TextWriter error, CancellationToken ct)
    {
        var root = await RepositoryRootAsync(directory, ct).ConfigureAwait(false);
        if (root is null)
        {
            await error.WriteLineAsync($"forge: {directory} is not inside a git repository.").ConfigureAwait(false);
            return 1;
        }
        var folder = Path.Combine(root, ForgeFiles.ForgeDirectory, "worktrees") + Path.DirectorySeparatorChar;
        var list = await Git.RunAsync(root, ct, "worktree", "list", "--porcelain").ConfigureAwait(false);
        var entries = new List<(string Path, string? Branch)>();
        string? current = null;
        foreach (var line in list.StdOut.Split('\n'))
        {
            if (line.StartsWith("worktree ", StringComparison.Ordinal))
            {
                current = line["worktree ".Length..];
                entries.Add((current, null));
            }
            else if (line.StartsWith("branch refs/heads/", StringComparison.Ordinal) && current is not null)
            {
                entries[^1] = (current, line["branch refs/heads/".Length..]);
            }
        }
        var live = registry.List().Where(r => r.Worktree is not null && AgentStatus.IsLive(registry.EffectiveStatus(r))).ToList();
        var removed = 0;
        foreach (var (path, branch) in entries.Where(e => e.Path.StartsWith(folder, StringComparison.Ordinal)))
        {
            if (live.FirstOrDefault(r => string.Equals(Path.GetFullPath(r.Worktree!), path, StringComparison.Ordinal)) is { } user)
            {
                await output.WriteLineAsync($"kept    {path}: agent {user.Id} is running in it").ConfigureAwait(false);
                continue;
            }
            var status = await Git.RunAsync(path, ct, "status", "--porcelain").ConfigureAwait(false);
            if (status.Ok && status.StdOut.Trim().Length > 0 && !force)
            {
                await output.WriteLineAsync($"kept    {path}: it has uncommitted changes (forge worktree clean --force removes it anyway)").ConfigureAwait(false);
                continue;
            }
            var remove = force
                ? await Git.RunAsync(root, ct, "worktree", "remove", "--force", path).ConfigureAwait(false)
                : await Git.RunAsync(root, ct, "worktree", "remove", path).ConfigureAwait(false);
            if (!remove.Ok)
            {
                await error.WriteLineAsync($"forge: could not remove {path}: {remove.StdErr.Trim()}").ConfigureAwait(false);
                continue;
            }
            removed++;
            var note = "";
            if (branch is not null)
            {
                // -d refuses a branch with commits not merged into HEAD: those are kept.
                var delete = await Git.RunAsync(root, ct, "branch", "-d", branch).ConfigureAwait(false);
                note = delete.Ok ? $" (branch {branch} deleted)" : $" (branch {branch} kept: it has commits not merged)";
            }
            await output.WriteLineAsync($"removed {path}{note}").ConfigureAwait(false);
        }
        if (removed == 0)
        {
            await output.WriteLineAsync("No finished worktree to remove.").ConfigureAwait(false);
        }
        return 0;
    }

    /// <summary>git's error lines (<c>fatal:</c>, <c>error:</c>) without its progress notes, or all of it when it has none.</summary>
    internal static string GitError(string stderr)
    {
        var errors = stderr.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith("fatal:", StringComparison.Ordinal) || l.StartsWith("error:", StringComparison.Ordinal)).ToList();
        return errors.Count > 0 ? string.Join(" ", errors) : stderr.Trim();
    }

    private static async Task ExcludeAsync(string root, CancellationToken ct)
    {
        var common = await Git.RunAsync(root, ct, "rev-parse", "--git-common-dir").ConfigureAwait(false);
        if (!common.Ok)
        {
            return;
        }
        var dir = common.StdOut.Trim();
        var info = Path.Combine(Path.IsPathRooted(dir) ? dir : Path.Combine(root, dir), "info");
        Directory.CreateDirectory(info);
        var exclude = Path.Combine(info, "exclude");
        var existing = File.Exists(exclude) ? await File.ReadAllTextAsync(exclude, ct).ConfigureAwait(false) : "";
        if (!existing.Split('\n').Any(l => l.Trim() == "/" + Folder + "/"))
        {
            await File.AppendAllTextAsync(exclude, (existing.Length > 0 && !existing.EndsWith('\n') ? "\n" : "") + "/" + Folder + "/\n", ct).ConfigureAwait(false);
        }
    }
}
