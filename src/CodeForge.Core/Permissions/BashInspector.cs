namespace CodeForge.Core.Permissions;

/// <summary>A path a command reads or writes, as written (quotes kept); recursive for a directory read whole.</summary>
internal readonly record struct PathArg(string Raw, bool Recursive = false);

/// <summary>
/// What one simple command does as far as the permission rules care: the program it runs (past wrappers and
/// assignments), whether it is in the built-in read-only set, the files it reads and writes, and whether it runs code
/// the rules cannot see (then it always asks).
/// </summary>
internal sealed class CommandFacts
{
    /// <summary>The program, unquoted, or null for a command of assignments only.</summary>
    public string? Program { get; set; }

    /// <summary>Only wrappers and known-safe assignments precede the program.</summary>
    public bool PrefixSafe { get; set; }

    /// <summary>Why the command always asks (code the rules cannot see), or null.</summary>
    public string? Opaque { get; set; }

    /// <summary>Why the command is not in the built-in read-only set, or null if it is.</summary>
    public string? NotReadOnly { get; set; }

    /// <summary>Files whose content the command reads (Read deny rules apply).</summary>
    public List<PathArg> Reads { get; } = [];

    /// <summary>Paths whose names or metadata the command looks at (directories listed, searched by name).</summary>
    public List<PathArg> Looks { get; } = [];

    /// <summary>Files the command creates, changes or removes (Edit deny rules and the workspace apply).</summary>
    public List<PathArg> Writes { get; } = [];

    /// <summary>A file-system command that acceptEdits mode runs inside the workspace (mkdir, touch, mv, cp).</summary>
    public bool FileSystemEdit { get; set; }

    /// <summary>For <c>cd</c>/<c>pushd</c>: the target as written ("" for home); null when the command does not change directory.</summary>
    public string? ChangesDirectoryTo { get; set; }

    /// <summary>The command changes directory in a way the text does not show (<c>cd -</c>, <c>popd</c>).</summary>
    public bool ChangesDirectoryUnknown { get; set; }

    /// <summary>A directory the command runs in instead of the current one (<c>git -C dir</c>, <c>env -C dir</c>).</summary>
    public string? RunsIn { get; set; }
}

/// <summary>
/// The catalogue of commands the permission rules understand: the built-in read-only set (with the options that make
/// a command write or run other code), the file readers a Read deny rule stops, the file writers an Edit deny rule
/// stops, and the constructs that always ask. Stateless and thread-safe.
/// </summary>
internal static class BashInspector
{
    private static readonly HashSet<string> Shells = new(StringComparer.Ordinal)
    {
        "sh", "bash", "zsh", "dash", "ksh", "mksh", "ash", "fish", "tcsh", "csh", "busybox", "rbash", "yash",
    };

    private static readonly HashSet<string> Interpreters = new(StringComparer.Ordinal)
    {
        "python", "python2", "python3", "perl", "ruby", "node", "nodejs", "php", "lua", "Rscript", "tclsh", "osascript", "pwsh",
    };

    /// <summary>Built-ins and programs that run text given to them as code, or change what later commands run.</summary>
    private static readonly Dictionary<string, string> AlwaysOpaque = new(StringComparer.Ordinal)
    {
        ["eval"] = "eval runs text as a command",
        ["source"] = "source runs a file's commands in the shell",
        ["."] = ". runs a file's commands in the shell",
        ["alias"] = "an alias changes what later commands run",
        ["unalias"] = "unalias changes what later commands run",
        ["trap"] = "trap runs text as a command later",
        ["enable"] = "enable changes the shell's built-ins",
        ["hash"] = "hash changes where commands are found",
        ["watch"] = "watch runs its arguments through sh -c",
        ["script"] = "script runs a shell",
        ["parallel"] = "parallel runs its arguments as shell commands",
        ["su"] = "su runs a shell as another user",
        ["nsenter"] = "nsenter runs a command in another namespace",
        ["chroot"] = "chroot runs a command in another root",
        ["unshare"] = "unshare runs a command in new namespaces",
        ["fc"] = "fc re-runs history",
        ["coproc"] = "coproc runs a command in the background",
        ["function"] = "a function definition changes what later commands run",
    };

    /// <summary>Read-only commands whose every positional argument is a file whose content they read.</summary>
    private static readonly Dictionary<string, (string ShortValues, string[] LongValues)> ContentReaders = new(StringComparer.Ordinal)
    {
        ["cat"] = ("", []),
        ["tac"] = ("s", ["--separator"]),
        ["nl"] = ("bdfhilnsvw", []),
        ["head"] = ("nc", ["--lines", "--bytes"]),
        ["tail"] = ("ncs", ["--lines", "--bytes", "--pid", "--sleep-interval", "--max-unchanged-stats"]),
        ["wc"] = ("", []),
        ["strings"] = ("netT", ["--bytes", "--encoding", "--radix", "--target", "--output-separator"]),
        ["od"] = ("AjNSt", ["--address-radix", "--skip-bytes", "--read-bytes", "--format", "--endian"]), // -w, --width, --strings: optional, attached values only
        ["hexdump"] = ("efns", ["--format", "--format-file", "--length", "--skip"]),
        ["hd"] = ("efns", []),
        ["base64"] = ("w", ["--wrap"]),
        ["base32"] = ("w", ["--wrap"]),
        ["basenc"] = ("w", ["--wrap"]),
        ["md5sum"] = ("", []), ["sha1sum"] = ("", []), ["sha224sum"] = ("", []), ["sha256sum"] = ("", []),
        ["sha384sum"] = ("", []), ["sha512sum"] = ("", []), ["b2sum"] = ("l", ["--length"]), ["cksum"] = ("a", ["--algorithm"]), ["sum"] = ("", []),
        ["cut"] = ("bcdf", ["--bytes", "--characters", "--delimiter", "--fields", "--output-delimiter"]),
        ["paste"] = ("d", ["--delimiters"]),
        ["join"] = ("aejotv12", []),
        ["comm"] = ("", ["--output-delimiter"]),
        ["cmp"] = ("in", ["--ignore-initial", "--bytes"]),
        ["diff"] = ("CUFIxXSL", ["--context", "--unified", "--ignore-matching-lines", "--label", "--show-function-line", "--exclude", "--starting-file", "--tabsize", "--line-format", "--old-line-format", "--new-line-format", "--unchanged-line-format", "--horizon-lines", "--width", "--palette", "--exclude-from"]), // --color[=WHEN]: attached only
        ["fold"] = ("w", ["--width"]),
        ["fmt"] = ("wgp", ["--width", "--goal", "--prefix"]),
        ["rev"] = ("", []),
        ["column"] = ("csoNRHWE", ["--table-columns", "--separator", "--output-separator", "--output-width", "--table-name", "--table-order", "--table-right", "--table-hide", "--table-wrap"]),
        ["expand"] = ("t", ["--tabs"]),
        ["unexpand"] = ("t", ["--tabs"]),
        ["file"] = ("efFmP", ["--exclude", "--files-from", "--separator", "--magic-file", "--parameter"]),
        ["iconv"] = ("fto", ["--from-code", "--to-code", "--output"]),
        ["readlink"] = ("", []),
        ["realpath"] = ("", ["--relative-to", "--relative-base"]),
        ["shuf"] = ("nio", ["--head-count", "--input-range", "--random-source", "--output"]),
        ["look"] = ("t", []),
    };

