using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using CodeForge.Core.Shells.Sandbox;

namespace CodeForge.Core.Permissions;

/// <summary>A deny rule the sandbox cannot enforce, with the reason; the command parser alone checks it.</summary>
/// <param name="Rule">The rule.</param>
/// <param name="Reason">Why no mount can make it hold (a subcommand rule, a shell builtin, a multi-call binary, …).</param>
public sealed record ParserOnlyRule(PermissionRule Rule, string Reason);

/// <summary>
/// The deny rules of one <see cref="PermissionPolicy"/> snapshot compiled for the bubblewrap sandbox: <c>Read(…)</c> deny
/// rules hide every existing match, <c>Edit(…)</c>/<c>Write(…)</c> deny rules show every existing match read-only, and
/// <c>Bash(prog *)</c> / <c>Bash(prog:*)</c> deny rules hide every copy of the program on <c>PATH</c> and in the usual bin
/// directories. Rules no mount can enforce (subcommands and arguments, shell builtins, the shells the sandbox itself runs,
/// multi-call binaries) are listed in <see cref="ParserOnly"/>.
/// </summary>
/// <remarks>
/// Immutable after <see cref="Compile"/>; <see cref="Resolve"/> reads the file system (the matches that exist when a
/// command starts) and may be called from any number of threads at once.
/// <para>Limits, by construction: a path is hidden by its name, so a hard link made earlier under a name no rule matches is
/// not; a file created later that matches a pattern (but lies outside a hidden directory) is hidden from the next command
/// on; an edit-denied path that does not exist yet can be created; a denied program is hidden, not its effect (another
/// program, a script language or a compiler can do the same work), and a copy made before the rule (under another name
/// or outside the bin directories) is not found. Matches are searched in the tree below the pattern's anchor without
/// following links to directories (a link that itself matches is followed to its target).</para>
/// </remarks>
public sealed class SandboxDenyPlan
{
    /// <summary>How many directory entries <see cref="Resolve"/> may visit for one command before it gives up.</summary>
    public const int MaxEntriesVisited = 200_000;

    /// <summary>The bin directories searched besides <c>PATH</c>.</summary>
    public static readonly ImmutableArray<string> UsualBinDirectories =
        ["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"];

    /// <summary>Binaries that act as many programs (named by <c>argv[0]</c> or their first argument).</summary>
    public static readonly FrozenSet<string> MultiCallBinaries = new[] { "busybox", "toybox", "coreutils" }.ToFrozenSet(StringComparer.Ordinal);

    private static readonly FrozenSet<string> ShellBuiltins = new[]
    {
        "echo", "printf", "test", "[", "kill", "pwd", "true", "false", "cd", "read", "type", "command", "exec", "eval", "source",
        ".", "export", "set", "unset", "alias", "unalias", "ulimit", "umask", "wait", "trap", "times", "hash", "getopts", "let",
        "local", "declare", "typeset", "readonly", "shift", "return", "exit", "break", "continue", "jobs", "fg", "bg", "disown",
        "builtin", "enable", "help", "history", "mapfile", "readarray", "shopt", "suspend", "compgen", "complete", "dirs",
        "pushd", "popd", "logout", "caller", "coproc", "time", ":",
    }.ToFrozenSet(StringComparer.Ordinal);

    private static readonly string[] SandboxShells = ["/bin/sh", "/bin/bash", "/usr/bin/bash"];

    /// <summary>
    /// Programs masked along with a denied one because they do its job by another name: a user who denies <c>rm</c> means
    /// "no deleting with a command", and <c>unlink</c> and <c>shred -u</c> delete files as well.
    /// </summary>
    public static readonly FrozenDictionary<string, ImmutableArray<string>> Siblings =
        new Dictionary<string, ImmutableArray<string>>(StringComparer.Ordinal)
        {
            ["rm"] = ["unlink", "shred"],
        }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>What a program deny rule does not stop, said by <c>/permissions</c> and <c>forge -p --verbose</c>.</summary>
    public const string ProgramRuleLimit =
        "a program rule stops the program, not the act: python's os.remove, perl's unlink, mv, find -delete and truncate " +
        "can still delete or empty a file; an Edit(path) deny rule (read-only inside the sandbox) is what protects the file";

    /// <summary>A file name no real file has, to ask whether a pattern covers everything that may appear in a directory.</summary>
    private const string Probe = "\u2400forge-sandbox-probe";

    private readonly PermissionPolicy _policy;

    private SandboxDenyPlan(
        PermissionPolicy policy, ImmutableArray<PermissionRule> hidden, ImmutableArray<PermissionRule> readOnly,
        ImmutableArray<(PermissionRule Rule, string Program)> programs, ImmutableArray<ParserOnlyRule> parserOnly, int confined)
    {
        ConfinedBuiltIns = confined;
        _policy = policy;
        Hidden = hidden;
        ReadOnly = readOnly;
        Programs = programs;
        ParserOnly = parserOnly;
    }

