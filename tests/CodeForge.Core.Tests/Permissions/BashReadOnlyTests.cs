using CodeForge.Core.Permissions;

namespace CodeForge.Core.Tests.Permissions;

public sealed class BashReadOnlyTests
{
    private static string? WhyNot(string command) => BashReadOnly.WhyNot(command, PermissionTestKit.Cwd, PermissionTestKit.Home);

    [Theory]
    [InlineData("ls -la src")]
    [InlineData("git log --oneline -n 5")]
    [InlineData("grep -rn Foo src | head -20")]
    [InlineData("find . -name '*.cs'")]
    [InlineData("cat a.txt 2>/dev/null")]
    [InlineData("sort a.txt | uniq -c")]
    public void WhyNot_AReadOnlyCommand_IsNull(string command)
    {
        Assert.Null(WhyNot(command));
    }

    [Theory]
    [InlineData("env rm -rf src")]
    [InlineData("sort -o out.txt a.txt")]
    [InlineData("find . -fprintf out.txt %p")]
    [InlineData("find . -exec rm {} ;")]
    [InlineData("find . -delete")]
    [InlineData("sed -i s/a/b/ f")]
    [InlineData("cat a > b")]
    [InlineData("ls; touch x")]
    [InlineData("echo $(touch x)")]
    [InlineData("git commit -m x")]
    [InlineData("git -c core.pager=sh log")]
    [InlineData("python3 -c 'print(1)'")]
    [InlineData("xargs rm")]
    [InlineData("")]
    public void WhyNot_ACommandThatMayWriteOrRunAnything_SaysWhy(string command)
    {
        Assert.False(string.IsNullOrEmpty(WhyNot(command)), command);
    }

    [Fact]
    public void PlanMode_AndTheReadOnlyChecker_AgreeOnTheSameCommands()
    {
        var plan = PermissionPolicy.Create(PermissionTestKit.Cwd, PermissionTestKit.Home, PermissionRuleSet.Empty).WithMode(PermissionMode.Plan);
        foreach (var command in new[] { "env rm x", "sort -o out a", "find . -fprintf o %p", "ls src", "cat README.md" })
        {
            var decision = plan.Evaluate("Bash", PermissionTestKit.Command(command), PermissionTestKit.Cwd);

            Assert.Equal(WhyNot(command) is null, decision.IsAllowed);
        }
    }
}
