using System.Text;

namespace CodeForge.Core.Permissions;

/// <summary>
/// A shell command as the permission rules see it: split into subcommands at <c>&amp;&amp;</c>, <c>||</c>, <c>;</c>,
/// <c>|</c>, <c>|&amp;</c>, <c>&amp;</c>, newlines and subshell parentheses (outside quotes), with the bodies of
/// <c>$(…)</c>, <c>`…`</c>, <c>&lt;(…)</c> and <c>&gt;(…)</c> added as subcommands of their own. Each subcommand has
/// its whitespace collapsed and is offered in several forms:
/// <list type="bullet">
/// <item><see cref="Subcommand.AllowForm"/>: wrappers (<c>timeout</c>, <c>time</c>, <c>nice</c>, <c>nohup</c>,
/// <c>stdbuf</c>, <c>command</c>, <c>builtin</c>, <c>noglob</c>, bare <c>xargs</c>) and leading assignments of known-safe
/// variables stripped. An allow rule must match this form of every subcommand.</item>
/// <item><see cref="Subcommand.DenyForms"/>: the command as written, and with every leading assignment and wrapper
/// (also <c>env</c> and <c>sudo</c>) stripped, each with and without quotes and backslashes removed. A deny or ask rule
/// matches if it matches any form of any subcommand (or the whole command).</item>
/// </list>
/// Shell keywords that start a subcommand (<c>if</c>, <c>then</c>, <c>do</c>, <c>!</c>, <c>{</c>, …) are dropped.
/// Output redirection targets (<c>&gt; file</c>, <c>&gt;&gt; file</c>, <c>2&gt; file</c>, <c>&amp;&gt; file</c>) are
/// collected so Edit rules can be checked against them. A command with an unterminated quote or substitution is
/// <see cref="Incomplete"/> and no allow rule matches it. This is a best-effort reading of shell syntax, not a shell:
/// it is built so that a doubt makes allow rules fail and deny rules match.
/// </summary>
internal sealed class BashCommand
{
    /// <summary>Commands longer than this always ask (no allow rule matches them), as in Claude Code.</summary>
    public const int MaxAllowableLength = 10_000;

    private const int MaxNesting = 16;

    private static readonly char[] FlatSeparators = ['(', ')', '`', ';', '|', '&', '\n'];

    private static readonly HashSet<string> Keywords = new(StringComparer.Ordinal)
    {
        "if", "then", "else", "elif", "do", "while", "until", "!", "{",
    };

    private static readonly HashSet<string> Closers = new(StringComparer.Ordinal)
    {
        "fi", "done", "}", "esac",
    };

    /// <summary>Variables whose leading assignment an allow rule may look past (they do not change what runs).</summary>
    private static readonly HashSet<string> SafeVariables = new(StringComparer.Ordinal)
    {
        "CI", "DEBUG", "NODE_ENV", "RUST_LOG", "RUST_BACKTRACE", "PYTHONUNBUFFERED", "PYTHONDONTWRITEBYTECODE",
        "NO_COLOR", "FORCE_COLOR", "TERM", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "GOOS", "GOARCH", "CGO_ENABLED",
        "DOTNET_CLI_TELEMETRY_OPTOUT", "DOTNET_NOLOGO", "COLUMNS",
    };

    private BashCommand(string whole, IReadOnlyList<Subcommand> subcommands, IReadOnlyList<string> redirectTargets, bool incomplete, bool tooLong, bool substitution)
    {
        Whole = whole;
        Subcommands = subcommands;
        RedirectTargets = redirectTargets;
        Incomplete = incomplete;
        TooLong = tooLong;
        HasSubstitution = substitution;
    }

    /// <summary>The whole command with whitespace collapsed.</summary>
    public string Whole { get; }

    public IReadOnlyList<Subcommand> Subcommands { get; }

    /// <summary>Files written by output redirections (unquoted, as written; <c>/dev/null</c> and the like left out).</summary>
    public IReadOnlyList<string> RedirectTargets { get; }

    /// <summary>An unterminated quote, substitution or here-document, or nesting too deep to read.</summary>
    public bool Incomplete { get; }

    /// <summary>Longer than <see cref="MaxAllowableLength"/>.</summary>
    public bool TooLong { get; }

