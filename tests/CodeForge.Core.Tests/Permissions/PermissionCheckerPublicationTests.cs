using CodeForge.Core.Permissions;
using static CodeForge.Core.Tests.Permissions.PermissionTestKit;

namespace CodeForge.Core.Tests.Permissions;

/// <summary>What each mutation of the checker publishes (the snapshot and the return values callers act on).</summary>
public sealed partial class PermissionCheckerTests
{
    [Fact]
    public void AddSessionRule_WhenTheRuleIsNewOrChangesBehavior_ReportsAChangeAndPublishesIt()
    {
        var checker = NewChecker();
        var before = checker.Policy;

        var added = checker.AddSessionRule(PermissionRule.Parse("WebSearch", PermissionBehavior.Allow, RuleSource.Session));
        var afterAdd = checker.Policy;
        var replaced = checker.AddSessionRule(PermissionRule.Parse("WebSearch", PermissionBehavior.Deny, RuleSource.Session));
        var unchanged = checker.AddSessionRule(PermissionRule.Parse("WebSearch", PermissionBehavior.Deny, RuleSource.Session));

        Assert.True(added);
        Assert.True(replaced);
        Assert.False(unchanged);
        Assert.Empty(before.Session.Rules);
        Assert.Equal([PermissionBehavior.Allow], afterAdd.Session.Rules.Select(r => r.Behavior));
        Assert.Equal([PermissionBehavior.Deny], checker.SessionRules.Select(r => r.Behavior));
    }

    [Fact]
    public void AddSessionRule_WhenNothingChanges_KeepsTheCurrentSnapshot()
    {
        var checker = NewChecker();
        checker.AddSessionRule(PermissionBehavior.Allow, "WebSearch");
        var before = checker.Policy;

        checker.AddSessionRule(PermissionBehavior.Allow, "WebSearch");
        checker.RemoveSessionRule("WebFetch");

        Assert.Same(before, checker.Policy);
    }

    [Fact]
    public void ClearSessionRules_WhenThereAreNone_KeepsTheCurrentSnapshot()
    {
        var checker = NewChecker();
        var before = checker.Policy;

        Assert.Equal(0, checker.ClearSessionRules());

        Assert.Same(before, checker.Policy);
    }

    [Fact]
    public void Update_PublishesWhatTheChangeReturnedAndReturnsIt()
    {
        var checker = NewChecker();

        var next = checker.Update(p => p.WithMode(PermissionMode.Plan));

        Assert.Same(next, checker.Policy);
        Assert.Equal(PermissionMode.Plan, checker.Policy.Mode);
    }

    [Fact]
    public void Update_WhenTheChangeReturnsNull_ThrowsAndKeepsTheCurrentSnapshot()
    {
        var checker = NewChecker();
        var before = checker.Policy;

        var error = Assert.Throws<InvalidOperationException>(() => checker.Update(_ => null!));

        Assert.Contains("returned null", error.Message, StringComparison.Ordinal);
        Assert.Same(before, checker.Policy);
    }

    [Fact]
    public void SetMode_PublishesTheModeAndKeepsTheRules()
    {
        var checker = NewChecker();
        checker.AddSessionRule(PermissionBehavior.Deny, "WebSearch");

        checker.SetMode(PermissionMode.AcceptEdits);

        Assert.Equal(PermissionMode.AcceptEdits, checker.Policy.Mode);
        Assert.Equal(["WebSearch"], checker.SessionRules.Select(r => r.Text));
    }

    [Fact]
    public void ReplaceLayer_WhenSession_ThrowsAndChangesNothing()
    {
        var checker = NewChecker();
        checker.AddSessionRule(PermissionBehavior.Deny, "WebSearch");
        var before = checker.Policy;

        var error = Assert.Throws<ArgumentException>(() => checker.ReplaceLayer(PermissionLayer.Session, PermissionRuleSet.Empty));

        Assert.Equal("layer", error.ParamName);
        Assert.Same(before, checker.Policy);
    }
    [Fact]
    public void Members_GivenNull_ThrowArgumentNullExceptionAndChangeNothing()
    {
        var checker = NewChecker();
        var before = checker.Policy;

        Assert.Throws<ArgumentNullException>(() => new PermissionChecker((PermissionPolicy)null!));
        Assert.Throws<ArgumentNullException>(() => checker.AddSessionRule(null!));
        Assert.Throws<ArgumentNullException>(() => checker.RemoveSessionRule(null!));
        Assert.Throws<ArgumentNullException>(() => checker.Update(null!));
        Assert.Throws<ArgumentNullException>(() => checker.ReplaceLayer(PermissionLayer.User, null!));

        Assert.Same(before, checker.Policy);
    }
}