    /// <summary>Commands that read files but are not in the read-only set (pagers, archivers, compressors).</summary>
    private static readonly HashSet<string> OtherReaders = new(StringComparer.Ordinal)
    {
        "less", "more", "most", "bat", "batcat", "view", "vi", "vim", "nvim", "nano", "emacs", "ed", "zcat", "zless", "zmore",
        "bzcat", "xzcat", "lzcat", "zstdcat", "gunzip", "gzip", "bzip2", "bunzip2", "xz", "unxz", "zstd", "lz4", "unzip", "zip",
        "tar", "7z", "cpio", "gpg", "age", "nc", "ncat", "socat", "netcat", "telnet", "mail", "sendmail", "lp", "lpr", "split",
        "csplit", "pr", "ex", "envsubst", "pandoc", "xclip", "xsel", "pbcopy", "cat-file",
    };

    /// <summary>Stands for arguments the command text does not show.</summary>
    internal static readonly PathArg Hidden = new("$HIDDEN");

    /// <summary>Commands that never take a file argument.</summary>
    private static readonly HashSet<string> NoFiles = new(StringComparer.Ordinal)
    {
        "echo", "printf", "true", "false", "pwd", "whoami", "id", "uname", "nproc", "seq", "test", "[", "basename", "dirname",
        "expr", "sleep", "which", "whereis", "type", "tr", "yes", "printenv", "numfmt", "factor", ":",
    };

    /// <summary>Inspects one simple command.</summary>
    public static CommandFacts Inspect(BashCommand.Subcommand sub)
    {
        var facts = new CommandFacts();
        var words = sub.Words.ToList();
        var k = BashCommand.PrefixLength(words, denyMode: true);
        facts.PrefixSafe = BashCommand.PrefixLength(words, denyMode: false) == k;
        for (var i = 0; i < k; i++)
        {
            InspectPrefixWord(words, i, facts);
        }
        if (k >= words.Count)
        {
            // Only assignments (X=1): they change the shell's state for later commands.
            facts.NotReadOnly = "an assignment is not a read-only command";
            foreach (var w in words)
            {
                var eq = w.IndexOf('=', StringComparison.Ordinal);
                if (eq > 0 && BashCommand.IsDangerousVariable(w[..eq]))
                {
                    facts.Opaque = $"assigning {w[..eq]} changes what later commands run";
                }
            }
            return facts;
        }
        var rawProgram = words[k];
        if (BashWords.IsDynamic(rawProgram) || BashWords.HasGlob(rawProgram))
        {
            facts.Opaque = $"the command name '{rawProgram}' is computed when the command runs";
            return facts;
        }
        var program = BashWords.Unquote(rawProgram);
        if (program.StartsWith('/') && program.Length > 1)
        {
            program = Path.GetFileName(program); // /bin/cat is cat
        }
        facts.Program = program;
        var raw = words.GetRange(k + 1, words.Count - k - 1);
        var args = raw.Select(BashWords.Unquote).ToList();
        var hidden = sub.HiddenArguments || words.Take(k).Any(w => BashWords.Unquote(w) == "xargs");
        InspectProgram(program, raw, args, facts, hidden);
        if (hidden && !NoFiles.Contains(program))
        {
            // xargs and find -exec add arguments the text does not show: files read (and written) are unknown.
            facts.Reads.Add(Hidden);
            if (facts.NotReadOnly is not null)
            {
                facts.Writes.Add(Hidden);
            }
        }
        if (facts.Opaque is null && facts.NotReadOnly is null && !facts.PrefixSafe)
        {
            facts.NotReadOnly = "it runs under sudo, an unsafe variable assignment or another prefix";
        }
        return facts;
    }

    private static void InspectPrefixWord(List<string> words, int i, CommandFacts facts)
    {
        var w = BashWords.Unquote(words[i]);
        var ofEnv = OptionOfEnv(words, i);
        var (option, attached) = (ofEnv ? BashCommand.ShortOptionWithArgument(w, BashCommand.EnvOptionsWithArgument) : null) ?? default;
        if (w is "-S" or "--split-string" || w.StartsWith("--split-string=", StringComparison.Ordinal) || option == 'S')
        {
            facts.Opaque = "env -S splits a string into a command";
        }
        if (option == 'C' || (ofEnv && w.StartsWith("--chdir", StringComparison.Ordinal)))
        {
            // `env -C DIR`, `env -i -C DIR`, `env -iC DIR`, `env -CDIR`, `env --chdir DIR`, `env --chdir=DIR`
            var value = option == 'C' ? attached : w.StartsWith("--chdir=", StringComparison.Ordinal) ? w["--chdir=".Length..] : w == "--chdir" ? "" : null;
            if (value is { Length: > 0 })
            {
                facts.RunsIn = value;
            }
            else if (value is not null && i + 1 < words.Count)
            {
                facts.RunsIn = words[i + 1];
            }
        }
        if (BashWords.IsDynamic(words[i]) && w.Contains('=', StringComparison.Ordinal) is false && i > 0)
        {
            facts.Opaque ??= $"the prefix word '{words[i]}' is computed when the command runs";
        }
    }

