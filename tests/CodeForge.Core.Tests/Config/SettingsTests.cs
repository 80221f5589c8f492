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

    private static SettingsFragment Scalars(string tag, int number, bool flag) => SettingsFragment.Empty with
    {
        Model = "model-" + tag,
        Provider = "provider-" + tag,
        DefaultMode = "mode-" + tag,
        StatusLine = System.Text.Json.JsonSerializer.SerializeToElement(tag),
        CleanupPeriodDays = number,
        Effort = "effort-" + tag,
        MaxThinkingTokens = number,
        AlwaysThinkingEnabled = flag,
        OutputStyle = "style-" + tag,
        OpenAIApi = "api-" + tag,
    };

    private static object[] ScalarsOf(Settings s) =>
        [s.Model!, s.Provider!, s.DefaultMode, s.StatusLine!.Value.GetString()!, s.CleanupPeriodDays, s.Effort!, s.MaxThinkingTokens!,
            s.AlwaysThinkingEnabled!, s.OutputStyle!, s.OpenAIApi!];

    [Fact]
    public void Merge_EveryScalarSetByAHigherLayerWinsAndALayerThatSetsNothingKeepsIt()
    {
        var s = Settings.Merge([Scalars("low", 1, false), Scalars("high", 2, true), SettingsFragment.Empty]);

        Assert.Equal(["model-high", "provider-high", "mode-high", "high", 2, "effort-high", 2, true, "style-high", "api-high"], ScalarsOf(s));
    }

    [Fact]
    public void Merge_DisablingBypassModeInAnyLayerSticks()
    {
        var on = SettingsFragment.Empty with { DisableBypassPermissionsMode = true };

        Assert.True(Settings.Merge([on, SettingsFragment.Empty]).DisableBypassPermissionsMode);
        Assert.True(Settings.Merge([SettingsFragment.Empty, on]).DisableBypassPermissionsMode);
        Assert.False(Settings.Merge([SettingsFragment.Empty]).DisableBypassPermissionsMode);
    }

    [Fact]
    public void Merge_AddsDirectoriesOncePluginsByKeyAndHookGroupsInLayerOrder()
    {
        var groupA = System.Text.Json.JsonSerializer.SerializeToElement("a");
        var groupB = System.Text.Json.JsonSerializer.SerializeToElement("b");
        var low = SettingsFragment.Empty with
        {
            AdditionalDirectories = ["/x", "/y"],
            EnabledPlugins = ImmutableDictionary<string, bool>.Empty.Add("p@m", true).Add("q@m", true),
            Hooks = ImmutableDictionary<string, ImmutableArray<System.Text.Json.JsonElement>>.Empty.Add("Stop", [groupA]),
        };
        var high = SettingsFragment.Empty with
        {
            AdditionalDirectories = ["/y", "/z"],
            EnabledPlugins = ImmutableDictionary<string, bool>.Empty.Add("p@m", false),
            Hooks = ImmutableDictionary<string, ImmutableArray<System.Text.Json.JsonElement>>.Empty.Add("Stop", [groupB]),
        };

        var s = Settings.Merge([low, high]);

        Assert.Equal(["/x", "/y", "/z"], s.AdditionalDirectories);
        Assert.Equal((false, true), (s.EnabledPlugins["p@m"], s.EnabledPlugins["q@m"]));
        Assert.Equal(["a", "b"], s.Hooks["Stop"].Select(g => g.GetString()));
    }

    private static ImmutableDictionary<string, string> Env(params (string K, string V)[] pairs) =>
        pairs.ToDictionary(p => p.K, p => p.V).ToImmutableDictionary();
}
