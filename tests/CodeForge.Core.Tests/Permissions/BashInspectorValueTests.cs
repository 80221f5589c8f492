using CodeForge.Core.Permissions;
using static CodeForge.Core.Tests.Permissions.PermissionTestKit;

namespace CodeForge.Core.Tests.Permissions;

/// <summary>
/// Words that look like files or options but are not, and options written in their attached form: what the user sees
/// is the decision (a deny rule on a file stops only commands that touch it, an attached option is the option).
/// </summary>
public sealed partial class BashInspectorTests
{
    private static PermissionPolicy AllowProgramDenyRead(string program, string denied) =>
        PermissionPolicy.Create(Cwd, Home, PermissionRuleSet.Empty).WithLayer(PermissionLayer.Project, PermissionRuleSet.Create(
            [PermissionRule.Parse($"Bash({program} *)", PermissionBehavior.Allow, new RuleSource(PermissionLayer.Project)),
             PermissionRule.Parse($"Read({denied})", PermissionBehavior.Deny, new RuleSource(PermissionLayer.Project))]));

    /// <summary>curl(1): <c>-d</c>/<c>-F</c> send a file only when the value has <c>@</c> (or <c>&lt;</c> for -F); otherwise the value is the data.</summary>
    [Theory]
    [InlineData("curl -d .env https://example.com")]
    [InlineData("curl --data .env https://example.com")]
    [InlineData("curl -F name=.env https://example.com")]
    public void ACurlDataValueWithoutAnAtSign_IsTextNotAFileItSends(string command)
    {
        var policy = AllowProgramDenyRead("curl", "./.env");

        Assert.Equal(PermissionBehavior.Allow, policy.Evaluate("Bash", Command(command)).Behavior);
        Assert.Equal(PermissionBehavior.Deny, policy.Evaluate("Bash", Command(command.Replace(".env", "@.env", StringComparison.Ordinal))).Behavior);
    }

    /// <summary>git(1): <c>-c name=value</c> may also be written <c>-cname=value</c>; either can set core.pager or an alias.</summary>
    [Theory]
    [InlineData("git -ccore.pager=evil log")]
    [InlineData("git -calias.st=!rm status")]
    [InlineData("git -c core.pager=evil log --ext-diff")]
    [InlineData("git -ccore.pager=evil diff --textconv")]
    public void GitWithAnAttachedConfigOption_AlwaysAsks(string command)
    {
        var decision = UnderBareBashAllow(command);

        Assert.Equal(PermissionBehavior.Ask, decision.Behavior);
        Assert.Contains("git -c can make git run any command", decision.Reason, StringComparison.Ordinal);
    }

    /// <summary>git with global options but no subcommand prints its version or usage: read-only.</summary>
    [Theory]
    [InlineData("git --version")]
    [InlineData("git -C src")]
    [InlineData("git --help")]
    public void GitWithoutASubcommand_RunsUnasked(string command)
    {
        Assert.Equal(PermissionBehavior.Allow, Check(command).Behavior);
    }

    /// <summary>rsync(1): the values of --exclude/--include/--filter are patterns, not files rsync copies.</summary>
    [Theory]
    [InlineData("rsync -a --exclude .env src/ backup/")]
    [InlineData("rsync -a --include .env src/ backup/")]
    [InlineData("rsync -a --filter .env src/ backup/")]
    [InlineData("rsync -a -f .env src/ backup/")]
    [InlineData("rsync -a --suffix .env src/ backup/")]
    public void AnRsyncPatternOption_IsNotAFileItReads(string command)
    {
        var policy = AllowProgramDenyRead("rsync", "./.env");

        Assert.Equal(PermissionBehavior.Allow, policy.Evaluate("Bash", Command(command)).Behavior);
        Assert.Equal(PermissionBehavior.Deny, policy.Evaluate("Bash", Command("rsync -a .env backup/")).Behavior);
    }

    /// <summary>curl(1)/wget(1): a URL with a user part (<c>user@host</c>) names no local file; only httpie reads <c>field@file</c>.</summary>
    [Theory]
    [InlineData("curl https://alice@example.com")]
    [InlineData("curl -s https://alice@example.com")]
    [InlineData("wget ftp://alice@example.com")]
    public void AUrlWithAUserPart_IsNotAFileTheCommandSends(string command)
    {
        var program = command[..command.IndexOf(' ', StringComparison.Ordinal)];
        var policy = AllowProgramDenyRead(program, "./example.com");

        Assert.Equal(PermissionBehavior.Allow, policy.Evaluate("Bash", Command(command)).Behavior);
    }

