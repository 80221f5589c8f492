using System.Collections.Immutable;
using CodeForge.Core.Config;

namespace CodeForge.Core.Tests.Config;

public sealed class SettingsTests
{
    private static RuleEntry Rule(string text, SettingsScope scope) => new(text, new SettingsSource(scope, $"/{scope}"), "x");

    [Fact]
    public void Merge_CombinesListsAndLetsHigherLayersOverrideScalars()
    {
        var user = SettingsFragment.Empty with { Model = "haiku", Allow = [Rule("Bash(ls *)", SettingsScope.User)], Env = Env(("A", "1"), ("B", "1")) };
        var project = SettingsFragment.Empty with { Model = "sonnet", Allow = [Rule("Bash(npm test)", SettingsScope.Project), Rule("Bash(ls *)", SettingsScope.Project)], Env = Env(("B", "2")) };

        var s = Settings.Merge([user, project]);

        Assert.Equal("sonnet", s.Model);
        Assert.Equal(["Bash(ls *)", "Bash(npm test)"], s.Allow.Select(r => r.Text));
        Assert.Equal(SettingsScope.User, s.Allow[0].Source.Scope);
        Assert.Equal("1", s.Env["A"]);
        Assert.Equal("2", s.Env["B"]);
    }

    [Fact]
    public void Merge_WhenNothingIsSet_GivesDefaults()
    {
        var s = Settings.Merge([]);

        Assert.Equal("default", s.DefaultMode);
        Assert.Equal(30, s.CleanupPeriodDays);
        Assert.Empty(s.Allow);
    }

    private static ImmutableDictionary<string, string> Env(params (string K, string V)[] pairs) =>
        pairs.ToDictionary(p => p.K, p => p.V).ToImmutableDictionary();
}