    /// <summary>The <c>Read(…)</c> deny rules: every existing match is hidden.</summary>
    public ImmutableArray<PermissionRule> Hidden { get; }

    /// <summary>The <c>Edit(…)</c>, <c>Write(…)</c>, <c>MultiEdit(…)</c> and <c>NotebookEdit(…)</c> deny rules: every existing match is read-only.</summary>
    public ImmutableArray<PermissionRule> ReadOnly { get; }

    /// <summary>
    /// The <c>Bash(prog *)</c> deny rules and their program: every copy of it is hidden. A rule appears once per program it
    /// masks: its own, then its <see cref="Siblings"/> (<c>Bash(rm *)</c> also masks <c>unlink</c> and <c>shred</c>).
    /// </summary>
    public ImmutableArray<(PermissionRule Rule, string Program)> Programs { get; }

    /// <summary>
    /// How many built-in (Defaults layer) Bash deny rules the confinement itself holds: they guard against damage outside
    /// the workspace (<c>rm -rf /</c>, <c>mkfs</c>, <c>dd of=/dev/…</c>), which the read-only root, the private <c>/dev</c>
    /// and the dropped capabilities prevent. (Inside the writable workspace, removal is possible like any other write.)
    /// </summary>
    public int ConfinedBuiltIns { get; }

    /// <summary>Bash deny rules no mount can enforce.</summary>
    public ImmutableArray<ParserOnlyRule> ParserOnly { get; }

    /// <summary>True when the sandbox enforces every deny rule that could apply to a command the parser cannot see through.</summary>
    public bool EnforcesEveryDenyRule => ParserOnly.IsEmpty;

    /// <summary>Compiles the deny rules of every layer of <paramref name="policy"/>; program rules are checked against this process's <c>PATH</c>.</summary>
    public static SandboxDenyPlan Compile(PermissionPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var hidden = ImmutableArray.CreateBuilder<PermissionRule>();
        var readOnly = ImmutableArray.CreateBuilder<PermissionRule>();
        var programs = ImmutableArray.CreateBuilder<(PermissionRule, string)>();
        var parserOnly = ImmutableArray.CreateBuilder<ParserOnlyRule>();
        var confined = 0;
        foreach (var layer in Enum.GetValues<PermissionLayer>())
        {
            foreach (var rule in policy[layer].Deny)
            {
                if (rule.Kind == PermissionRuleKind.Path && rule.PathPattern is not null)
                {
                    if (rule.ToolPattern == ToolNames.Read)
                    {
                        hidden.Add(rule);
                    }
                    else if (ToolNames.IsEditFamily(rule.ToolPattern))
                    {
                        readOnly.Add(rule);
                    }
                    continue;
                }
                if (rule.Kind != PermissionRuleKind.BashCommand || rule.CommandPattern is not { } pattern)
                {
                    continue;
                }
                if (layer == PermissionLayer.Defaults && WholeProgram(pattern) is null)
                {
                    // The built-in catastrophic-command rules (rm -rf /, mkfs, dd of=/dev/…) are held by the confinement
                    // itself: the root, the home directory and the system directories are read-only, /dev is private and
                    // has no disks, and no capability is left.
                    confined++;
                    continue;
                }
                if (WholeProgram(pattern) is not { } program)
                {
                    parserOnly.Add(new ParserOnlyRule(rule, pattern.Contains(' ', StringComparison.Ordinal)
                        ? "it names arguments or a subcommand, and a mount can only hide a whole program"
                        : "it denies one exact command line, not a whole program (Bash(prog *) or Bash(prog:*) would)"));
                    continue;
                }
                if (ProgramCopies(program, null, out var whyNot) is null)
                {
                    parserOnly.Add(new ParserOnlyRule(rule, whyNot!));
                    continue;
                }
                programs.Add((rule, program));
                foreach (var sibling in Siblings.GetValueOrDefault(program, []))
                {
                    // Masked when it can be (a sibling that is a shell builtin or a busybox link stays usable).
                    if (ProgramCopies(sibling, null, out _) is not null)
                    {
                        programs.Add((rule, sibling));
                    }
                }
            }
        }
        return new SandboxDenyPlan(policy, hidden.ToImmutable(), readOnly.ToImmutable(), programs.ToImmutable(), parserOnly.ToImmutable(), confined);
    }