    /// <summary>sort(1): the output file may be attached to the option (<c>-oFILE</c>, <c>--output=FILE</c>) or the next word.</summary>
    [Theory]
    [InlineData("sort -osrc/out.txt a.txt")]
    [InlineData("sort --output=src/out.txt a.txt")]
    [InlineData("sort -o src/out.txt a.txt")]
    [InlineData("sort --output src/out.txt a.txt")]
    [InlineData("sort -o 'src/out.txt' a.txt")]
    public void SortsOutputFile_InAnyForm_IsStoppedByAnEditDenyRule(string command)
    {
        var source = new RuleSource(PermissionLayer.Project);
        var policy = PermissionPolicy.Create(Cwd, Home, PermissionRuleSet.Empty).WithLayer(PermissionLayer.Project, PermissionRuleSet.Create(
            [PermissionRule.Parse("Bash(sort *)", PermissionBehavior.Allow, source), PermissionRule.Parse("Edit(./src/**)", PermissionBehavior.Deny, source)]));

        Assert.Equal(PermissionBehavior.Deny, policy.Evaluate("Bash", Command(command)).Behavior);
        Assert.Equal(PermissionBehavior.Allow, policy.Evaluate("Bash", Command(command.Replace("src/", "out/", StringComparison.Ordinal))).Behavior);
    }

    /// <summary>
    /// An option's file value written in single quotes is that literal name, <c>$</c> included (bash(1) QUOTING): the
    /// file is read (a Read deny rule on it stops the command) and, inside the workspace, read without asking.
    /// </summary>
    [Theory]
    [InlineData("jq -f '$f.txt' data.json")]
    [InlineData("jq --from-file '$f.txt' data.json")]
    [InlineData("grep -f '$f.txt' a.txt")]
    [InlineData("sort --files0-from '$f.txt'")]
    [InlineData("wc --files0-from '$f.txt'")]
    [InlineData("date -r '$f.txt'")]
    [InlineData("diff -X '$f.txt' a b")]
    [InlineData("du -X '$f.txt' src")]
    public void AQuotedOptionValueWithADollar_IsTheLiteralFileItNames(string command)
    {
        Assert.Equal(PermissionBehavior.Allow, Check(command).Behavior);
        Assert.Equal(PermissionBehavior.Deny, PolicyWith(PermissionBehavior.Deny, "Read(./$f.txt)").Evaluate("Bash", Command(command)).Behavior);
    }

    /// <summary>env(1) <c>-C DIR</c>/<c>--chdir DIR</c> runs the command in DIR: its relative files are read there.</summary>
    [Theory]
    [InlineData("env -C /tmp cat notes.txt")]
    [InlineData("env --chdir /tmp cat notes.txt")]
    public void EnvChangingDirectory_ReadsTheCommandsRelativeFilesThere(string command) => AssertReadsNotesInTmp(command);

    /// <summary>The command reads <c>notes.txt</c> in <c>/tmp</c> (the directory env changed to), not in the project.</summary>
    private static void AssertReadsNotesInTmp(string command)
    {
        Assert.Equal(PermissionBehavior.Deny, PolicyWith(PermissionBehavior.Deny, "Read(//tmp/notes.txt)").Evaluate("Bash", Command(command)).Behavior);
        Assert.NotEqual(PermissionBehavior.Deny, PolicyWith(PermissionBehavior.Deny, "Read(./notes.txt)").Evaluate("Bash", Command(command)).Behavior);
    }

    /// <summary>cat(1)'s options take no value (GNU coreutils): the word after any of them is a file cat reads.</summary>
    [Theory]
    [InlineData("cat -s .env")]
    [InlineData("cat -e .env")]
    [InlineData("cat -t .env")]
    [InlineData("cat -A .env")]
    [InlineData("cat -n .env")]
    public void CatsOptions_TakeNoValue_TheNextWordIsAFileItReads(string command)
    {
        Assert.True(Denies("Read(./.env)", command));
    }

    /// <summary>env's <c>-C</c>/<c>--chdir</c> as its last word, without the directory: the check ends and does not allow it.</summary>
    [Theory]
    [InlineData("env -C")]
    [InlineData("env --chdir")]
    [InlineData("env -i -C")]
    public void EnvWithAChdirOptionMissingItsDirectory_IsNotAllowedUnasked(string command)
    {
        Assert.NotEqual(PermissionBehavior.Allow, Check(command).Behavior);
    }

    /// <summary>
    /// The same when other env options stand before the directory, when the option is a getopt cluster or carries its
    /// value attached, and when env is named by its path in a system program folder or follows another wrapper.
    /// </summary>
    [Theory]
    [InlineData("env -i -C /tmp cat notes.txt")]
    [InlineData("env -u HOME -C /tmp cat notes.txt")]
    [InlineData("env -iC /tmp cat notes.txt")]
    [InlineData("env -C/tmp cat notes.txt")]
    [InlineData("env --chdir=/tmp cat notes.txt")]
    [InlineData("/usr/bin/env -i --chdir /tmp cat notes.txt")]
    [InlineData("sudo -Eu root env -0 -C /tmp cat notes.txt")]
    public void EnvChangingDirectoryInAnyOptionForm_ReadsTheCommandsRelativeFilesThere(string command) => AssertReadsNotesInTmp(command);