    /// <summary>True when prefix word <paramref name="i"/> is an option of an <c>env</c> before it: the words between are
    /// env's own options and the values of those that take one (<c>env -i -u HOME -C DIR</c>).</summary>
    private static bool OptionOfEnv(List<string> words, int i)
    {
        if (!BashWords.Unquote(words[i]).StartsWith('-'))
        {
            return false;
        }
        for (var j = i - 1; j >= 0; j--)
        {
            var w = BashWords.Unquote(words[j]);
            if (BashCommand.SystemProgramName(w) == "env")
            {
                return true;
            }
            if (j > 0)
            {
                // words[j] may be the value of the option before it (`-u HOME`, `--chdir DIR`, `-iC DIR`)
                var before = BashWords.Unquote(words[j - 1]);
                if (before is "--unset" or "--chdir" or "--split-string" ||
                    BashCommand.ShortOptionWithArgument(before, BashCommand.EnvOptionsWithArgument) is { Attached: "" })
                {
                    j--;
                    continue;
                }
            }
            if (!w.StartsWith('-'))
            {
                return false;
            }
        }
        return false;
    }

    private static void InspectProgram(string program, List<string> raw, List<string> args, CommandFacts facts, bool hidden)
    {
        if (AlwaysOpaque.TryGetValue(program, out var why))
        {
            facts.Opaque = why;
            return;
        }
        if (Shells.Contains(program))
        {
            InspectShell(program, raw, args, facts, hidden);
            return;
        }
        if (Interpreters.Contains(program) || program.StartsWith("python3.", StringComparison.Ordinal))
        {
            InspectInterpreter(program, raw, args, facts, hidden);
            return;
        }
        if (program is "export" or "declare" or "typeset" or "readonly" or "local" or "set" or "shopt" or "unset" or "setopt")
        {
            facts.NotReadOnly = $"{program} changes the shell's state";
            foreach (var a in args)
            {
                var eq = a.IndexOf('=', StringComparison.Ordinal);
                var name = eq > 0 ? a[..eq] : a;
                if ((eq > 0 || program == "unset") && !a.StartsWith('-') && BashCommand.IsDangerousVariable(name))
                {
                    facts.Opaque = $"{program} {name} changes how later commands run";
                }
                if (program is "set" or "shopt" or "setopt" && a is "-o" or "+o" or "-s" or "-T" or "functrace" or "expand_aliases" or "-u" or "extdebug")
                {
                    facts.Opaque = $"{program} {a} changes how later commands run";
                }
            }
            return;
        }
        if (ContentReaders.TryGetValue(program, out var spec))
        {
            var p = ArgScan.Scan(args, spec.ShortValues, spec.LongValues);
            foreach (var i in p.Positional)
            {
                AddPath(facts.Reads, raw[i], args[i], recursive: program == "diff" && p.Has('r', "--recursive"));
            }
            foreach (var (name, value, index) in p.Options)
            {
                if (name is "--files0-from" or "--files-from" or "-f" && program is "wc" or "file" or "hexdump" or "hd" ||
                    name is "--random-source" or "--format-file" or "--magic-file" or "-m" && program is "shuf" or "hexdump" or "file")
                {
                    AddPath(facts.Reads, index >= 0 ? raw[index] : value, value);
                }
                if (name is "-X" or "--exclude-from" && program is "diff")
                {
                    AddPath(facts.Reads, index >= 0 ? raw[index] : value, value);
                }
                if (name is "-o" or "--output" && program is "shuf" or "iconv")
                {
                    facts.NotReadOnly = $"{program} -o writes a file";
                    AddPath(facts.Writes, index >= 0 ? raw[index] : value, value);
                }
            }
            if (program == "tail" && (p.Has('f', "--follow") || p.Has('F', "")))
            {
                facts.NotReadOnly = "tail -f never ends";
            }
            return;
        }
        switch (program)
        {
            case "echo" or "printf" or "true" or "false" or "pwd" or "whoami" or "id" or "uname" or "nproc" or "uptime" or "arch" or
                "groups" or "tty" or "logname" or "printenv" or "seq" or "test" or "[" or "basename" or "dirname" or "expr" or "sleep" or
                "which" or "whereis" or "type" or "tr" or "yes" or "cal" or "locale" or "getconf" or "tput" or "ps" or "free" or "df" or
                "lsb_release" or "jobs" or "wait" or ":" or "numfmt" or "factor":
                if (program is "printf" && args.Contains("-v"))
                {
                    facts.NotReadOnly = "printf -v assigns a variable";
                }
                return;
            case "env" when args.Count == 0:
                return;
            case "hostname" or "date":
                if (program == "hostname" ? args.Any(a => !a.StartsWith('-')) : args.Any(a => a is "-s" || a.StartsWith("--set", StringComparison.Ordinal)))
                {
                    facts.NotReadOnly = $"{program} with these arguments changes the system";
                }
                if (program == "date")
                {
                    var p = ArgScan.Scan(args, "dfr", ["--date", "--file", "--reference"]); // -I[FMT], --iso-8601[=FMT]: attached only
                    foreach (var (name, value, index) in p.Options)
                    {
                        if (name is "-f" or "--file" or "-r" or "--reference")
                        {
                            AddPath(facts.Reads, index >= 0 ? raw[index] : value, value);
                        }
                    }
                }
                return;
            case "command":
                // command -v / -V name: asks where a command is; runs nothing.
                return;
            case "cd" or "pushd" or "popd":
                InspectCd(program, raw, args, facts);
                return;
            case "ls" or "dir" or "vdir" or "tree" or "du" or "stat" or "lsattr" or "getfacl" or "namei":
                InspectLister(program, raw, args, facts);
                return;
            case "find":
                InspectFind(raw, args, facts);
                return;
            case "grep" or "egrep" or "fgrep" or "rg" or "ag" or "ack" or "zgrep":
                InspectGrep(program, raw, args, facts, hidden);
                return;
            case "sort":
                InspectSort(raw, args, facts);
                return;
            case "uniq" or "xxd":
                {
                    var p = program == "uniq" ? ArgScan.Scan(args, "fsw", ["--skip-fields", "--skip-chars", "--check-chars"])
                        : ArgScan.Scan(args, "cglosn", ["-cols", "-len", "-seek"]);
                    for (var j = 0; j < p.Positional.Count; j++)
                    {
                        var i = p.Positional[j];
                        AddPath(j == 0 ? facts.Reads : facts.Writes, raw[i], args[i]);
                    }
                    if (p.Positional.Count > 1)
                    {
                        facts.NotReadOnly = $"{program} writes its second file argument";
                    }
                    return;
                }
            case "sed":
                InspectSed(raw, args, facts);
                return;
            case "awk" or "gawk" or "mawk" or "nawk" or "busybox-awk":
                InspectAwk(program, raw, args, facts);
                return;
            case "jq" or "yq":
                InspectJq(raw, args, facts);
                return;
            case "git":
                InspectGit(raw, args, facts);
                return;
            case "rg-pre":
                return;
        }
        InspectWriter(program, raw, args, facts);
    }

