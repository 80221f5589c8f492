using CodeForge.Core.Permissions;
using static CodeForge.Core.Tests.Permissions.PermissionTestKit;

namespace CodeForge.Core.Tests.Permissions;

/// <summary>
/// How a command line is read for the rules: which shell variables change what a later, allowed command runs or loads,
/// which leading assignments and wrappers an allow rule looks past, and which words start or end a compound command.
/// </summary>
public sealed class BashCommandTests
{
    [Theory]
    [InlineData("PATH")]
    [InlineData("ENV")]
    [InlineData("IFS")]
    [InlineData("PROMPT_COMMAND")]
    [InlineData("PS1")]
    [InlineData("PS4")]
    [InlineData("SHELLOPTS")]
    [InlineData("BASHOPTS")]
    [InlineData("CDPATH")]
    [InlineData("HOME")]
    [InlineData("GLOBIGNORE")]
    [InlineData("PAGER")]
    [InlineData("EDITOR")]
    [InlineData("VISUAL")]
    [InlineData("PYTHONPATH")]
    [InlineData("PYTHONSTARTUP")]
    [InlineData("PYTHONHOME")]
    [InlineData("NODE_OPTIONS")]
    [InlineData("NODE_PATH")]
    [InlineData("PERL5OPT")]
    [InlineData("PERL5LIB")]
    [InlineData("RUBYOPT")]
    [InlineData("RUBYLIB")]
    [InlineData("LESSOPEN")]
    [InlineData("LESSCLOSE")]
    [InlineData("MANPAGER")]
    [InlineData("BROWSER")]
    [InlineData("SSH_ASKPASS")]
    [InlineData("SUDO_ASKPASS")]
    [InlineData("ZDOTDIR")]
    [InlineData("TMPDIR")]
    [InlineData("SHELL")]
    [InlineData("JAVA_TOOL_OPTIONS")]
    [InlineData("_JAVA_OPTIONS")]
    [InlineData("DOTNET_STARTUP_HOOKS")]
    [InlineData("DOTNET_ROOT")]
    [InlineData("MAKEFLAGS")]
    [InlineData("CC")]
    [InlineData("CXX")]
    [InlineData("LIBRARY_PATH")]
    [InlineData("LD_PRELOAD")]
    [InlineData("LD_LIBRARY_PATH")]
    [InlineData("DYLD_INSERT_LIBRARIES")]
    [InlineData("GIT_SSH_COMMAND")]
    [InlineData("GIT_DIR")]
    [InlineData("BASH_ENV")]
    [InlineData("BASH_FUNC_x")]
    [InlineData("NPM_CONFIG_PREFIX")]
    [InlineData("npm_config_script_shell")]
    public void IsDangerousVariable_ForAVariableThatChangesWhatRunsOrLoads_IsTrue(string name) =>
        Assert.True(BashCommand.IsDangerousVariable(name));

    [Theory]
    [InlineData("LANG")]
    [InlineData("NODE_ENV")]
    [InlineData("RUST_LOG")]
    [InlineData("DEBUG")]
    [InlineData("FOO")]
    [InlineData("path")]
    [InlineData("Path")]
    [InlineData("LD")]
    [InlineData("GITHUB_TOKEN")]
    [InlineData("BASHRC")]
    [InlineData("CFLAGS")]
    [InlineData("PYTHONUNBUFFERED")]
    public void IsDangerousVariable_ForAnOrdinaryVariable_IsFalse(string name) =>
        Assert.False(BashCommand.IsDangerousVariable(name));

