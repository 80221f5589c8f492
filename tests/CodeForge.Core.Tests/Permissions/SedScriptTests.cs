using CodeForge.Core.Permissions;
using static CodeForge.Core.Tests.Permissions.PermissionTestKit;

namespace CodeForge.Core.Tests.Permissions;

/// <summary>Which sed scripts only print, delete, quit or substitute (sed(1)): those keep sed without -i read-only.</summary>
public sealed class SedScriptTests
{
    /// <summary>A script that is only the <c>s</c> command (no delimiter) is no substitution sed accepts: not safe, and no error.</summary>
    [Theory]
    [InlineData("s")]
    [InlineData("1s")]
    [InlineData("$s")]
    [InlineData("/x/s")]
    public void IsSafe_OfAnSCommandWithNothingAfterIt_IsFalse(string script)
    {
        Assert.False(SedScript.IsSafe(script));
        Assert.True(SedScript.IsSafe(script + "/a/b/"));
    }

    [Fact]
    public void SedWithAnIncompleteSubstitution_IsNotCountedReadOnly()
    {
        var planned = PermissionPolicy.Create(Cwd, Home, PermissionRuleSet.Empty).WithMode(PermissionMode.Plan).Evaluate("Bash", Command("sed 1s a.txt"));

        Assert.NotEqual(PermissionBehavior.Allow, planned.Behavior);
        Assert.Equal(PermissionBehavior.Allow, PermissionPolicy.Create(Cwd, Home, PermissionRuleSet.Empty).WithMode(PermissionMode.Plan).Evaluate("Bash", Command("sed 1s/a/b/ a.txt")).Behavior);
    }
}