    /// <summary>
    /// The command holds a command substitution (<c>$(…)</c>, backticks, also inside double quotes or an unquoted
    /// here-document), a process substitution (<c>&lt;(…)</c>, <c>&gt;(…)</c>) or an arithmetic expansion: what runs
    /// depends on text the rules cannot see, so such a command always asks.
    /// </summary>
    public bool HasSubstitution { get; }

    /// <summary>One redirection of a simple command: the target as written (quotes kept) and its direction.</summary>
    internal readonly record struct Redirect(string Target, bool IsOutput);

    /// <summary>One simple command of a compound command.</summary>
    /// <param name="Normalized">The words joined by single spaces.</param>
    /// <param name="AllowForm">The form allow rules must match (safe wrappers and assignments stripped).</param>
    /// <param name="DenyForms">The forms deny and ask rules are tried on.</param>
    internal sealed record Subcommand(string Normalized, string AllowForm, IReadOnlyList<string> DenyForms)
    {
        /// <summary>The words as written (quotes kept), redirections and here-document markers removed.</summary>
        public IReadOnlyList<string> Words { get; init; } = [];

        /// <summary>The file redirections of this command, in order.</summary>
        public IReadOnlyList<Redirect> Redirects { get; init; } = [];

        /// <summary>
        /// The command receives arguments the text does not show: it runs under <c>xargs</c> or as the
        /// <c>-exec</c> of <c>find</c>.
        /// </summary>
        public bool HiddenArguments { get; init; }

        /// <summary>True for a command found inside another (<c>find -exec</c>, <c>xargs</c> with options).</summary>
        public bool Nested { get; init; }
    }

    public static BashCommand Parse(string command)
    {
        ArgumentNullException.ThrowIfNull(command);
        var pieces = new List<string>();
        var state = new ParseState();
        Split(command, pieces, state, 0);
        var subcommands = new List<Subcommand>(pieces.Count);
        var redirects = new List<string>();
        foreach (var piece in pieces)
        {
            var words = Words(piece, state);
            var start = 0;
            while (start < words.Count && Keywords.Contains(words[start]))
            {
                start++;
            }
            if (start == words.Count || (words.Count - start == 1 && Closers.Contains(words[start])))
            {
                continue;
            }
            var body = words.GetRange(start, words.Count - start);
            var own = new List<Redirect>();
            var plain = CollectRedirects(body, own);
            foreach (var r in own)
            {
                if (r.IsOutput && Unquote(r.Target) is var t && !IsDevice(t))
                {
                    redirects.Add(t);
                }
            }
            var sub = Describe(body) with { Words = plain, Redirects = own };
            sub = WithDeletionForms(sub);
            subcommands.Add(sub);
            AddNested(sub, subcommands);
        }
        if (subcommands.Count == 0)
        {
            // An empty command still has to be matched by an allow rule: never vacuously allowed.
            subcommands.Add(new Subcommand("", "", [""]));
        }
        var whole = string.Join(' ', Words(command, state));
        return new BashCommand(whole, subcommands, redirects, state.Incomplete, command.Length > MaxAllowableLength, state.Substitution);
    }

    /// <summary>Device files that a redirection may name without writing a file.</summary>
    internal static bool IsDevice(string target) => target is "/dev/null" or "/dev/stdout" or "/dev/stderr" or "/dev/tty" or "/dev/stdin" or "-";

    /// <summary>
    /// Adds the commands that <paramref name="sub"/> runs itself: the command after <c>xargs</c> (with options; bare
    /// <c>xargs</c> is a wrapper) and each <c>find -exec/-execdir/-ok/-okdir … ;</c>. They are subcommands of their own:
    /// deny rules see them and allow rules must cover them.
    /// </summary>
    private static void AddNested(Subcommand sub, List<Subcommand> output)
    {
        var words = sub.Words.ToList();
        var k = StripPrefix(words, denyMode: true);
        if (k >= words.Count)
        {
            return;
        }
        var program = Unquote(words[k]);
        if (program == "xargs")
        {
            var i = k + 1;
            while (i < words.Count && words[i].StartsWith('-') && words[i] != "--")
            {
                var w = Unquote(words[i]);
                i += XargsValueOptions.Contains(w) ? 2 : 1;
            }
            if (i < words.Count && words[i] == "--")
            {
                i++;
            }
            if (i > k + 1 && i < words.Count)
            {
                var inner = words.GetRange(i, words.Count - i);
                output.Add(Describe(inner) with { Words = inner, HiddenArguments = true, Nested = true });
            }
            return;
        }
        if (program is "find")
        {
            for (var i = k + 1; i < words.Count; i++)
            {
                if (Unquote(words[i]) is "-exec" or "-execdir" or "-ok" or "-okdir")
                {
                    var j = i + 1;
                    while (j < words.Count && Unquote(words[j]) is not (";" or "+"))
                    {
                        j++;
                    }
                    if (j > i + 1)
                    {
                        var inner = words.GetRange(i + 1, j - i - 1);
                        output.Add(Describe(inner) with { Words = inner, HiddenArguments = true, Nested = true });
                    }
                    i = j;
                }
            }
        }
    }