    private static void InspectShell(string program, List<string> raw, List<string> args, CommandFacts facts, bool hidden)
    {
        facts.NotReadOnly = $"{program} runs commands";
        var p = ArgScan.Scan(args, "oO", ["--init-file", "--rcfile"]);
        if (p.Has('c', "--command") || p.Has('s', "") || p.Has('i', "") || hidden)
        {
            facts.Opaque = $"{program} -c runs a string as commands";
            return;
        }
        if (program == "busybox" && args.Count > 0)
        {
            facts.Opaque = "busybox runs the command named by its argument";
            return;
        }
        if (p.Positional.Count == 0)
        {
            facts.Opaque = $"{program} reads commands from its input";
            return;
        }
        AddPath(facts.Reads, raw[p.Positional[0]], args[p.Positional[0]]); // the script file
    }

    private static void InspectInterpreter(string program, List<string> raw, List<string> args, CommandFacts facts, bool hidden)
    {
        facts.NotReadOnly = $"{program} runs a program";
        var inline = program switch
        {
            "python" or "python2" or "python3" => args.Exists(a => a == "-c" || (a.StartsWith("-c", StringComparison.Ordinal) && !a.StartsWith("--", StringComparison.Ordinal))),
            "php" => args.Contains("-r"),
            "pwsh" => args.Exists(a => a.Equals("-c", StringComparison.OrdinalIgnoreCase) || a.StartsWith("-Command", StringComparison.OrdinalIgnoreCase) || a.StartsWith("-e", StringComparison.OrdinalIgnoreCase)),
            _ => args.Exists(a => a is "-e" or "-E" or "--eval" or "-p" or "--print" || (a.StartsWith("-e", StringComparison.Ordinal) && a.Length > 2 && program is "perl" or "ruby")),
        } || program.StartsWith("python3.", StringComparison.Ordinal) && args.Contains("-c");
        var positional = args.FindIndex(a => !a.StartsWith('-') || a == "-");
        var module = program.StartsWith("python", StringComparison.Ordinal) && args.Contains("-m");
        if (inline || hidden || (!module && (positional < 0 || args[positional] == "-") && !args.Exists(a => a is "--version" or "-V" or "--help" or "-h" or "-v")))
        {
            facts.Opaque = $"{program} runs code given inline or on its input";
            return;
        }
        if (positional >= 0 && !module)
        {
            AddPath(facts.Reads, raw[positional], args[positional]);
        }
    }

    private static void InspectCd(string program, List<string> raw, List<string> args, CommandFacts facts)
    {
        var positional = args.FindIndex(a => !a.StartsWith('-') || a == "-");
        if (program == "popd" || (positional >= 0 && args[positional] == "-") || (program == "pushd" && positional < 0))
        {
            facts.ChangesDirectoryUnknown = true;
            return;
        }
        if (positional < 0)
        {
            facts.ChangesDirectoryTo = "";
            return;
        }
        facts.ChangesDirectoryTo = raw[positional];
        facts.Looks.Add(new PathArg(raw[positional]));
    }

    private static void InspectLister(string program, List<string> raw, List<string> args, CommandFacts facts)
    {
        var p = program switch
        {
            "tree" => ArgScan.Scan(args, "LPIoH", ["--filelimit", "--timefmt", "--charset", "--sort"]),
            "du" => ArgScan.Scan(args, "dBtX", ["--max-depth", "--block-size", "--threshold", "--exclude-from", "--files0-from", "--exclude", "--time-style"]),
            "stat" => ArgScan.Scan(args, "c", ["--format", "--printf"]),
            "lsattr" or "getfacl" or "namei" => ArgScan.Scan(args, "", []), // no option of theirs takes a value
            // ls -p is a flag and --color[=WHEN] takes an attached value only: neither swallows the next word.
            _ => ArgScan.Scan(args, "IwT", ["--ignore", "--hide", "--width", "--tabsize", "--format", "--sort", "--time", "--time-style", "--block-size", "--quoting-style", "--indicator-style"]),
        };
        foreach (var i in p.Positional)
        {
            facts.Looks.Add(new PathArg(raw[i]));
        }
        if (p.Positional.Count == 0)
        {
            facts.Looks.Add(new PathArg("."));
        }
        foreach (var (name, value, index) in p.Options)
        {
            if (program == "tree" && name is "-o")
            {
                AddPath(facts.Writes, index >= 0 ? raw[index] : value, value);
                facts.NotReadOnly = "tree -o writes a file";
            }
            if (program == "du" && name is "-X" or "--exclude-from" or "--files0-from")
            {
                AddPath(facts.Reads, index >= 0 ? raw[index] : value, value);
            }
        }
    }

