using CodeForge.Cli.Interactive;
using CodeForge.Core.Permissions;

namespace CodeForge.Cli.Tests.Interactive;

/// <summary>The view records the engine hands the UI (<see cref="PermissionRulesView"/> is the one with behaviour).</summary>
public sealed class EngineViewsTests
{
    [Fact]
    public void PermissionRulesViewFrom_ListsEveryRuleWithItsLayer_AndTheProtectionLines()
    {
        var checker = new PermissionChecker();
        checker.AddSessionRule(PermissionBehavior.Ask, "Bash(git push:*)");
        checker.SetMode(PermissionMode.AcceptEdits);

        var view = PermissionRulesView.From(checker.Policy, "parser-only (no bwrap)");

        Assert.Equal(PermissionMode.AcceptEdits, view.Mode);
        Assert.Contains(new PermissionRuleView(PermissionBehavior.Ask, "Bash(git push:*)", PermissionLayer.Session), view.Rules);
        Assert.StartsWith("Protection: parser-only (no bwrap)", view.Protection[0], StringComparison.Ordinal);
    }
}