    /// <summary>
    /// Deletions spelled without rm (<c>find … -delete</c>, <c>unlink f</c>) also get the deny forms <c>rm -rf …</c>,
    /// so a deny rule about rm covers them.
    /// </summary>
    private static Subcommand WithDeletionForms(Subcommand sub)
    {
        var words = sub.Words.ToList();
        var k = StripPrefix(words, denyMode: true);
        if (k >= words.Count)
        {
            return sub;
        }
        var program = Unquote(words[k]);
        var args = words.Skip(k + 1).Select(Unquote).ToList();
        List<string>? targets = null;
        if (program == "find" && args.Contains("-delete"))
        {
            targets = args.TakeWhile(a => !a.StartsWith('-') && a is not ("(" or "!")).ToList();
            if (targets.Count == 0)
            {
                targets.Add(".");
            }
        }
        else if (program is "unlink" or "shred" && (program == "unlink" || args.Exists(a => a is "-u" or "--remove" || (a.StartsWith('-') && !a.StartsWith("--", StringComparison.Ordinal) && a.Contains('u', StringComparison.Ordinal)))))
        {
            targets = args.Where(a => !a.StartsWith('-')).ToList();
        }
        if (targets is null)
        {
            return sub;
        }
        var forms = sub.DenyForms.ToList();
        var joined = string.Join(' ', targets);
        AddDistinct(forms, "rm " + joined);
        AddDistinct(forms, "rm -r " + joined);
        AddDistinct(forms, "rm -rf " + joined);
        return sub with { DenyForms = forms };
    }

    /// <summary>
    /// xargs options that take a separate value. Not <c>-e</c>, <c>-i</c>, <c>-l</c>, <c>--eof</c>, <c>--replace</c>,
    /// <c>--max-lines</c>: their value is optional and only attached, so the next word is the command.
    /// </summary>
    private static readonly HashSet<string> XargsValueOptions = new(StringComparer.Ordinal)
    {
        "-a", "-d", "-E", "-I", "-L", "-n", "-P", "-s", "--arg-file", "--delimiter", "--max-args",
        "--max-procs", "--max-chars", "--process-slot-var",
    };

    private static Subcommand Describe(List<string> words)
    {
        var normalized = string.Join(' ', words);
        var allowStart = StripPrefix(words, denyMode: false);
        var denyStart = StripPrefix(words, denyMode: true);
        if (denyStart == 0 && !words.Exists(w => w.AsSpan().IndexOfAny('\'', '"', '\\') >= 0) && !IsGit(words, 0) && !(words.Count > 0 && words[0].StartsWith('/')))
        {
            return new Subcommand(normalized, normalized, [normalized]); // nothing to strip or unquote: one form
        }
        var allowForm = string.Join(' ', words.Skip(allowStart));
        var stripped = string.Join(' ', words.Skip(denyStart));
        var forms = new List<string>(6) { normalized };
        AddDistinct(forms, stripped);
        AddDistinct(forms, string.Join(' ', words.Select(Unquote)));
        var unquotedStripped = words.Skip(denyStart).Select(Unquote).ToList();
        AddDistinct(forms, string.Join(' ', unquotedStripped));
        if (unquotedStripped.Count > 0 && unquotedStripped[0].StartsWith('/') && unquotedStripped[0].Length > 1)
        {
            // /bin/rm -rf x is rm -rf x to a deny rule.
            AddDistinct(forms, Path.GetFileName(unquotedStripped[0]) + (unquotedStripped.Count > 1 ? " " + string.Join(' ', unquotedStripped.Skip(1)) : ""));
        }
        if (IsGit(unquotedStripped, 0))
        {
            // git -C dir -c k=v --no-pager push … : deny rules written as "git push *" must still see the subcommand.
            AddDistinct(forms, "git " + string.Join(' ', unquotedStripped.Skip(GitSubcommandIndex(unquotedStripped, 0))));
        }
        return new Subcommand(normalized, allowForm, forms);
    }