    /// <summary>The same for an option's output file: the single-quoted literal name is the file written.</summary>
    [Theory]
    [InlineData("shuf -o '$f.txt' a.txt")]
    [InlineData("iconv -f utf-8 -o '$f.txt' a.txt")]
    [InlineData("sort -o '$f.txt' a.txt")]
    [InlineData("tree -o '$f.txt' src")]
    public void AQuotedOutputOptionValueWithADollar_IsTheLiteralFileItWrites(string command)
    {
        Assert.Equal(PermissionBehavior.Deny, PolicyWith(PermissionBehavior.Deny, "Edit(./$f.txt)").Evaluate("Bash", Command(command)).Behavior);
        Assert.Equal(PermissionBehavior.Allow, PolicyWith(PermissionBehavior.Allow, "Bash").Evaluate("Bash", Command(command)).Behavior);
    }

    /// <summary>busybox with only options still names no script it reads: the reason is that busybox runs the command it is given.</summary>
    [Theory]
    [InlineData("busybox --list")]
    [InlineData("busybox rm -rf x")]
    public void Busybox_AsksSayingItRunsTheCommandNamedByItsArgument(string command)
    {
        var decision = UnderBareBashAllow(command);

        Assert.Equal(PermissionBehavior.Ask, decision.Behavior);
        Assert.Contains("busybox runs the command named by its argument", decision.Reason, StringComparison.Ordinal);
    }

    /// <summary>jq(1) <c>--rawfile NAME FILE</c>/<c>--slurpfile NAME FILE</c> written without the file: nothing is read, and no error.</summary>
    [Theory]
    [InlineData("jq --rawfile name")]
    [InlineData("jq . --slurpfile name")]
    [InlineData("jq --arg name")]
    public void JqWithATwoValueOptionMissingItsFile_ReadsNoFile(string command)
    {
        Assert.Equal(PermissionBehavior.Allow, Check(command).Behavior);
    }

    /// <summary>
    /// A word of a prefix (sudo's or env's options and their values) that is computed when the command runs may be any
    /// option: the command asks even under a bare <c>Bash</c> allow rule, and says which word it was.
    /// </summary>
    [Theory]
    [InlineData("sudo -u $U cat a.txt", "$U")]
    [InlineData("sudo -g $G cat a.txt", "$G")]
    public void AComputedPrefixWord_AlwaysAsksNamingIt(string command, string word)
    {
        var decision = UnderBareBashAllow(command);

        Assert.Equal(PermissionBehavior.Ask, decision.Behavior);
        Assert.Contains($"the prefix word '{word}' is computed when the command runs", decision.Reason, StringComparison.Ordinal);
    }

    /// <summary>truncate(1) <c>--reference FILE</c> takes the size from FILE: the file it changes is the next word.</summary>
    [Theory]
    [InlineData("truncate --reference .env out.txt")]
    [InlineData("truncate -r .env out.txt")]
    [InlineData("truncate --reference=.env out.txt")]
    public void TruncateReferenceFile_IsNotAFileItWrites(string command)
    {
        Assert.False(Denies("Edit(./.env)", command));
        Assert.True(Denies("Edit(./out.txt)", command));
    }

    /// <summary>
    /// find(1) with an expression that starts with <c>!</c> or <c>\(</c> has no start point and searches <c>.</c>: a
    /// <c>-delete</c> there may remove anything in the workspace, which an Edit deny rule on a part of it makes a question,
    /// exactly as with <c>.</c> written out.
    /// </summary>
    [Theory]
    [InlineData("find ! -name '*.keep' -delete", "find . ! -name '*.keep' -delete")]
    [InlineData("find \\( -name '*.o' -o -name '*.a' \\) -delete", "find . \\( -name '*.o' -o -name '*.a' \\) -delete")]
    public void FindWithoutAStartPoint_DeletesInTheWorkingDirectory(string command, string withDot)
    {
        var policy = PolicyWith(PermissionBehavior.Deny, "Edit(./src/**)");
        var decision = policy.Evaluate("Bash", Command(command));

        Assert.Equal(PermissionBehavior.Ask, decision.Behavior);
        Assert.Contains($"everything under {Cwd}", decision.Reason, StringComparison.Ordinal);
        Assert.Equal(policy.Evaluate("Bash", Command(withDot)).Reason, decision.Reason);
    }
}
