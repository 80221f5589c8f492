using CodeForge.Core.Permissions;
using static CodeForge.Core.Tests.Permissions.PermissionTestKit;

namespace CodeForge.Core.Tests.Permissions;

public sealed partial class BashInspectorTests
{
    private static PermissionDecision Check(string command, PermissionMode mode = PermissionMode.Default) =>
        PermissionPolicy.Create(Cwd, Home, PermissionRuleSet.Empty).WithMode(mode).Evaluate("Bash", Command(command));

    [Theory]
    [InlineData("ls -la src")]
    [InlineData("cat README.md | head -5")]
    [InlineData("grep -rn TODO src")]
    [InlineData("find . -name '*.cs' -type f")]
    [InlineData("git status && git log --oneline -3")]
    [InlineData("git branch -a")]
    [InlineData("git branch --list 'feat*'")]
    [InlineData("sort -u a.txt | uniq -c")]
    [InlineData("sed -n '1,20p' a.txt")]
    [InlineData("wc -l src/a.cs src/b.cs")]
    [InlineData("echo hi; pwd; which dotnet")]
    public void ReadOnlyCommandsInsideTheWorkspace_AreAllowedWithoutARule(string command)
    {
        var decision = Check(command);

        Assert.Equal(PermissionBehavior.Allow, decision.Behavior);
        Assert.Null(decision.DecidingRule);
        Assert.Contains("read-only", decision.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("sort -o out.txt a.txt", "sort -o writes")]
    [InlineData("find . -delete", "find -delete")]
    [InlineData("find . -exec rm {} \\;", "")]
    [InlineData("find . -fprint out.txt", "find -fprint writes")]
    [InlineData("git branch -D main", "git branch")]
    [InlineData("git branch feature", "git branch")]
    [InlineData("git tag v1", "git tag")]
    [InlineData("sed -i s/a/b/ a.txt", "")]
    [InlineData("sed 's/a/b/w out.txt' a.txt", "sed script")]
    [InlineData("sed '1e id' a.txt", "sed script")]
    [InlineData("uniq a.txt b.txt", "uniq writes")]
    [InlineData("tail -f log.txt", "tail -f")]
    [InlineData("ls > listing.txt", "")]
    [InlineData("date -s 2020-01-01", "date")]
    [InlineData("rg --pre cat x", "--pre")]
    [InlineData("git diff --output=patch.txt", "--output")]
    public void CommandsThatWriteOrRunOtherCode_AreNotInTheReadOnlySet(string command, string reason)
    {
        Assert.NotEqual(PermissionBehavior.Allow, Check(command).Behavior);
        var planned = Check(command, PermissionMode.Plan); // plan mode names why a command is not read-only
        Assert.Equal(PermissionBehavior.Deny, planned.Behavior);
        Assert.Contains(reason, planned.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("cat /etc/hosts")]
    [InlineData("ls ~")]
    [InlineData("head ../other/file.txt")]
    [InlineData("cd /tmp && ls")]
    [InlineData("grep -r x /var/log")]
    [InlineData("git -C /etc log")]
    public void ReadOnlyCommandsReadingOutsideTheWorkspace_Ask(string command)
    {
        Assert.Equal(PermissionBehavior.Ask, Check(command).Behavior);
    }

    [Fact]
    public void ReadOutsideTheWorkspace_IsAllowedWhenARuleAllowsTheRead()
    {
        var policy = PolicyWith(PermissionBehavior.Allow, "Read(//etc/**)");

        Assert.Equal(PermissionBehavior.Allow, policy.Evaluate("Bash", Command("cat /etc/hosts")).Behavior);
        Assert.Equal(PermissionBehavior.Ask, policy.Evaluate("Bash", Command("cat /var/log/syslog")).Behavior);
    }

    [Fact]
    public void AdditionalDirectories_CountAsTheWorkspace()
    {
        var policy = PermissionPolicy.Create(Cwd, Home, PermissionRuleSet.Empty).WithDirectories(Cwd, additionalDirectories: ["/shared/docs"]);

        Assert.Equal(PermissionBehavior.Allow, policy.Evaluate("Bash", Command("cat /shared/docs/a.md")).Behavior);
    }

    [Theory]
    [InlineData("echo $(date)")]
    [InlineData("echo `date`")]
    [InlineData("diff <(ls a) <(ls b)")]
    [InlineData("eval ls")]
    [InlineData("sh -c ls")]
    [InlineData("bash -c 'ls'")]
    [InlineData("source env.sh")]
    [InlineData(". env.sh")]
    [InlineData("echo \"unterminated")]
    [InlineData("$CMD arg")]
    [InlineData("git -c core.pager=less log")]
    [InlineData("PATH=/tmp/evil")]
    [InlineData("export LD_PRELOAD=/tmp/x.so")]
    public void OpaqueCommands_AlwaysAsk_EvenWithABareBashAllowAndInBypassMode(string command)
    {
        var allowAll = PolicyWith(PermissionBehavior.Allow, "Bash");

        Assert.Equal(PermissionBehavior.Ask, allowAll.Evaluate("Bash", Command(command)).Behavior);
        Assert.Equal(PermissionBehavior.Ask, allowAll.WithMode(PermissionMode.BypassPermissions).Evaluate("Bash", Command(command)).Behavior);
        Assert.Equal(PermissionBehavior.Deny, allowAll.WithMode(PermissionMode.DontAsk).Evaluate("Bash", Command(command)).Behavior);
    }

    [Fact]
    public void OpaqueCommand_MatchingADenyRule_IsStillDenied()
    {
        var policy = PolicyWith(PermissionBehavior.Deny, "Bash(rm *)");

        Assert.Equal(PermissionBehavior.Deny, policy.Evaluate("Bash", Command("echo $(rm -rf x)")).Behavior);
    }

    [Fact]
    public void QuotedHereDocument_IsNotASubstitution()
    {
        Assert.Equal(PermissionBehavior.Allow, Check("cat <<'EOF'\n$(rm -rf x)\nEOF").Behavior);
        Assert.Equal(PermissionBehavior.Ask, Check("cat <<EOF\n$(rm -rf x)\nEOF").Behavior);
        Assert.Equal(PermissionBehavior.Ask, Check("cat <<EOF\nno end").Behavior);
    }

    [Fact]
    public void Plan_AllowsReadOnlyCommandsOnly()
    {
        Assert.Equal(PermissionBehavior.Allow, Check("git log -3 && ls", PermissionMode.Plan).Behavior);
        Assert.Equal(PermissionBehavior.Deny, Check("ls > out.txt", PermissionMode.Plan).Behavior);
        Assert.Equal(PermissionBehavior.Deny, Check("mkdir x", PermissionMode.Plan).Behavior);
    }

    [Fact]
    public void AcceptEdits_RunsFileSystemCommandsInsideTheWorkspaceOnly()
    {
        Assert.Equal(PermissionBehavior.Allow, Check("mkdir -p a/b && touch a/b/c && cp a/b/c d && mv d e", PermissionMode.AcceptEdits).Behavior);
        Assert.Equal(PermissionBehavior.Ask, Check("cp /etc/hosts .", PermissionMode.AcceptEdits).Behavior);
        Assert.Equal(PermissionBehavior.Ask, Check("mv a /tmp/", PermissionMode.AcceptEdits).Behavior);
        Assert.Equal(PermissionBehavior.Ask, Check("rm -r a", PermissionMode.AcceptEdits).Behavior);
        Assert.Equal(PermissionBehavior.Ask, Check("sudo mkdir x", PermissionMode.AcceptEdits).Behavior);
    }

    [Fact]
    public void ShellDirectory_AnchorsRelativePathsOfTheCommand()
    {
        var policy = PolicyWith(PermissionBehavior.Deny, "Read(./secrets/**)");

        Assert.Equal(PermissionBehavior.Deny, policy.Evaluate("Bash", Command("cat key.pem"), "/work/proj/secrets").Behavior);
        Assert.NotEqual(PermissionBehavior.Deny, policy.Evaluate("Bash", Command("cat key.pem")).Behavior);
        Assert.Throws<ArgumentException>(() => policy.Evaluate("Bash", Command("ls"), "relative"));
    }
}