    private static bool IsGit(List<string> words, int k) => k < words.Count && words[k] == "git";

    /// <summary>The index of git's subcommand after <c>git</c> at <paramref name="k"/> and its global options.</summary>
    internal static int GitSubcommandIndex(IReadOnlyList<string> words, int k)
    {
        var i = k + 1;
        while (i < words.Count && words[i].StartsWith('-'))
        {
            var w = words[i];
            i += w is "-C" or "-c" or "--git-dir" or "--work-tree" or "--namespace" or "--exec-path" or "--config-env" or "--super-prefix" or "--list-cmds" ? 2 : 1;
        }
        return Math.Min(i, words.Count);
    }

    /// <summary>How many leading words are assignments and wrappers (see <see cref="StripPrefix"/>).</summary>
    internal static int PrefixLength(List<string> words, bool denyMode) => StripPrefix(words, denyMode);

    /// <summary>A variable whose leading assignment does not change what runs.</summary>
    internal static bool IsSafeVariable(string name) => SafeVariables.Contains(name);

    /// <summary>
    /// A variable that changes which program runs or what it loads (PATH, LD_PRELOAD, BASH_ENV, PAGER, GIT_*, …):
    /// setting it in the shell changes what later, allowed commands do.
    /// </summary>
    internal static bool IsDangerousVariable(string name) =>
        DangerousVariables.Contains(name) || name.StartsWith("LD_", StringComparison.Ordinal) || name.StartsWith("DYLD_", StringComparison.Ordinal) ||
        name.StartsWith("GIT_", StringComparison.Ordinal) || name.StartsWith("BASH_", StringComparison.Ordinal) || name.StartsWith("NPM_CONFIG_", StringComparison.OrdinalIgnoreCase);

    private static readonly HashSet<string> DangerousVariables = new(StringComparer.Ordinal)
    {
        "PATH", "ENV", "IFS", "PROMPT_COMMAND", "PS1", "PS4", "SHELLOPTS", "BASHOPTS", "CDPATH", "HOME", "GLOBIGNORE", "PAGER",
        "EDITOR", "VISUAL", "PYTHONPATH", "PYTHONSTARTUP", "PYTHONHOME", "NODE_OPTIONS", "NODE_PATH", "PERL5OPT", "PERL5LIB", "RUBYOPT",
        "RUBYLIB", "LESSOPEN", "LESSCLOSE", "MANPAGER", "BROWSER", "SSH_ASKPASS", "SUDO_ASKPASS", "ZDOTDIR", "TMPDIR", "SHELL",
        "JAVA_TOOL_OPTIONS", "_JAVA_OPTIONS", "DOTNET_STARTUP_HOOKS", "DOTNET_ROOT", "MAKEFLAGS", "CC", "CXX", "LIBRARY_PATH",
    };

    private static void AddDistinct(List<string> list, string value)
    {
        if (!list.Contains(value))
        {
            list.Add(value);
        }
    }