    /// <summary>Locale, colour, logging, telemetry and build-target settings: they do not choose the program or the code it loads.</summary>
    [Theory]
    [InlineData("CI")]
    [InlineData("DEBUG")]
    [InlineData("NODE_ENV")]
    [InlineData("RUST_LOG")]
    [InlineData("RUST_BACKTRACE")]
    [InlineData("PYTHONUNBUFFERED")]
    [InlineData("PYTHONDONTWRITEBYTECODE")]
    [InlineData("NO_COLOR")]
    [InlineData("FORCE_COLOR")]
    [InlineData("TERM")]
    [InlineData("LANG")]
    [InlineData("LC_ALL")]
    [InlineData("LC_CTYPE")]
    [InlineData("TZ")]
    [InlineData("GOOS")]
    [InlineData("GOARCH")]
    [InlineData("CGO_ENABLED")]
    [InlineData("DOTNET_CLI_TELEMETRY_OPTOUT")]
    [InlineData("DOTNET_NOLOGO")]
    [InlineData("COLUMNS")]
    public void ASafeVariableAssignedBeforeTheCommand_DoesNotDefeatAnAllowRuleNorTheReadOnlySet(string name)
    {
        Assert.True(BashCommand.IsSafeVariable(name));
        Assert.True(Allows("Bash(npm test)", $"{name}=1 npm test"));
        var policy = PermissionPolicy.Create(Cwd, Home, PermissionRuleSet.Empty);
        Assert.Equal(PermissionBehavior.Allow, policy.Evaluate("Bash", Command($"{name}=1 ls src")).Behavior);
    }

    [Theory]
    [InlineData("FOO")]
    [InlineData("ci")]
    [InlineData("LC_ALLX")]
    [InlineData("PATH")]
    public void AnyOtherVariableAssignedBeforeTheCommand_DefeatsAnAllowRuleAndTheReadOnlySet(string name)
    {
        Assert.False(BashCommand.IsSafeVariable(name));
        Assert.False(Allows("Bash(npm test)", $"{name}=1 npm test"));
        var policy = PermissionPolicy.Create(Cwd, Home, PermissionRuleSet.Empty);
        Assert.NotEqual(PermissionBehavior.Allow, policy.Evaluate("Bash", Command($"{name}=1 ls src")).Behavior);
    }

    /// <summary>Wrapper options that take a value (from the wrappers' manuals): the deny rule still sees the command they run.</summary>
    [Theory]
    [InlineData("timeout -s KILL 10 rm x")]
    [InlineData("timeout -k 5 10 rm x")]
    [InlineData("timeout --signal KILL 10 rm x")]
    [InlineData("timeout --kill-after 5 10 rm x")]
    [InlineData("nice -n 5 rm x")]
    [InlineData("nice --adjustment 5 rm x")]
    [InlineData("stdbuf -i 0 rm x")]
    [InlineData("stdbuf -o L rm x")]
    [InlineData("stdbuf -e 0 rm x")]
    [InlineData("stdbuf --input 0 rm x")]
    [InlineData("stdbuf --output L rm x")]
    [InlineData("stdbuf --error 0 rm x")]
    [InlineData("env -u HOME rm x")]
    [InlineData("env --unset HOME rm x")]
    [InlineData("env -C /tmp rm x")]
    [InlineData("env --chdir /tmp rm x")]
    [InlineData("exec -a name rm x")]
    [InlineData("sudo -g wheel rm x")]
    [InlineData("sudo -h host rm x")]
    [InlineData("sudo -p prompt rm x")]
    [InlineData("sudo -C 3 rm x")]
    [InlineData("sudo -D /tmp rm x")]
    [InlineData("sudo -r role rm x")]
    [InlineData("sudo -t type rm x")]
    [InlineData("sudo -U alice rm x")]
    [InlineData("sudo --user root rm x")]
    [InlineData("sudo --group wheel rm x")]
    [InlineData("nohup -- rm x")]
    [InlineData("time -p rm x")]
    [InlineData("command -p rm x")]
    public void AWrappersOptionValue_IsSkipped_SoADenyRuleStillSeesTheCommand(string command)
    {
        Assert.True(Denies("Bash(rm *)", command));
    }

    /// <summary>xargs options that take a separate value (GNU xargs manual): the command xargs runs is what follows them.</summary>
    [Theory]
    [InlineData("xargs -a list rm")]
    [InlineData("xargs -d , rm")]
    [InlineData("xargs -E END rm")]
    [InlineData("xargs -I {} rm {}")]
    [InlineData("xargs -L 1 rm")]
    [InlineData("xargs -n 1 rm")]
    [InlineData("xargs -P 4 rm")]
    [InlineData("xargs -s 100 rm")]
    [InlineData("xargs --arg-file list rm")]
    [InlineData("xargs --delimiter , rm")]
    [InlineData("xargs --max-args 1 rm")]
    [InlineData("xargs --max-procs 2 rm")]
    [InlineData("xargs --max-chars 100 rm")]
    [InlineData("xargs --process-slot-var N rm")]
    [InlineData("xargs -0 -n 1 -- rm")]
    public void XargsOptionValues_AreSkipped_SoADenyRuleSeesTheCommandXargsRuns(string command)
    {
        Assert.True(Denies("Bash(rm *)", $"find . -name '*.o' | {command}"));
    }