    /// <summary>
    /// The mounts for a command starting now: the real paths of every existing match of the read and edit deny rules, and
    /// of every copy of a denied program found on <paramref name="searchPath"/> (null: this process's <c>PATH</c>) and in
    /// <see cref="UsualBinDirectories"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">A pattern would need more than <see cref="MaxEntriesVisited"/> directory entries searched.</exception>
    public SandboxMounts Resolve(string? searchPath)
    {
        var budget = new StrongBox<int>(MaxEntriesVisited);
        var unreadable = new List<string>();
        var readOnly = new List<string>();
        foreach (var rule in Hidden)
        {
            Expand(rule, unreadable, budget);
        }
        foreach (var rule in ReadOnly)
        {
            Expand(rule, readOnly, budget);
        }
        foreach (var (_, program) in Programs)
        {
            if (ProgramCopies(program, searchPath, out _) is { } copies)
            {
                unreadable.AddRange(copies);
            }
        }
        return new SandboxMounts([.. unreadable.Distinct(StringComparer.Ordinal)], [.. readOnly.Distinct(StringComparer.Ordinal)]);
    }

    /// <summary>One line: the rules the sandbox enforces and those only the parser checks, with the reason.</summary>
    public string Describe()
    {
        var enforced = Hidden.Concat(ReadOnly).Where(r => r.Source.Layer != PermissionLayer.Defaults).Select(r => r.Text).ToList();
        var programRules = Programs.Where(p => p.Rule.Source.Layer != PermissionLayer.Defaults).GroupBy(p => p.Rule).ToList();
        enforced.AddRange(programRules.Select(g => g.Count() == 1 ? g.Key.Text : $"{g.Key.Text} (masks {string.Join(", ", g.Select(p => p.Program))})"));
        var text = enforced.Count == 0 ? "no deny rules of yours to enforce" : "deny rules enforced: " + string.Join(", ", enforced);
        if (programRules.Count > 0)
        {
            text += "; " + ProgramRuleLimit;
        }
        if (!ParserOnly.IsEmpty)
        {
            text += "; checked by the command parser only: " + string.Join(", ", ParserOnly.Select(p => $"{p.Rule.Text} ({p.Reason})"));
        }
        return text;
    }

