using CodeForge.Core.Permissions;
using CodeForge.Core.Skills;

namespace CodeForge.Core.Tests.Skills;

public sealed class SkillPermissionGrantsTests
{
    private readonly SkillRegistry _registry = new();
    private readonly PermissionChecker _checker = new(Path.GetTempPath(), Path.GetTempPath());

    private void Add(string name, params string[] tools) =>
        _registry.Register(new SkillDefinition(new SkillMetadata(name, "d"), "p", tools, sourcePath: $"/s/{name}/SKILL.md"));

    [Fact]
    public void Activation_GrantsTheAllowedToolsAndDeactivationRemovesThem()
    {
        Add("npm", "Bash(npm test)", "Write");
        using var grants = new SkillPermissionGrants(_registry, _checker);
        Assert.NotEqual(PermissionBehavior.Allow, _checker.Check("Bash", System.Text.Json.JsonDocument.Parse("""{"command":"npm test"}""").RootElement).Behavior);

        _registry.Activate("npm");

        Assert.Equal(["Bash(npm test)", "Write"], grants.Granted);
        Assert.Equal(PermissionBehavior.Allow, _checker.Check("Bash", System.Text.Json.JsonDocument.Parse("""{"command":"npm test"}""").RootElement).Behavior);

        _registry.Deactivate();

        Assert.Empty(grants.Granted);
        Assert.Empty(_checker.SessionRules);
    }

    [Fact]
    public void ActivatingAnotherSkill_SwapsTheGrants()
    {
        Add("a", "Write");
        Add("b", "Edit");
        using var grants = new SkillPermissionGrants(_registry, _checker);

        _registry.Activate("a");
        _registry.Activate("b");

        Assert.Equal(["Edit"], _checker.SessionRules.Select(r => r.Text));
    }

    [Fact]
    public void ARuleTheUserAlreadyHad_IsNotRemovedOnDeactivation()
    {
        Add("a", "Write");
        _checker.AddSessionRule(PermissionBehavior.Deny, "Write");
        using var grants = new SkillPermissionGrants(_registry, _checker);

        _registry.Activate("a");
        _registry.Deactivate();

        var rule = Assert.Single(_checker.SessionRules);
        Assert.Equal(PermissionBehavior.Deny, rule.Behavior);
    }

    [Fact]
    public void AMalformedRule_IsReportedAndTheOthersApply()
    {
        Add("a", "Bash(unclosed", "Read");
        using var grants = new SkillPermissionGrants(_registry, _checker);
        var rejected = new List<PermissionRuleException>();
        grants.RuleRejected += (_, e) => rejected.Add(e);

        _registry.Activate("a");

        Assert.Single(rejected);
        Assert.Equal(["Read"], grants.Granted);
    }

    [Fact]
    public void Dispose_RemovesTheCurrentGrantsAndStopsListening()
    {
        Add("a", "Write");
        var grants = new SkillPermissionGrants(_registry, _checker);
        _registry.Activate("a");

        grants.Dispose();
        _registry.Activate("a");

        Assert.Empty(_checker.SessionRules);
    }

    [Fact]
    public void UnregisteringTheActiveSkill_RemovesItsGrants()
    {
        Add("a", "Write");
        using var grants = new SkillPermissionGrants(_registry, _checker);
        _registry.Activate("a");

        _registry.Unregister("a");

        Assert.Empty(_checker.SessionRules);
    }
}