    /// <summary>xargs given only options runs echo (GNU xargs manual): nothing for a deny rule to see, and no error.</summary>
    [Theory]
    [InlineData("xargs -0")]
    [InlineData("xargs -r")]
    [InlineData("xargs -n 1")]
    public void XargsWithOnlyOptions_RunsNoCommandADenyRuleSees(string command)
    {
        Assert.False(Denies("Bash(rm *)", $"find . -name '*.o' | {command}"));
    }

    /// <summary>A here-document operator may be followed by blanks before its delimiter word (bash(1)).</summary>
    [Theory]
    [InlineData("cat << EOF\nhello\nEOF")]
    [InlineData("cat <<  'EOF'\n$(rm -rf x)\nEOF")]
    [InlineData("cat <<-\tEOF\n\thello\n\tEOF")]
    public void AHereDocumentWithBlanksBeforeItsWord_IsReadLikeOneWithout(string command)
    {
        var policy = PermissionPolicy.Create(Cwd, Home, PermissionRuleSet.Empty);

        Assert.Equal(PermissionBehavior.Allow, policy.Evaluate("Bash", Command(command)).Behavior);
        var firstLine = command.IndexOf('\n', StringComparison.Ordinal);
        var writing = command[..firstLine] + " > src/a.cs" + command[firstLine..];
        Assert.Equal(PermissionBehavior.Deny, PolicyWith(PermissionBehavior.Deny, "Edit(./src/**)").Evaluate("Bash", Command(writing)).Behavior);
    }

    /// <summary>
    /// A here-document's delimiter may be quoted with a backslash (<c>&lt;&lt;\EOF</c>, bash(1)): the body ends at the
    /// line that is the unescaped word, and the commands after it are commands again.
    /// </summary>
    [Theory]
    [InlineData("cat <<\\EOF\nhello\nEOF\nrm -rf x")]
    [InlineData("cat << \\EOF\n$(date)\nEOF\nrm -rf x")]
    [InlineData("cat <<-\\EOF\n\thello\n\tEOF\nrm -rf x")]
    public void AHereDocumentWithABackslashQuotedDelimiter_EndsAtTheUnquotedWord(string command)
    {
        Assert.True(Denies("Bash(rm *)", command));
        var body = command[..command.LastIndexOf('\n')];
        Assert.Equal(PermissionBehavior.Allow, PermissionPolicy.Create(Cwd, Home, PermissionRuleSet.Empty).Evaluate("Bash", Command(body)).Behavior);
    }

    /// <summary>A here-document operator whose word is a lone backslash ending the command has no body: the command is incomplete.</summary>
    [Theory]
    [InlineData("cat <<\\")]
    [InlineData("cat << \\")]
    public void AHereDocumentWhoseWordIsATrailingBackslash_IsIncomplete(string command)
    {
        Assert.True(BashCommand.Parse(command).Incomplete);
    }

    /// <summary>RedirectTargets lists the files output redirections write, unquoted; devices and input files are not among them.</summary>
    [Fact]
    public void Parse_RedirectTargets_AreTheFilesOutputIsWrittenTo()
    {
        var bash = BashCommand.Parse("echo a > out.txt; cat b >> 'log file.txt' 2>/dev/null < in.txt");

        Assert.Equal(["out.txt", "log file.txt"], bash.RedirectTargets);
    }

    /// <summary>git's global options that take the next word as their value (git(1)): the subcommand comes after it.</summary>
    [Theory]
    [InlineData("git -C src push origin main")]
    [InlineData("git --git-dir .git push origin main")]
    [InlineData("git --work-tree . push origin main")]
    [InlineData("git --namespace other push origin main")]
    public void GitGlobalOptionsWithASeparateValue_LeaveTheSubcommandToADenyRule(string command)
    {
        Assert.True(Denies("Bash(git push *)", command));
    }