    /// <summary>The program of a whole-program pattern (<c>rm *</c>, from <c>Bash(rm *)</c> or <c>Bash(rm:*)</c>), or null.</summary>
    internal static string? WholeProgram(string pattern)
    {
        if (!pattern.EndsWith(" *", StringComparison.Ordinal))
        {
            return null;
        }
        var program = pattern[..^2];
        if (program.Length == 0 || !char.IsAsciiLetterOrDigit(program[0]))
        {
            return null;
        }
        foreach (var c in program)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '+' or '-'))
            {
                return null;
            }
        }
        return program;
    }

    /// <summary>
    /// The real paths of every copy of <paramref name="program"/> (and of an unused multi-call binary that could act as it),
    /// or null with the reason when hiding them cannot work or would break the sandbox.
    /// </summary>
    internal static List<string>? ProgramCopies(string program, string? searchPath, out string? whyNot)
    {
        whyNot = null;
        if (ShellBuiltins.Contains(program))
        {
            whyNot = $"{program} is a shell builtin, which no mount can hide";
            return null;
        }
        if (MultiCallBinaries.Contains(program))
        {
            whyNot = $"{program} is a multi-call binary that may provide other commands";
            return null;
        }
        var shells = SandboxShells.Where(File.Exists).Select(PathResolver.Real).ToHashSet(StringComparer.Ordinal);
        var directories = (searchPath ?? Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Where(Path.IsPathFullyQualified)
            .Concat(UsualBinDirectories)
            .Distinct(StringComparer.Ordinal)
            .ToList();
        var copies = new List<string>();
        foreach (var directory in directories)
        {
            var candidate = Path.Join(directory, program);
            if (!File.Exists(candidate))
            {
                continue;
            }
            var real = PathResolver.Real(candidate);
            if (shells.Contains(real) || program is "sh" or "bash" or "dash")
            {
                whyNot = $"{program} is the shell the sandbox runs every command with";
                return null;
            }
            if (MultiCallBinaries.Contains(Path.GetFileName(real)))
            {
                whyNot = $"{candidate} is the multi-call binary {real}, which also provides other commands";
                return null;
            }
            if (!copies.Contains(real, StringComparer.Ordinal))
            {
                copies.Add(real);
            }
        }
        // A multi-call binary can act as the program ("busybox rm"): hide it too, unless commands on PATH are links to it.
        foreach (var directory in directories)
        {
            foreach (var name in MultiCallBinaries)
            {
                var candidate = Path.Join(directory, name);
                if (!File.Exists(candidate))
                {
                    continue;
                }
                var real = PathResolver.Real(candidate);
                if (copies.Contains(real, StringComparer.Ordinal))
                {
                    continue;
                }
                if (UsedByOtherCommands(real, directories))
                {
                    whyNot = $"{candidate} ({name}) can act as {program}, and other commands are links to it";
                    return null;
                }
                copies.Add(real);
            }
        }
        return copies;
    }

    private static bool UsedByOtherCommands(string multiCall, List<string> directories)
    {
        foreach (var directory in directories)
        {
            if (!Directory.Exists(directory))
            {
                continue;
            }
            foreach (var entry in new DirectoryInfo(directory).EnumerateFileSystemInfos())
            {
                if (entry.LinkTarget is not null && !MultiCallBinaries.Contains(entry.Name) && PathResolver.Real(entry.FullName) == multiCall)
                {
                    return true;
                }
            }
        }
        return false;
    }

    /// <summary>Adds the real path of every existing match of <paramref name="rule"/> (directories as a whole when the rule covers them).</summary>
    private void Expand(PermissionRule rule, List<string> into, StrongBox<int> budget)
    {
        var pattern = rule.PathPattern!;
        var anchor = pattern.AnchorDirectory(_policy);
        var prefix = pattern.LiteralPrefix;
        if (pattern.IsLiteral)
        {
            // One path, no search: a matching directory is covered with everything in it (gitignore semantics).
            Add(Path.Join(anchor, prefix));
            return;
        }
        var slash = prefix.LastIndexOf('/');
        var start = slash < 0 ? anchor : Path.Join(anchor, prefix[..slash]);
        var visited = new HashSet<string>(StringComparer.Ordinal);
        if (Directory.Exists(start))
        {
            Visit(start);
        }
        return;

        void Visit(string directory)
        {
            if (Covers(pattern, directory))
            {
                Add(directory);
                return;
            }
            if (!visited.Add(PathResolver.Real(directory)))
            {
                return;
            }
            IEnumerable<FileSystemInfo> entries;
            try
            {
                entries = new DirectoryInfo(directory).EnumerateFileSystemInfos("*", new EnumerationOptions
                {
                    AttributesToSkip = 0,
                    IgnoreInaccessible = true,
                    RecurseSubdirectories = false,
                });
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return;
            }
            foreach (var entry in entries)
            {
                if (--budget.Value < 0)
                {
                    throw new InvalidOperationException(
                        $"sandbox: deny rule '{rule}' would need more than {MaxEntriesVisited} directory entries searched below {start} " +
                        "to find what it matches; anchor it (./path, //path, ~/path) or narrow it");
                }
                var full = entry.FullName;
                if (IsVirtual(full))
                {
                    continue;
                }
                var isDirectory = entry is DirectoryInfo || (entry.LinkTarget is not null && Directory.Exists(full));
                if (isDirectory)
                {
                    if (Covers(pattern, full))
                    {
                        Add(full);
                    }
                    else if (entry.LinkTarget is null && pattern.MayMatchUnder(full, _policy))
                    {
                        Visit(full);
                    }
                }
                else if (pattern.Matches(full, _policy))
                {
                    Add(full);
                }
            }
        }

        void Add(string path)
        {
            if (!File.Exists(path) && !Directory.Exists(path))
            {
                return; // a dangling link
            }
            var real = PathResolver.Real(path);
            if (!IsVirtual(real) && !into.Contains(real, StringComparer.Ordinal))
            {
                into.Add(real);
            }
        }
    }

    /// <summary>Whether the pattern matches the directory, or anything that may ever appear in it.</summary>
    private bool Covers(PathPattern pattern, string directory) =>
        pattern.Matches(directory, _policy, isDirectory: true) ||
        (pattern.Matches(directory + "/" + Probe, _policy) && pattern.Matches(directory + "/" + Probe + "/" + Probe, _policy));

    private static bool IsVirtual(string path) =>
        path is "/proc" or "/sys" or "/dev" || path.StartsWith("/proc/", StringComparison.Ordinal) ||
        path.StartsWith("/sys/", StringComparison.Ordinal) || path.StartsWith("/dev/", StringComparison.Ordinal);
}

/// <summary>
/// The sandbox's view of the current permission rules: each command gets the deny rules of the snapshot current when it
/// starts (compiled once per snapshot, see <see cref="PermissionPolicy.SandboxPlan"/>).
/// </summary>
/// <remarks>Thread-safe: it reads one snapshot per call through the given function (e.g. <c>() =&gt; checker.Policy</c>).</remarks>
public sealed class PermissionSandboxDenials(Func<PermissionPolicy> current) : ISandboxDenySource
{
    private readonly Func<PermissionPolicy> _current = current ?? throw new ArgumentNullException(nameof(current));

    /// <inheritdoc />
    public SandboxMounts Resolve(string? searchPath) => _current().SandboxPlan.Resolve(searchPath);

    /// <inheritdoc />
    public string Describe() => _current().SandboxPlan.Describe();
}
