namespace CodeForge.Core.Permissions;

/// <summary>How a Bash command touches one path.</summary>
internal enum PathAccess
{
    /// <summary>Reads the file's content (Read deny rules apply).</summary>
    Read,

    /// <summary>Looks at names or metadata only (listing, searching by name, <c>cd</c>).</summary>
    Look,

    /// <summary>Creates, changes or removes the file (Edit deny rules, the workspace and the protected paths apply).</summary>
    Write,
}

/// <summary>
/// One path a Bash command touches, resolved: every absolute path it may name (lexical and real, after globbing, for
/// each directory the command may be in at that point), or unknown when the text does not determine it.
/// </summary>
/// <param name="Subcommand">The index of the simple command.</param>
/// <param name="Access">Read, look or write.</param>
/// <param name="Written">The path as written.</param>
/// <param name="Recursive">A whole directory tree.</param>
/// <param name="Candidates">The absolute paths (lexical and real), or null when unknown.</param>
/// <param name="Certain">False when the command's directory is ambiguous at that point (a <c>cd</c> in a subshell or pipeline).</param>
internal sealed record ResolvedPath(int Subcommand, PathAccess Access, string Written, bool Recursive, IReadOnlyList<string>? Candidates, bool Certain);

/// <summary>
/// A Bash command read for the permission rules: the facts of every simple command and every path it touches,
/// resolved against the working directory as it changes with <c>cd</c>. Built once per check, on one thread.
/// </summary>
internal sealed class BashAnalysis
{
    private BashAnalysis(IReadOnlyList<CommandFacts> commands, IReadOnlyList<ResolvedPath> paths, string? opaque)
    {
        Commands = commands;
        Paths = paths;
        Opaque = opaque;
    }

    /// <summary>The facts of each subcommand, in the order of <see cref="BashCommand.Subcommands"/>.</summary>
    public IReadOnlyList<CommandFacts> Commands { get; }

    public IReadOnlyList<ResolvedPath> Paths { get; }

    /// <summary>Why the command always asks (code or text the rules cannot see), or null.</summary>
    public string? Opaque { get; }

    public static BashAnalysis Analyze(BashCommand bash, string workingDirectory, string homeDirectory)
    {
        var commands = new List<CommandFacts>(bash.Subcommands.Count);
        var paths = new List<ResolvedPath>();
        string? opaque = null;
        if (bash.Incomplete)
        {
            opaque = "the command could not be parsed completely (an unterminated quote, substitution or here-document)";
        }
        else if (bash.HasSubstitution)
        {
            opaque = "the command holds a command or process substitution, whose output the rules cannot see";
        }
        else if (bash.TooLong)
        {
            opaque = $"the command is longer than {BashCommand.MaxAllowableLength} characters";
        }

        // The directories the command may be in; unknown after cd to a computed place.
        var directories = new List<string> { workingDirectory };
        var unknownDirectory = false;
        var ambiguous = false;
        for (var i = 0; i < bash.Subcommands.Count; i++)
        {
            var sub = bash.Subcommands[i];
            var facts = BashInspector.Inspect(sub);
            commands.Add(facts);
            opaque ??= facts.Opaque;

            var runIn = directories;
            var runUnknown = unknownDirectory;
            if (facts.RunsIn is { } runsIn)
            {
                var resolved = ResolveAll(runsIn, directories, unknownDirectory, homeDirectory);
                runIn = resolved ?? [];
                runUnknown = resolved is null;
            }
            foreach (var redirect in sub.Redirects)
            {
                var target = redirect.Target;
                if (BashCommand.IsDevice(BashWords.Unquote(target)))
                {
                    continue;
                }
                Add(i, redirect.IsOutput ? PathAccess.Write : PathAccess.Read, new PathArg(target), directories, unknownDirectory);
            }
            foreach (var read in facts.Reads)
            {
                Add(i, PathAccess.Read, read, runIn, runUnknown);
            }
            foreach (var look in facts.Looks)
            {
                Add(i, PathAccess.Look, look, runIn, runUnknown);
            }
            foreach (var write in facts.Writes)
            {
                Add(i, PathAccess.Write, write, runIn, runUnknown);
            }

            if (facts.ChangesDirectoryUnknown)
            {
                unknownDirectory = true;
            }
            else if (facts.ChangesDirectoryTo is { } to)
            {
                var next = to.Length == 0 ? [homeDirectory] : ResolveAll(to, directories, unknownDirectory, homeDirectory);
                if (next is null)
                {
                    unknownDirectory = true;
                }
                else
                {
                    // The old directories stay possible: the cd may run in a subshell or a pipeline.
                    foreach (var d in next)
                    {
                        if (!directories.Contains(d))
                        {
                            directories.Add(d);
                        }
                    }
                    ambiguous = directories.Count > 1;
                }
            }
        }
        return new BashAnalysis(commands, paths, opaque);

        void Add(int index, PathAccess access, PathArg arg, List<string> dirs, bool dirUnknown)
        {
            var candidates = arg == BashInspector.Hidden ? null : ResolveAll(arg.Raw, dirs, dirUnknown, homeDirectory);
            if (candidates is not null)
            {
                var withReal = new List<string>(candidates.Count * 2);
                foreach (var c in candidates)
                {
                    withReal.Add(c);
                    var real = PathResolver.Real(c);
                    if (real != c)
                    {
                        withReal.Add(real);
                    }
                }
                candidates = withReal;
            }
            var unquoted = BashWords.Unquote(arg.Raw);
            var absolute = unquoted.StartsWith('/') || unquoted == "~" || unquoted.StartsWith("~/", StringComparison.Ordinal);
            paths.Add(new ResolvedPath(index, access, arg.Raw, arg.Recursive, candidates, absolute || (!ambiguous && !dirUnknown && dirs.Count == 1)));
        }
    }

    /// <summary>Resolves a word in each possible directory; null when unknown.</summary>
    private static List<string>? ResolveAll(string raw, List<string> directories, bool directoryUnknown, string home)
    {
        var unquoted = BashWords.Unquote(raw);
        var absolute = unquoted.StartsWith('/') || (raw.StartsWith('~') && (unquoted == "~" || unquoted.StartsWith("~/", StringComparison.Ordinal)));
        if (!absolute && directoryUnknown)
        {
            return null;
        }
        var result = new List<string>();
        foreach (var directory in absolute ? directories.Take(1) : directories)
        {
            var resolved = PathResolver.ResolveWord(raw, directory, home);
            if (resolved is null)
            {
                return null;
            }
            foreach (var r in resolved)
            {
                if (!result.Contains(r))
                {
                    result.Add(r);
                }
            }
        }
        return result;
    }
}