    /// <summary>
    /// How many leading words are assignments and wrappers. In deny mode every assignment and wrapper goes (also env and
    /// sudo); otherwise only known-safe assignments and Claude Code's wrapper list, stopping at the first other word.
    /// </summary>
    private static int StripPrefix(List<string> words, bool denyMode)
    {
        var k = 0;
        while (k < words.Count)
        {
            var word = words[k];
            var eq = word.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0 && IsName(word.AsSpan(0, eq)))
            {
                if (!denyMode && !SafeVariables.Contains(word[..eq]))
                {
                    return k;
                }
                k++;
                continue;
            }
            var after = SkipWrapper(words, k, denyMode);
            if (after == k || after >= words.Count)
            {
                return k;
            }
            k = after;
        }
        return k;
    }

    /// <summary>The index after the wrapper at <paramref name="k"/> and its options, or <paramref name="k"/> if none.</summary>
    private static int SkipWrapper(List<string> words, int k, bool denyMode)
    {
        var i = k + 1;
        switch (SystemProgramName(words[k]))
        {
            case "timeout":
                i = SkipOptions(words, i, "-s", "-k", "--signal", "--kill-after");
                return i < words.Count ? i + 1 : k; // the duration
            case "time":
                return SkipOptions(words, i);
            case "nice":
                return SkipOptions(words, i, "-n", "--adjustment");
            case "nohup" or "builtin" or "noglob":
                return i < words.Count && words[i] == "--" ? i + 1 : i;
            case "stdbuf":
                return SkipOptions(words, i, "-i", "-o", "-e", "--input", "--output", "--error");
            case "command":
                if (i < words.Count && (words[i].StartsWith("-v", StringComparison.Ordinal) || words[i].StartsWith("-V", StringComparison.Ordinal)))
                {
                    return k; // `command -v x` asks about x, it does not run it
                }
                return SkipOptions(words, i);
            case "xargs":
                return i < words.Count && !words[i].StartsWith('-') ? i : k;
            case "env" when denyMode:
                return SkipOptions(words, i, EnvOptionsWithArgument);
            case "env":
                // For allow rules env is looked through when it only clears or unsets variables; its assignments
                // are then judged like leading assignments (known-safe names only).
                while (i < words.Count)
                {
                    var w = words[i];
                    if (w == "--")
                    {
                        return i + 1;
                    }
                    if (w is "-i" or "--ignore-environment")
                    {
                        i++;
                    }
                    else if (w is "-u" or "--unset")
                    {
                        i += 2;
                    }
                    else
                    {
                        break;
                    }
                }
                return i < words.Count && words[i].StartsWith('-') ? k : i;
            case "exec" when denyMode:
                return SkipOptions(words, i, "-a");
            case "sudo" when denyMode:
                return SkipOptions(words, i, "-u", "-g", "-h", "-p", "-C", "-D", "-r", "-t", "-U", "--user", "--group");
            default:
                return k;
        }
    }

    private static int SkipOptions(List<string> words, int i, params string[] withArgument)
    {
        while (i < words.Count && words[i].StartsWith('-') && words[i].Length > 1)
        {
            if (words[i] == "--")
            {
                return i + 1;
            }
            i += withArgument.Contains(words[i]) || ShortOptionWithArgument(words[i], withArgument) is { Attached: "" } ? 2 : 1;
        }
        return i;
    }

    /// <summary>The options of <c>env</c> that take a value (the next word, or the rest of a short-option cluster).</summary>
    internal static readonly string[] EnvOptionsWithArgument = ["-u", "--unset", "-C", "--chdir", "-S", "--split-string"];

    /// <summary>A wrapper named by its path in the system's own program folders (<c>/usr/bin/env</c>, <c>/bin/nice</c>) is
    /// that wrapper; any other path (<c>./env</c>, a script of the workspace) is not.</summary>
    internal static string SystemProgramName(string word) =>
        word.StartsWith("/usr/bin/", StringComparison.Ordinal) || word.StartsWith("/bin/", StringComparison.Ordinal) ||
        word.StartsWith("/usr/sbin/", StringComparison.Ordinal) || word.StartsWith("/sbin/", StringComparison.Ordinal)
            ? word[(word.LastIndexOf('/') + 1)..]
            : word;

    /// <summary>getopt's rule for a cluster of short options (<c>env -iC DIR</c>, <c>sudo -Eu root</c>): the first option
    /// of <paramref name="word"/> that is one of <paramref name="withArgument"/> takes the rest of the word as its value,
    /// or the next word when nothing follows it (<c>-iC/tmp</c> → ('C', "/tmp"); <c>-iC</c> → ('C', "")). Null when
    /// <paramref name="word"/> is no short-option cluster or none of its options takes a value.</summary>
    internal static (char Option, string Attached)? ShortOptionWithArgument(string word, string[] withArgument)
    {
        if (word.Length < 2 || word[0] != '-' || word[1] == '-')
        {
            return null;
        }
        for (var k = 1; k < word.Length; k++)
        {
            foreach (var option in withArgument)
            {
                if (option.Length == 2 && option[1] == word[k])
                {
                    return (word[k], word[(k + 1)..]);
                }
            }
        }
        return null;
    }

    private static bool IsName(ReadOnlySpan<char> name)
    {
        if (name.IsEmpty || !(char.IsAsciiLetter(name[0]) || name[0] == '_'))
        {
            return false;
        }
        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c == '_'))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>
    /// Collects the file redirections of a simple command into <paramref name="redirects"/> and returns the other
    /// words. Descriptor duplications (<c>2&gt;&amp;1</c>), here-document markers and here-strings carry no file.
    /// </summary>
    private static List<string> CollectRedirects(List<string> words, List<Redirect> redirects)
    {
        var plain = new List<string>(words.Count);
        for (var i = 0; i < words.Count; i++)
        {
            var word = words[i];
            var (op, output, fileless) = RedirectOperator(word);
            if (op == 0)
            {
                plain.Add(word);
                continue;
            }
            string target;
            if (op == word.Length)
            {
                if (i + 1 >= words.Count)
                {
                    continue;
                }
                target = words[++i];
            }
            else
            {
                target = word[op..];
            }
            if (fileless || target.StartsWith('&') || target.Length == 0)
            {
                continue; // 2>&1, <&3, <<EOF, <<< word: no file
            }
            redirects.Add(new Redirect(target, output));
            if (word.AsSpan(0, op).Contains("<>", StringComparison.Ordinal))
            {
                redirects.Add(new Redirect(target, !output)); // <> opens for reading and writing
            }
        }
        return plain;
    }

    /// <summary>
    /// The length of a redirection operator at the start of <paramref name="word"/> (outside quotes), or 0; whether it
    /// writes; whether it names no file (here-document, here-string).
    /// </summary>
    private static (int Length, bool Output, bool Fileless) RedirectOperator(string word)
    {
        var i = 0;
        if (i < word.Length && word[i] == '&')
        {
            i++;
        }
        else
        {
            while (i < word.Length && char.IsAsciiDigit(word[i]))
            {
                i++;
            }
        }
        if (i >= word.Length)
        {
            return (0, false, false);
        }
        if (word[i] == '>')
        {
            i++;
            if (i < word.Length && (word[i] == '>' || word[i] == '|'))
            {
                i++;
            }
            return (i, true, false);
        }
        if (word[i] == '<' && !(i + 1 < word.Length && word[i + 1] == '('))
        {
            i++;
            if (i < word.Length && word[i] == '<')
            {
                // <<EOF, <<-EOF, <<<word
                i++;
                if (i < word.Length && word[i] is '<' or '-')
                {
                    i++;
                }
                return (i, false, true);
            }
            if (i < word.Length && word[i] == '>')
            {
                i++;
                return (i, true, false);
            }
            return (i, false, false);
        }
        return (0, false, false);
    }

    /// <summary>Splits <paramref name="s"/> into simple commands (raw text), recursing into substitutions.</summary>
    private static void Split(string s, List<string> output, ParseState state, int depth)
    {
        if (depth > MaxNesting)
        {
            // Too deep to read faithfully: cut at every separator, parenthesis and backtick so deny rules still see the
            // commands inside; allow rules never match an incomplete command.
            state.Incomplete = true;
            foreach (var piece in s.Split(FlatSeparators, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                output.Add(piece.TrimStart('$', '<', '>'));
            }
            return;
        }
        var current = new StringBuilder();
        var heredocs = new List<(string Delimiter, bool Quoted, bool StripTabs)>();
        var i = 0;
        while (i < s.Length)
        {
            var c = s[i];
            var next = i + 1 < s.Length ? s[i + 1] : '\0';
            switch (c)
            {
                case '\\':
                    if (next == '\n')
                    {
                        current.Append(' ');
                        i += 2;
                    }
                    else if (next != '\0')
                    {
                        current.Append(c).Append(next);
                        i += 2;
                    }
                    else
                    {
                        current.Append(c);
                        i++;
                    }
                    break;
                case '\'':
                    {
                        var end = s.IndexOf('\'', i + 1);
                        if (end < 0)
                        {
                            state.Incomplete = true;
                            end = s.Length - 1;
                        }
                        current.Append(s, i, end - i + 1);
                        i = end + 1;
                        break;
                    }
                case '"':
                    i = ScanDoubleQuoted(s, i, current, output, state, depth);
                    break;
                case '`':
                    i = ScanBackticks(s, i, current, output, state, depth);
                    break;
                case '$' or '<' or '>' when next == '(':
                    state.Substitution = true;
                    i = ScanSubstitution(s, i, current, output, state, depth);
                    break;
                case '<' when next == '<' && (i + 2 >= s.Length || s[i + 2] != '<'):
                    i = ScanHeredocMarker(s, i, current, heredocs);
                    break;
                case '<' when next == '<':
                    current.Append("<<<");
                    i += 3;
                    break;
                case '\n' when heredocs.Count > 0:
                    Flush(current, output);
                    i = SkipHeredocBodies(s, i + 1, heredocs, state);
                    break;
                case '(' or ')' or ';' or '\n':
                    Flush(current, output);
                    i++;
                    break;
                case '|' when current.Length > 0 && current[^1] == '>':
                    current.Append(c); // >| file (clobber)
                    i++;
                    break;
                case '|':
                    Flush(current, output);
                    i += next is '|' or '&' ? 2 : 1;
                    break;
                case '&':
                    if (next == '&')
                    {
                        Flush(current, output);
                        i += 2;
                    }
                    else if (next == '>' || (current.Length > 0 && current[^1] is '>' or '<'))
                    {
                        current.Append(c); // &> file, 2>&1, <&3
                        i++;
                    }
                    else
                    {
                        Flush(current, output);
                        i++;
                    }
                    break;
                default:
                    current.Append(c);
                    i++;
                    break;
            }
        }
        Flush(current, output);
        if (heredocs.Count > 0)
        {
            state.Incomplete = true; // a here-document without its body
        }
    }

    /// <summary>
    /// Reads a here-document operator (<c>&lt;&lt;WORD</c>, <c>&lt;&lt;-WORD</c>, <c>&lt;&lt;'WORD'</c>) at
    /// <paramref name="i"/>, appends a placeholder word and queues the body to skip at the next newline.
    /// </summary>
    private static int ScanHeredocMarker(string s, int i, StringBuilder current, List<(string, bool, bool)> heredocs)
    {
        var j = i + 2;
        var stripTabs = j < s.Length && s[j] == '-';
        if (stripTabs)
        {
            j++;
        }
        while (j < s.Length && s[j] is ' ' or '\t')
        {
            j++;
        }
        var word = new StringBuilder();
        var quoted = false;
        while (j < s.Length && !char.IsWhiteSpace(s[j]) && s[j] is not (';' or '|' or '&' or '<' or '>' or '(' or ')'))
        {
            var c = s[j];
            if (c is '\'' or '"')
            {
                quoted = true;
                var end = s.IndexOf(c, j + 1);
                end = end < 0 ? s.Length : end;
                word.Append(s, j + 1, Math.Max(0, end - j - 1));
                j = Math.Min(end + 1, s.Length);
                continue;
            }
            if (c == '\\' && j + 1 < s.Length)
            {
                quoted = true;
                word.Append(s[j + 1]);
                j += 2;
                continue;
            }
            word.Append(c);
            j++;
        }
        current.Append(" <<HEREDOC ");
        heredocs.Add((word.ToString(), quoted, stripTabs));
        return j;
    }

    /// <summary>
    /// Skips the bodies of the queued here-documents starting at <paramref name="i"/> (the line after the operator).
    /// An unquoted body is expanded by the shell, so a substitution in it is noted; a missing delimiter makes the
    /// command incomplete.
    /// </summary>
    private static int SkipHeredocBodies(string s, int i, List<(string Delimiter, bool Quoted, bool StripTabs)> heredocs, ParseState state)
    {
        foreach (var (delimiter, quoted, stripTabs) in heredocs)
        {
            var found = false;
            while (i < s.Length)
            {
                var end = s.IndexOf('\n', i);
                var line = end < 0 ? s[i..] : s[i..end];
                i = end < 0 ? s.Length : end + 1;
                var compare = stripTabs ? line.TrimStart('\t') : line;
                if (compare == delimiter)
                {
                    found = true;
                    break;
                }
                if (!quoted && (line.Contains("$(", StringComparison.Ordinal) || line.Contains('`', StringComparison.Ordinal)))
                {
                    state.Substitution = true;
                }
            }
            if (!found)
            {
                state.Incomplete = true;
            }
        }
        heredocs.Clear();
        return i;
    }

    private static void Flush(StringBuilder current, List<string> output)
    {
        var text = current.ToString().Trim();
        current.Clear();
        if (text.Length > 0)
        {
            output.Add(text);
        }
    }

    private static int ScanDoubleQuoted(string s, int i, StringBuilder current, List<string> output, ParseState state, int depth)
    {
        current.Append('"');
        i++;
        while (i < s.Length)
        {
            var c = s[i];
            var next = i + 1 < s.Length ? s[i + 1] : '\0';
            if (c == '\\' && next != '\0')
            {
                current.Append(c).Append(next);
                i += 2;
            }
            else if (c == '"')
            {
                current.Append(c);
                return i + 1;
            }
            else if (c == '$' && next == '(')
            {
                state.Substitution = true;
                i = ScanSubstitution(s, i, current, output, state, depth);
            }
            else if (c == '`')
            {
                i = ScanBackticks(s, i, current, output, state, depth);
            }
            else
            {
                current.Append(c);
                i++;
            }
        }
        state.Incomplete = true;
        return i;
    }

    private static int ScanBackticks(string s, int i, StringBuilder current, List<string> output, ParseState state, int depth)
    {
        state.Substitution = true;
        var j = i + 1;
        while (j < s.Length && s[j] != '`')
        {
            j += s[j] == '\\' ? 2 : 1;
        }
        if (j >= s.Length)
        {
            state.Incomplete = true;
            current.Append(s, i, s.Length - i);
            Split(s[(i + 1)..], output, state, depth + 1);
            return s.Length;
        }
        Split(s[(i + 1)..j], output, state, depth + 1);
        current.Append(s, i, j - i + 1);
        return j + 1;
    }

    /// <summary>Reads <c>$(…)</c>, <c>&lt;(…)</c> or <c>&gt;(…)</c> starting at <paramref name="i"/> (the sigil).</summary>
    private static int ScanSubstitution(string s, int i, StringBuilder current, List<string> output, ParseState state, int depth)
    {
        var open = 1;
        var j = i + 2;
        while (j < s.Length && open > 0)
        {
            switch (s[j])
            {
                case '\\':
                    j += 2;
                    continue;
                case '\'':
                    {
                        var end = s.IndexOf('\'', j + 1);
                        j = end < 0 ? s.Length : end + 1;
                        continue;
                    }
                case '"':
                    j++;
                    while (j < s.Length && s[j] != '"')
                    {
                        j += s[j] == '\\' ? 2 : 1;
                    }
                    j++;
                    continue;
                case '(':
                    open++;
                    break;
                case ')':
                    open--;
                    break;
            }
            j++;
        }
        if (open > 0)
        {
            state.Incomplete = true;
            current.Append(s, i, s.Length - i);
            Split(s[Math.Min(i + 2, s.Length)..], output, state, depth + 1);
            return s.Length;
        }
        // j is one past the closing parenthesis.
        Split(s[(i + 2)..(j - 1)], output, state, depth + 1);
        current.Append(s, i, j - i);
        return j;
    }

    /// <summary>Splits a simple command into words at unquoted whitespace; words keep their quotes.</summary>
    private static List<string> Words(string s, ParseState state)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        char quote = '\0';
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (quote == '\0' && char.IsWhiteSpace(c))
            {
                if (word.Length > 0)
                {
                    words.Add(word.ToString());
                    word.Clear();
                }
                continue;
            }
            if (c == '\\' && quote != '\'' && i + 1 < s.Length)
            {
                if (s[i + 1] == '\n')
                {
                    i++;
                    continue;
                }
                word.Append(c).Append(s[++i]);
                continue;
            }
            if (quote == '\0' && c is '\'' or '"')
            {
                quote = c;
            }
            else if (c == quote)
            {
                quote = '\0';
            }
            word.Append(c);
        }
        if (quote != '\0')
        {
            state.Incomplete = true;
        }
        if (word.Length > 0)
        {
            words.Add(word.ToString());
        }
        return words;
    }

    /// <summary>A word with quotes and backslash escapes removed (what the program receives).</summary>
    internal static string Unquote(string word)
    {
        if (word.AsSpan().IndexOfAny('\'', '"', '\\') < 0)
        {
            return word;
        }
        var sb = new StringBuilder(word.Length);
        char quote = '\0';
        for (var i = 0; i < word.Length; i++)
        {
            var c = word[i];
            if (c == '\\' && quote != '\'' && i + 1 < word.Length)
            {
                sb.Append(word[++i]);
            }
            else if (quote == '\0' && c is '\'' or '"')
            {
                quote = c;
            }
            else if (c == quote)
            {
                quote = '\0';
            }
            else
            {
                sb.Append(c);
            }
        }
        return sb.ToString();
    }

    /// <summary>What the splitter learned about the whole command while reading it.</summary>
    private sealed class ParseState
    {
        public bool Incomplete;

        public bool Substitution;
    }
}
