using CodeForge.Core.Permissions;
using static CodeForge.Core.Tests.Permissions.PermissionTestKit;

namespace CodeForge.Core.Tests.Permissions;

/// <summary>
/// Options that take no value, or only an attached one (<c>--color[=WHEN]</c>, <c>-w[BYTES]</c>), per the commands'
/// manuals: the word after them is a file the command reads or writes, and the rules must see it. Each of these once
/// swallowed the next word as the option's value, so the file it named escaped the workspace check and the deny rules
/// (e.g. <c>hexdump -C .env</c> read a denied file without asking).
/// </summary>
public sealed partial class BashInspectorTests
{
    [Theory]
    [InlineData("hexdump -C /tmp/x")]
    [InlineData("column -t /tmp/x")]
    [InlineData("column -d -t /tmp/x")]
    [InlineData("tac -b /tmp/x")]
    [InlineData("strings -o /tmp/x")]
    [InlineData("od -s /tmp/x")]
    [InlineData("od -w /tmp/x")]
    [InlineData("od --width /tmp/x")]
    [InlineData("od --strings /tmp/x")]
    [InlineData("cmp -b /tmp/x a.bin")]
    [InlineData("diff --color /tmp/x a.txt")]
    [InlineData("diff -X /tmp/x -r a b")]
    [InlineData("diff --exclude-from /tmp/x -r a b")]
    [InlineData("ls -p /tmp/x")]
    [InlineData("ls --color /tmp/x")]
    [InlineData("getfacl -p /tmp/x")]
    [InlineData("lsattr -p /tmp/x")]
    [InlineData("grep --color TODO /tmp/x")]
    [InlineData("grep --colour TODO /tmp/x")]
    [InlineData("uniq --group /tmp/x")]
    [InlineData("uniq --all-repeated /tmp/x")]
    [InlineData("jq --tab . /tmp/x")]
    [InlineData("rg --ignore-file-case-insensitive TODO /tmp/x")]
    [InlineData("date -I -r /tmp/x")]
    [InlineData("date --iso-8601 -r /tmp/x")]
    [InlineData("hexdump -f /tmp/x a.bin")]
    [InlineData("hd -f /tmp/x a.bin")]
    public void AFlagWithoutASeparateValue_LeavesTheNextFileVisible_SoReadingOutsideTheWorkspaceAsks(string command)
    {
        var decision = Check(command);

        Assert.True(PermissionBehavior.Ask == decision.Behavior, $"{command}: {decision.Behavior} ({decision.Reason})");
        Assert.Contains("it reads /tmp/x", Check(command, PermissionMode.Plan).Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("hexdump -C .env")]
    [InlineData("column -t .env")]
    [InlineData("od -s .env")]
    [InlineData("strings -o .env")]
    [InlineData("grep --color KEY .env")]
    public void AFlagWithoutASeparateValue_DoesNotHideADeniedFile(string command)
    {
        var policy = PolicyWith(PermissionBehavior.Deny, "Read(./.env)");

        Assert.Equal(PermissionBehavior.Deny, policy.Evaluate("Bash", Command(command)).Behavior);
    }

    /// <summary>Writers: the file after such an option is written, and an Edit deny rule stops it.</summary>
    [Theory]
    [InlineData("Bash(sed *)", "sed -e s/a/b/ --in-place {0}")]
    [InlineData("Bash(tee *)", "tee --output-error {0}")]
    [InlineData("Bash(mv *)", "mv --backup {0} old.txt")]
    [InlineData("Bash(mkdir *)", "mkdir --context {0}")]
    [InlineData("Bash(shuf *)", "shuf -o {0} a.txt")]
    [InlineData("Bash(shuf *)", "shuf --output {0} a.txt")]
    [InlineData("Bash(iconv *)", "iconv -f utf-8 -t ascii -o {0} a.txt")]
    [InlineData("Bash(iconv *)", "iconv -f utf-8 -t ascii --output {0} a.txt")]
    public void AnOptionBeforeAWrittenFile_DoesNotHideItFromAnEditDenyRule(string allow, string command)
    {
        var source = new RuleSource(PermissionLayer.Project);
        var policy = PermissionPolicy.Create(Cwd, Home, PermissionRuleSet.Empty).WithLayer(PermissionLayer.Project, PermissionRuleSet.Create(
            [PermissionRule.Parse(allow, PermissionBehavior.Allow, source), PermissionRule.Parse("Edit(./src/**)", PermissionBehavior.Deny, source)]));

        var denied = policy.Evaluate("Bash", Command(string.Format(System.Globalization.CultureInfo.InvariantCulture, command, "src/a.cs")));
        var allowed = policy.Evaluate("Bash", Command(string.Format(System.Globalization.CultureInfo.InvariantCulture, command, "docs/a.md")));

        Assert.Equal(PermissionBehavior.Deny, denied.Behavior);
        Assert.Equal(PermissionBehavior.Allow, allowed.Behavior);
    }

    [Theory]
    [InlineData("shuf -o out.txt a.txt", "shuf -o writes a file")]
    [InlineData("iconv -t ascii -o out.txt a.txt", "iconv -o writes a file")]
    [InlineData("sed --in-place s/a/b/ a.txt", "sed -i edits files")]
    [InlineData("tail -F log.txt", "tail -f never ends")]
    [InlineData("tail --follow=name log.txt", "tail -f never ends")]
    public void AnOutputOption_TakesTheReaderOutOfTheReadOnlySet(string command, string reason)
    {
        var planned = Check(command, PermissionMode.Plan);

        Assert.Equal(PermissionBehavior.Deny, planned.Behavior);
        Assert.Contains(reason, planned.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("hexdump -C a.bin")]
    [InlineData("column -t a.txt")]
    [InlineData("ls -p src")]
    [InlineData("grep --color TODO a.txt")]
    [InlineData("od -w16 a.bin")]
    [InlineData("jq --tab . a.json")]
    [InlineData("date -I -r a.txt")]
    public void TheSameFlagsOnFilesInsideTheWorkspace_AreAllowedAsReadOnly(string command)
    {
        var decision = Check(command);

        Assert.True(PermissionBehavior.Allow == decision.Behavior, $"{command}: {decision.Behavior} ({decision.Reason})");
    }
    /// <summary>xargs -i, -l, -e and their long forms take an attached value only: the next word is the command xargs runs.</summary>
    [Theory]
    [InlineData("xargs -i rm -rf {}")]
    [InlineData("xargs -l rm")]
    [InlineData("xargs -e rm")]
    [InlineData("xargs --replace rm -rf {}")]
    [InlineData("xargs --max-lines rm")]
    [InlineData("xargs --eof rm")]
    public void AnXargsOptionWithAnOptionalValue_DoesNotHideTheCommandFromADenyRule(string command)
    {
        Assert.True(Denies("Bash(rm *)", $"find . -name '*.o' | {command}"));
    }
    [Fact]
    public void GitWorktreeList_OnlyLists_SoItRunsUnasked()
    {
        Assert.Equal(PermissionBehavior.Allow, Check("git worktree list").Behavior);
        Assert.Equal(PermissionBehavior.Deny, Check("git worktree add ../x", PermissionMode.Plan).Behavior);
    }
}
