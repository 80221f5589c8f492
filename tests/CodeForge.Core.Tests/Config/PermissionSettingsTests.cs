using System.Text.Json;
using CodeForge.Core.Config;
using CodeForge.Core.Permissions;

namespace CodeForge.Core.Tests.Config;

public sealed class PermissionSettingsTests
{
    private static readonly string Cwd = Path.Combine(Path.GetTempPath(), "forge-permission-settings");
    private static readonly string Home = Path.Combine(Path.GetTempPath(), "forge-permission-home");

    private static RuleEntry Rule(string text, SettingsScope scope = SettingsScope.Project) =>
        new(text, new SettingsSource(scope, "/p/.forge/settings.json"), "permissions.allow[0]");

    private static JsonElement Command(string command) => JsonSerializer.SerializeToElement(new Dictionary<string, string> { ["command"] = command });

    [Fact]
    public void Apply_ReplacesEverySettingsLayerAndKeepsSessionRules()
    {
        var checker = new PermissionChecker(Cwd, Home);
        checker.AddSessionRule(PermissionBehavior.Allow, "Bash(ls)");
        PermissionSettings.Apply(checker, Settings.Defaults with { Allow = [Rule("Bash(echo 1)")] }, Cwd, applyMode: true);

        PermissionSettings.Apply(checker, Settings.Defaults with { Deny = [Rule("Bash(echo 1)")] }, Cwd, applyMode: false);

        Assert.True(checker.Check("Bash", Command("echo 1")).IsDenied);
        Assert.Equal(PermissionBehavior.Allow, checker.Check("Bash", Command("ls")).Behavior);
    }

    [Fact]
    public void Apply_WithoutApplyMode_KeepsTheModeTheUserPicked()
    {
        var checker = new PermissionChecker(Cwd, Home);
        checker.SetMode(PermissionMode.AcceptEdits);

        PermissionSettings.Apply(checker, Settings.Defaults with { DefaultMode = "plan" }, Cwd, applyMode: false);
        Assert.Equal(PermissionMode.AcceptEdits, checker.Policy.Mode);

        PermissionSettings.Apply(checker, Settings.Defaults with { DefaultMode = "plan" }, Cwd, applyMode: true);
        Assert.Equal(PermissionMode.Plan, checker.Policy.Mode);
    }

    [Fact]
    public void Apply_WhenARuleIsInvalid_ReportsItsFileAndKeyAndLoadsTheRest()
    {
        var checker = new PermissionChecker(Cwd, Home);

        var problems = PermissionSettings.Apply(checker, Settings.Defaults with { Allow = [Rule("Bash(echo 1"), Rule("Bash(echo 2)")] }, Cwd, applyMode: true);

        var problem = Assert.Single(problems);
        Assert.Equal(("/p/.forge/settings.json", "permissions.allow[0]"), (problem.Source.Path, problem.Key));
        Assert.Equal(PermissionBehavior.Allow, checker.Check("Bash", Command("echo 2")).Behavior);
    }

    [Fact]
    public void Differ_TellsPermissionChangesFromOtherChanges()
    {
        var before = Settings.Defaults with { Allow = [Rule("Read")] };

        Assert.False(PermissionSettings.Differ(before, before with { Model = "other" }));
        Assert.True(PermissionSettings.Differ(before, before with { Allow = [Rule("Read", SettingsScope.User)] }));
        Assert.True(PermissionSettings.Differ(before, before with { DefaultMode = "plan" }));
    }
}