    private static void InspectFind(List<string> raw, List<string> args, CommandFacts facts)
    {
        var i = 0;
        while (i < args.Count && args[i] is "-H" or "-L" or "-P" || (i < args.Count && args[i].StartsWith("-O", StringComparison.Ordinal)) || (i < args.Count && args[i] == "-D"))
        {
            i += args[i] == "-D" ? 2 : 1;
        }
        var start = i;
        while (i < args.Count && !args[i].StartsWith('-') && args[i] is not ("(" or "!" or ")" or ","))
        {
            facts.Looks.Add(new PathArg(raw[i]));
            i++;
        }
        if (i == start)
        {
            facts.Looks.Add(new PathArg("."));
        }
        for (; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "-exec" or "-execdir" or "-ok" or "-okdir":
                    facts.NotReadOnly = $"find {args[i]} runs a command";
                    while (i < args.Count && args[i] is not (";" or "+"))
                    {
                        i++;
                    }
                    break;
                case "-delete":
                    facts.NotReadOnly = "find -delete removes files";
                    foreach (var look in facts.Looks)
                    {
                        facts.Writes.Add(look with { Recursive = true });
                    }
                    break;
                case "-fprint" or "-fprint0" or "-fprintf" or "-fls":
                    facts.NotReadOnly = $"find {args[i]} writes a file";
                    if (i + 1 < args.Count)
                    {
                        AddPath(facts.Writes, raw[i + 1], args[i + 1]);
                    }
                    break;
            }
        }
    }

    private static void InspectGrep(string program, List<string> raw, List<string> args, CommandFacts facts, bool hidden)
    {
        var isRg = program is "rg" or "ag" or "ack";
        var p = isRg
            ? ArgScan.Scan(args, "efgtTmABCMjrEdV", ["--regexp", "--file", "--glob", "--iglob", "--type", "--type-not", "--max-count", "--after-context", "--before-context", "--context", "--max-columns", "--threads", "--replace", "--encoding", "--max-depth", "--max-filesize", "--sort", "--sortr", "--color", "--colors", "--path-separator", "--pre", "--pre-glob", "--type-add", "--type-clear", "--ignore-file", "--context-separator", "--field-match-separator", "--field-context-separator", "--dfa-size-limit", "--regex-size-limit", "--engine", "--hostname-bin", "--hyperlink-format", "--generate", "--ignore-dir"])
            : ArgScan.Scan(args, "efmABCdD", ["--regexp", "--file", "--max-count", "--after-context", "--before-context", "--context", "--include", "--exclude", "--exclude-dir", "--exclude-from", "--directories", "--devices", "--label", "--binary-files", "--group-separator"]); // --color[=WHEN]: attached only
        var patternGiven = false;
        foreach (var (name, value, index) in p.Options)
        {
            switch (name)
            {
                case "-e" or "--regexp":
                    patternGiven = true;
                    break;
                case "-f" or "--file" or "--exclude-from" or "--ignore-file":
                    patternGiven |= name is "-f" or "--file";
                    AddPath(facts.Reads, index >= 0 ? raw[index] : value, value);
                    break;
                case "--pre" or "--hostname-bin":
                    facts.Opaque = $"{program} {name} runs a program on every file";
                    return;
                case "-O" or "--open-files-in-pager":
                    facts.Opaque = $"{program} {name} runs a pager";
                    return;
            }
        }
        var recursive = isRg || p.Has('r', "--recursive") || p.Has('R', "--dereference-recursive") || p.Options.Exists(o => o.Name is "-d" or "--directories" && o.Value == "recurse");
        var first = patternGiven ? 0 : 1;
        var files = 0;
        for (var j = first; j < p.Positional.Count; j++)
        {
            var i = p.Positional[j];
            AddPath(facts.Reads, raw[i], args[i], recursive);
            files++;
        }
        if (files == 0 && recursive && !hidden)
        {
            facts.Reads.Add(new PathArg(".", Recursive: true));
        }
    }

    private static void InspectSort(List<string> raw, List<string> args, CommandFacts facts)
    {
        var p = ArgScan.Scan(args, "kotST", ["--key", "--output", "--field-separator", "--buffer-size", "--temporary-directory", "--parallel", "--files0-from", "--compress-program", "--random-source", "--sort"]);
        foreach (var i in p.Positional)
        {
            AddPath(facts.Reads, raw[i], args[i]);
        }
        foreach (var (name, value, index) in p.Options)
        {
            switch (name)
            {
                case "-o" or "--output":
                    facts.NotReadOnly = "sort -o writes a file";
                    AddPath(facts.Writes, index >= 0 ? raw[index] : value, value);
                    break;
                case "--compress-program":
                    facts.Opaque = "sort --compress-program runs a program";
                    break;
                case "--files0-from" or "--random-source":
                    AddPath(facts.Reads, index >= 0 ? raw[index] : value, value);
                    break;
                case "-T" or "--temporary-directory":
                    facts.NotReadOnly = "sort -T writes temporary files";
                    break;
            }
        }
    }

    private static void InspectSed(List<string> raw, List<string> args, CommandFacts facts)
    {
        var p = ArgScan.Scan(args, "efl", ["--expression", "--file", "--line-length"]); // --in-place[=SUFFIX]: attached only
        var scripts = new List<string>();
        var inPlace = false;
        foreach (var (name, value, _) in p.Options)
        {
            switch (name)
            {
                case "-e" or "--expression":
                    scripts.Add(value);
                    break;
                case "-f" or "--file":
                    facts.Opaque = "sed -f runs a script file";
                    return;
                case "--in-place":
                    inPlace = true;
                    break;
            }
        }
        inPlace |= p.Flags.Contains('i') || args.Exists(a => a.StartsWith("-i", StringComparison.Ordinal) || a.StartsWith("--in-place", StringComparison.Ordinal));
        var positional = p.Positional;
        var first = 0;
        if (scripts.Count == 0)
        {
            if (positional.Count == 0)
            {
                facts.NotReadOnly = "sed without a script";
                return;
            }
            scripts.Add(args[positional[0]]);
            first = 1;
        }
        foreach (var script in scripts)
        {
            if (!SedScript.IsSafe(script))
            {
                facts.Opaque = "the sed script may run commands or read or write other files (e, r, w)";
                return;
            }
        }
        for (var j = first; j < positional.Count; j++)
        {
            var i = positional[j];
            AddPath(facts.Reads, raw[i], args[i]);
            if (inPlace)
            {
                AddPath(facts.Writes, raw[i], args[i]);
            }
        }
        if (inPlace)
        {
            facts.NotReadOnly = "sed -i edits files";
            facts.FileSystemEdit = false;
        }
    }

    private static void InspectAwk(string program, List<string> raw, List<string> args, CommandFacts facts)
    {
        facts.NotReadOnly = $"{program} programs can write files and run commands";
        var p = ArgScan.Scan(args, "fvFE", ["--file", "--assign", "--field-separator", "--exec", "--include", "--load"]);
        if (p.Options.Exists(o => o.Name is "-f" or "--file" or "-E" or "--exec" or "--include" or "--load" or "-i" or "-l"))
        {
            facts.Opaque = $"{program} -f runs a program file";
            return;
        }
        if (p.Positional.Count == 0)
        {
            return;
        }
        var code = args[p.Positional[0]];
        if (code.Contains("system", StringComparison.Ordinal) || code.Contains("getline", StringComparison.Ordinal) ||
            code.Contains('|', StringComparison.Ordinal) || code.Contains('>', StringComparison.Ordinal) || code.Contains("ENVIRON", StringComparison.Ordinal) ||
            code.Contains('@', StringComparison.Ordinal) || BashWords.IsDynamic(raw[p.Positional[0]]))
        {
            facts.Opaque = $"the {program} program may run commands, read other files or write files";
            return;
        }
        foreach (var i in p.Positional.Skip(1))
        {
            if (!args[i].Contains('=', StringComparison.Ordinal))
            {
                AddPath(facts.Reads, raw[i], args[i]);
            }
        }
    }

    private static void InspectJq(List<string> raw, List<string> args, CommandFacts facts)
    {
        var p = ArgScan.Scan(args, "fL", ["--arg", "--argjson", "--slurpfile", "--rawfile", "--from-file", "--indent"]);
        var fromFile = false;
        for (var j = 0; j < p.Options.Count; j++)
        {
            var (name, value, index) = p.Options[j];
            if (name is "-f" or "--from-file")
            {
                fromFile = true;
                AddPath(facts.Reads, index >= 0 ? raw[index] : value, value);
            }
        }
        // --arg name value / --slurpfile name file take two values: the second is a positional to ArgScan.
        var skip = new HashSet<int>();
        for (var i = 0; i < args.Count; i++)
        {
            if (args[i] is "--arg" or "--argjson" or "--slurpfile" or "--rawfile" && i + 2 < args.Count)
            {
                skip.Add(i + 2);
                if (args[i] is "--slurpfile" or "--rawfile")
                {
                    AddPath(facts.Reads, raw[i + 2], args[i + 2]);
                }
            }
        }
        var positional = p.Positional.Where(i => !skip.Contains(i)).ToList();
        foreach (var i in positional.Skip(fromFile ? 0 : 1))
        {
            AddPath(facts.Reads, raw[i], args[i]);
        }
    }

    private static readonly HashSet<string> GitReadOnly = new(StringComparer.Ordinal)
    {
        "status", "log", "diff", "show", "rev-parse", "ls-files", "blame", "shortlog", "describe", "show-ref", "ls-tree",
        "cat-file", "grep", "merge-base", "rev-list", "diff-tree", "diff-files", "diff-index", "name-rev", "count-objects",
        "for-each-ref", "version", "whatchanged", "check-ignore", "ls-remote", "cherry", "var", "annotate",
    };

    private static readonly HashSet<string> GitTreeWriters = new(StringComparer.Ordinal)
    {
        "checkout", "restore", "apply", "reset", "merge", "pull", "rebase", "cherry-pick", "revert", "am", "switch", "clean",
        "rm", "mv", "read-tree", "checkout-index", "worktree", "submodule", "sparse-checkout", "filter-branch", "bisect", "clone",
    };

    private static void InspectGit(List<string> raw, List<string> args, CommandFacts facts)
    {
        var all = new List<string>(args.Count + 1) { "git" };
        all.AddRange(args);
        var sub = BashCommand.GitSubcommandIndex(all, 0) - 1; // index into args
        for (var i = 0; i < sub; i++)
        {
            var a = args[i];
            if (a is "-c" or "--config-env" || a.StartsWith("--config-env=", StringComparison.Ordinal) || a.StartsWith("--exec-path=", StringComparison.Ordinal) ||
                (a.StartsWith("-c", StringComparison.Ordinal) && !a.StartsWith("--", StringComparison.Ordinal)))
            {
                facts.Opaque = "git -c can make git run any command (core.pager, aliases, hooks)";
                return;
            }
            if (a == "-C" && i + 1 < args.Count)
            {
                facts.RunsIn = raw[i + 1];
                facts.Looks.Add(new PathArg(raw[i + 1]));
            }
            if (a.StartsWith("--git-dir", StringComparison.Ordinal) || a.StartsWith("--work-tree", StringComparison.Ordinal) || a.StartsWith("--namespace", StringComparison.Ordinal))
            {
                facts.NotReadOnly = $"git {a} points git at another repository";
            }
        }
        if (sub >= args.Count)
        {
            return; // git --version, git -C x (prints usage)
        }
        var command = args[sub];
        var rest = Enumerable.Range(sub + 1, args.Count - sub - 1).ToList();
        if (rest.Exists(i => args[i].StartsWith("--output", StringComparison.Ordinal)))
        {
            facts.NotReadOnly = $"git {command} --output writes a file";
            foreach (var i in rest.Where(i => args[i].StartsWith("--output=", StringComparison.Ordinal)))
            {
                AddPath(facts.Writes, raw[i][(raw[i].IndexOf('=', StringComparison.Ordinal) + 1)..], args[i][9..]);
            }
        }
        if (rest.Exists(i => args[i].StartsWith("-O", StringComparison.Ordinal) || args[i].StartsWith("--open-files-in-pager", StringComparison.Ordinal) || args[i].StartsWith("--ext-diff", StringComparison.Ordinal) || args[i].StartsWith("--textconv", StringComparison.Ordinal)))
        {
            facts.Opaque = $"git {command} with a pager, external diff or text conversion runs configured commands";
            return;
        }
        if (command is "show" or "cat-file" or "diff" or "log" or "blame" or "grep" or "annotate" or "whatchanged" or "diff-files" or "diff-index" or "diff-tree")
        {
            var skippedPattern = command != "grep";
            foreach (var i in rest)
            {
                var a = args[i];
                if (a.StartsWith('-'))
                {
                    continue;
                }
                if (!skippedPattern)
                {
                    skippedPattern = true;
                    continue;
                }
                var colon = a.IndexOf(':', StringComparison.Ordinal);
                if (colon >= 0)
                {
                    var path = a[(colon + 1)..];
                    if (path.Length > 0)
                    {
                        AddPath(facts.Reads, path, path);
                    }
                    continue;
                }
                AddPath(facts.Reads, raw[i], a);
            }
        }
        if (facts.NotReadOnly is not null)
        {
            return;
        }
        var positional = rest.Where(i => !args[i].StartsWith('-')).Select(i => args[i]).ToList();
        var options = rest.Where(i => args[i].StartsWith('-')).Select(i => args[i]).ToList();
        if (command == "config" && !(options.Exists(o => o is "--get" or "--get-all" or "--get-regexp" or "--list" or "-l" or "--get-urlmatch") ||
                                     (positional.Count > 0 && positional[0] is "get" or "list")))
        {
            facts.Opaque = "git config changes git's configuration, which can make later git commands run anything (aliases, core.pager, hooks)";
            return;
        }
        if (GitTreeWriters.Contains(command) && !(command is "worktree" && positional.Count > 0 && positional[0] == "list") || (command is "stash" && (positional.Count == 0 || positional[0] is not ("list" or "show"))))
        {
            // These change files of the working tree the text does not name.
            facts.Writes.Add(new PathArg(".", Recursive: true));
        }
        var readOnly = command switch
        {
            _ when GitReadOnly.Contains(command) => true,
            "branch" => !options.Exists(o => o is "-d" or "-D" or "-m" or "-M" or "-c" or "-C" or "-f" or "-u" or "--delete" or "--move" or "--copy" or "--force" or "--edit-description" or "--unset-upstream" || o.StartsWith("--set-upstream", StringComparison.Ordinal) || o.StartsWith("--track", StringComparison.Ordinal)) &&
                        (positional.Count == 0 || options.Exists(o => o is "-l" or "--list" or "--contains" or "--merged" or "--no-merged" or "--points-at")),
            "tag" => positional.Count == 0 || options.Exists(o => o is "-l" or "--list" or "--contains" or "--points-at" or "--merged"),
            "remote" => positional.Count == 0 || positional[0] is "show" or "get-url",
            "stash" => positional.Count > 0 && positional[0] is "list" or "show",
            "config" => options.Exists(o => o is "--get" or "--get-all" or "--get-regexp" or "--list" or "-l" or "--get-urlmatch") ||
                        (positional.Count > 0 && positional[0] is "get" or "list"),
            "worktree" => positional.Count > 0 && positional[0] == "list",
            "reflog" => positional.Count == 0 || positional[0] is "show",
            _ => false,
        };
        if (!readOnly)
        {
            facts.NotReadOnly = $"git {command} is not a read-only git command";
        }
    }

    private static void InspectWriter(string program, List<string> raw, List<string> args, CommandFacts facts)
    {
        facts.NotReadOnly = $"{program} is not in the read-only set";
        switch (program)
        {
            case "tee":
                {
                    var p = ArgScan.Scan(args, "", []); // --output-error[=MODE]: attached only
                    foreach (var i in p.Positional)
                    {
                        AddPath(facts.Writes, raw[i], args[i]);
                    }
                    return;
                }
            case "touch" or "mkdir" or "rmdir" or "rm" or "unlink" or "shred" or "truncate" or "mkfifo" or "mknod":
                {
                    var p = program switch
                    {
                        "touch" => ArgScan.Scan(args, "dtr", ["--date", "--reference", "--time"]),
                        "mkdir" => ArgScan.Scan(args, "m", ["--mode"]), // --context[=CTX]: attached only
                        "truncate" => ArgScan.Scan(args, "sr", ["--size", "--reference"]),
                        "shred" => ArgScan.Scan(args, "ns", ["--iterations", "--size", "--random-source"]),
                        _ => ArgScan.Scan(args, "", []),
                    };
                    var recursive = program is "rm" && (p.Has('r', "--recursive") || p.Has('R', ""));
                    foreach (var i in p.Positional)
                    {
                        AddPath(facts.Writes, raw[i], args[i], recursive);
                    }
                    facts.FileSystemEdit = program is "mkdir" or "touch";
                    return;
                }
            case "chmod" or "chown" or "chgrp" or "setfacl" or "chattr":
                {
                    var p = ArgScan.Scan(args, "", ["--reference"]);
                    foreach (var i in p.Positional.Skip(args.Exists(a => a.StartsWith("--reference", StringComparison.Ordinal)) ? 0 : 1))
                    {
                        AddPath(facts.Writes, raw[i], args[i], p.Has('R', "--recursive"));
                    }
                    return;
                }
            case "cp" or "mv" or "ln" or "install" or "rsync" or "scp" or "link":
                {
                    var p = program switch
                    {
                        "rsync" => ArgScan.Scan(args, "eBfT", ["--rsh", "--exclude", "--include", "--filter", "--files-from", "--exclude-from", "--include-from", "--temp-dir", "--rsync-path", "--backup-dir", "--suffix", "--chmod", "--log-file"]),
                        "scp" => ArgScan.Scan(args, "cFiJlPoS", []),
                        "install" => ArgScan.Scan(args, "gmotS", ["--group", "--mode", "--owner", "--target-directory", "--suffix"]),
                        _ => ArgScan.Scan(args, "tS", ["--target-directory", "--suffix"]), // --backup[=CONTROL]: attached only
                    };
                    if (program is "rsync" && p.Options.Exists(o => o.Name is "-e" or "--rsh" or "--rsync-path"))
                    {
                        facts.Opaque = "rsync -e runs a command";
                        return;
                    }
                    if (program is "scp" && p.Options.Exists(o => o.Name is "-S" or "-o" or "-F"))
                    {
                        facts.Opaque = "scp -S/-o runs a command";
                        return;
                    }
                    var target = p.Options.FindIndex(o => o.Name is "-t" or "--target-directory");
                    var positional = p.Positional.Where(i => !IsRemote(args[i])).ToList();
                    var sources = positional;
                    if (target >= 0)
                    {
                        var (_, value, index) = p.Options[target];
                        AddPath(facts.Writes, index >= 0 ? raw[index] : value, value, recursive: true);
                    }
                    else if (positional.Count > 0 && p.Positional[^1] == positional[^1])
                    {
                        AddPath(facts.Writes, raw[positional[^1]], args[positional[^1]], recursive: true);
                        sources = positional.Take(positional.Count - 1).ToList();
                    }
                    var recursive = p.Has('r', "--recursive") || p.Has('R', "") || p.Has('a', "--archive") || program is "mv" or "rsync";
                    foreach (var i in sources)
                    {
                        AddPath(facts.Reads, raw[i], args[i], recursive);
                        if (program == "mv")
                        {
                            AddPath(facts.Writes, raw[i], args[i], recursive: true);
                        }
                    }
                    facts.FileSystemEdit = program is "cp" or "mv";
                    return;
                }
            case "dd":
                foreach (var (a, i) in args.Select((a, i) => (a, i)))
                {
                    if (a.StartsWith("if=", StringComparison.Ordinal))
                    {
                        AddPath(facts.Reads, raw[i][(raw[i].IndexOf('=', StringComparison.Ordinal) + 1)..], a[3..]);
                    }
                    else if (a.StartsWith("of=", StringComparison.Ordinal))
                    {
                        AddPath(facts.Writes, raw[i][(raw[i].IndexOf('=', StringComparison.Ordinal) + 1)..], a[3..]);
                    }
                }
                return;
            case "curl" or "wget" or "http" or "openssl":
                InspectNetwork(program, raw, args, facts);
                return;
            case "exec" or "nohup" or "xargs" or "sudo" or "doas" or "time" or "timeout" or "nice" or "stdbuf" or "env" or "builtin" or "ionice" or "setsid" or "flock" or "chrt" or "taskset":
                if (args.Count > 0)
                {
                    facts.Opaque = $"{program} runs a command the rules could not read past its options";
                }
                return;
        }
        if (program is "patch" or "unzip" or "cpio" or "7z" or "unrar" || (program is "tar" or "bsdtar" && IsTarExtract(args)))
        {
            // Extracting or patching writes files the text does not name: everything under the target directory.
            var dir = args.FindIndex(a => a is "-C" or "--directory" or "-d" or "-o" && program is not "patch" || a == "-d" && program == "patch");
            facts.Writes.Add(new PathArg(dir >= 0 && dir + 1 < raw.Count ? raw[dir + 1] : ".", Recursive: true));
        }
        if (OtherReaders.Contains(program))
        {
            var p = ArgScan.Scan(args, "fCT", ["--file", "--directory", "--files-from", "--exclude-from"]);
            foreach (var i in p.Positional)
            {
                AddPath(facts.Reads, raw[i], args[i], recursive: program is "tar" or "zip" or "7z");
            }
            foreach (var (_, value, index) in p.Options)
            {
                AddPath(facts.Reads, index >= 0 ? raw[index] : value, value, recursive: program is "tar" or "zip");
            }
        }
    }

    private static bool IsTarExtract(List<string> args)
    {
        for (var i = 0; i < args.Count; i++)
        {
            var a = args[i];
            if (a is "--extract" or "--get" ||
                (a.StartsWith('-') && !a.StartsWith("--", StringComparison.Ordinal) && a.Contains('x', StringComparison.Ordinal)) ||
                (i == 0 && !a.StartsWith('-') && a.Contains('x', StringComparison.Ordinal)))
            {
                return true;
            }
        }
        return false;
    }

    private static bool IsRemote(string arg)
    {
        var colon = arg.IndexOf(':', StringComparison.Ordinal);
        var slash = arg.IndexOf('/', StringComparison.Ordinal);
        return colon > 0 && (slash < 0 || colon < slash);
    }

    private static void InspectNetwork(string program, List<string> raw, List<string> args, CommandFacts facts)
    {
        for (var i = 0; i < args.Count; i++)
        {
            var a = args[i];
            string? value = null;
            var valueRaw = "";
            var name = a;
            var eq = a.IndexOf('=', StringComparison.Ordinal);
            if (a.StartsWith("--", StringComparison.Ordinal) && eq > 0)
            {
                name = a[..eq];
                value = a[(eq + 1)..];
                valueRaw = raw[i][(Math.Max(0, raw[i].IndexOf('=', StringComparison.Ordinal)) + 1)..];
            }
            else if (i + 1 < args.Count && a.StartsWith('-'))
            {
                value = args[i + 1];
                valueRaw = raw[i + 1];
            }
            if (value is null)
            {
                if (program == "http" && a.Contains('@', StringComparison.Ordinal))
                {
                    AddAtFile(facts, a, raw[i]);
                }
                continue;
            }
            switch (name)
            {
                case "-d" or "--data" or "--data-binary" or "--data-urlencode" or "--json" or "-F" or "--form" or "--form-string":
                    AddAtFile(facts, value, valueRaw);
                    break;
                case "-T" or "--upload-file" or "-K" or "--config" or "--post-file" or "--body-file" or "-i" or "--input-file" or "-in" or "--netrc-file" or "--cert" or "--key" or "-E":
                    AddPath(facts.Reads, valueRaw, value);
                    break;
                case "-o" or "--output" or "-O" or "--output-document" or "-out" or "-a" or "--append-output" or "--dump-header" or "-D" or "-c" or "--cookie-jar" or "--trace" or "--trace-ascii" or "--stderr":
                    if (!(program == "curl" && name == "-O"))
                    {
                        AddPath(facts.Writes, valueRaw, value);
                    }
                    break;
            }
        }
    }

    private static void AddAtFile(CommandFacts facts, string value, string valueRaw)
    {
        // curl -d @file, -F name=@file, -F name=<file, httpie field@file
        var at = value.IndexOfAny(['@', '<']);
        if (at >= 0 && at + 1 < value.Length)
        {
            var path = value[(at + 1)..];
            var semi = path.IndexOf(';', StringComparison.Ordinal);
            path = semi >= 0 ? path[..semi] : path;
            var rawAt = valueRaw.IndexOfAny(['@', '<']);
            AddPath(facts.Reads, rawAt >= 0 && valueRaw.Length > rawAt + 1 && !BashWords.IsDynamic(valueRaw) ? path : valueRaw, path);
        }
    }

    private static void AddPath(List<PathArg> list, string raw, string unquoted, bool recursive = false)
    {
        if (unquoted.Length == 0 || BashCommand.IsDevice(unquoted))
        {
            return;
        }
        list.Add(new PathArg(raw, recursive));
    }
}