    /// <summary>A here-string (<c>&lt;&lt;&lt; word</c>, bash(1)) gives the word itself as input: it names no file.</summary>
    [Theory]
    [InlineData("cat <<< .env")]
    [InlineData("grep KEY <<< .env")]
    [InlineData("cat <<<.env")]
    public void AHereStringWord_IsNotAFileTheCommandReads(string command)
    {
        Assert.False(Denies("Read(./.env)", command));
        Assert.Equal(PermissionBehavior.Allow, PermissionPolicy.Create(Cwd, Home, PermissionRuleSet.Empty).Evaluate("Bash", Command(command)).Behavior);
    }

    /// <summary>Keywords that start a command inside a compound command are not part of it.</summary>
    [Theory]
    [InlineData("if true; then rm x; fi")]
    [InlineData("if false; then :; else rm x; fi")]
    [InlineData("if false; then :; elif rm x; then :; fi")]
    [InlineData("while rm x; do :; done")]
    [InlineData("until rm x; do :; done")]
    [InlineData("for f in a; do rm x; done")]
    [InlineData("! rm x")]
    [InlineData("{ rm x; }")]
    public void AKeywordBeforeACommand_DoesNotHideItFromADenyRule(string command)
    {
        Assert.True(Denies("Bash(rm *)", command));
    }

    [Theory]
    [InlineData("if npm test; then npm test; fi")]
    [InlineData("while npm test; do npm test; done")]
    [InlineData("{ npm test; }")]
    public void AClosingKeyword_IsNotACommandAnAllowRuleMustCover(string command)
    {
        Assert.True(Allows("Bash(npm test)", command));
    }
    /// <summary>A well-formed substitution is reported as one, not as text that could not be parsed.</summary>
    [Theory]
    [InlineData("echo $(pwd)")]
    [InlineData("echo `pwd`")]
    [InlineData("echo `date`; ls")]
    [InlineData("echo $(printf \"x\")")]
    [InlineData("echo \"$(pwd)\" done")]
    [InlineData("echo $(echo 'a)b') c")]
    public void AWellFormedSubstitution_IsASubstitution_NotAnIncompleteCommand(string command)
    {
        var bash = BashCommand.Parse(command);

        Assert.True(bash.HasSubstitution);
        Assert.False(bash.Incomplete);
        var decision = PermissionPolicy.Create(Cwd, Home, PermissionRuleSet.Empty).Evaluate("Bash", Command(command));
        Assert.Equal(PermissionBehavior.Ask, decision.Behavior);
        Assert.Contains("substitution", decision.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain("could not be parsed", decision.Reason, StringComparison.Ordinal);
    }
    [Theory]
    [InlineData("echo $(ls")]
    [InlineData("echo `ls")]
    [InlineData("echo $(echo \"a)")]
    public void AnUnterminatedSubstitution_IsIncomplete_AndNeverAllowed(string command)
    {
        Assert.True(BashCommand.Parse(command).Incomplete);
        Assert.False(Allows("Bash(echo *)", command));
        var decision = PermissionPolicy.Create(Cwd, Home, PermissionRuleSet.Empty).Evaluate("Bash", Command(command));
        Assert.Contains("could not be parsed completely", decision.Reason, StringComparison.Ordinal);
    }
    /// <summary>Deletions spelled without rm (shred -u, unlink, find -delete) are deletions to an rm deny rule; shred without -u keeps the file.</summary>
    [Theory]
    [InlineData("shred -u build.log", true)]
    [InlineData("shred -zu build.log", true)]
    [InlineData("shred --remove build.log", true)]
    [InlineData("unlink build.log", true)]
    [InlineData("find build -delete", true)]
    [InlineData("shred -z build.log", false)]
    [InlineData("shred --iterations 3 build.log", false)]
    public void ADeletionSpelledWithoutRm_IsSeenByAnRmDenyRule(string command, bool deletes)
    {
        Assert.Equal(deletes, Denies("Bash(rm *)", command));
    }
}
