using System.Text.Json;
using CodeForge.Core.Permissions;
using static CodeForge.Core.Tests.Permissions.PermissionTestKit;

namespace CodeForge.Core.Tests.Permissions;

public sealed partial class PermissionCheckerTests
{
    private static PermissionRuleSet Layer(PermissionLayer layer, string[]? allow = null, string[]? ask = null, string[]? deny = null)
    {
        var result = PermissionRuleSet.Load(layer, allow, ask, deny, filePath: $"/cfg/{layer}/.forge/settings.json");
        Assert.Empty(result.Errors);
        return result.Rules;
    }

    // ---------------------------------------------------------------- defaults use the real tool names

    [Theory]
    [InlineData("Read", "{\"file_path\":\"/work/proj/a.cs\"}")]
    [InlineData("Glob", "{\"pattern\":\"**/*.cs\"}")]
    [InlineData("Grep", "{\"pattern\":\"TODO\",\"path\":\"src\"}")]
    [InlineData("BashOutput", "{\"bash_id\":\"shell_1\"}")]
    [InlineData("TodoWrite", "{\"todos\":[]}")]
    public void Check_WithDefaults_AllowsReadOnlyToolsByTheirRealNames(string tool, string json)
    {
        var decision = NewChecker().Check(tool, Parse(json));

        Assert.Equal(PermissionBehavior.Allow, decision.Behavior);
        Assert.Equal(tool, decision.DecidingRule?.Text);
        Assert.Equal(PermissionLayer.Defaults, decision.Layer);
    }

    [Theory]
    [InlineData("rm -rf /")]
    [InlineData("rm -rf /*")]
    [InlineData("rm -fr /usr")]
    [InlineData("sudo rm -rf /")]
    [InlineData("cd /tmp && rm -rf ~")]
    [InlineData("rm -rf $HOME")]
    [InlineData("mkfs.ext4 /dev/sda1")]
    [InlineData("dd if=/dev/zero of=/dev/sda bs=1M")]
    [InlineData("cat image.iso > /dev/sdb")]
    [InlineData("echo 'nameserver 1.1.1.1' > /etc/resolv.conf")]
    public void Check_WithDefaults_DeniesDestructiveBashCommands(string command)
    {
        var decision = NewChecker().Check("Bash", Command(command));

        Assert.Equal(PermissionBehavior.Deny, decision.Behavior);
        Assert.Equal(PermissionLayer.Defaults, decision.Layer);
        Assert.NotNull(decision.DecidingRule);
    }

    [Theory]
    [InlineData("Write", "/etc/passwd")]
    [InlineData("Edit", "/etc/hosts")]
    [InlineData("MultiEdit", "/usr/lib/x.so")]
    [InlineData("Write", "/usr/local/bin/tool")]
    public void Check_WithDefaults_DeniesWritesUnderSystemDirectories(string tool, string path)
    {
        var decision = NewChecker().Check(tool, FilePath(path));

        Assert.Equal(PermissionBehavior.Deny, decision.Behavior);
        Assert.Equal(PermissionBehavior.Deny, decision.DecidingRule?.Behavior);
        Assert.StartsWith("Edit(//", decision.DecidingRule?.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_WithDefaults_AsksForOrdinaryCallsAndRiskyCommands()
    {
        var checker = NewChecker();

        Assert.Equal(PermissionDecision.Default("Bash"), checker.Check("Bash", Command("make -j4")));
        Assert.Equal(PermissionDecision.Default("Write"), checker.Check("Write", FilePath("/work/proj/a.txt")));
        Assert.Equal(PermissionDecision.Default("WebFetch"), checker.Check("WebFetch", Url("https://example.com")));
        var rm = checker.Check("Bash", Command("rm -rf node_modules"));
        Assert.Equal(PermissionBehavior.Ask, rm.Behavior);
        Assert.Equal("Bash(rm -rf *)", rm.DecidingRule?.Text);
    }

    [Fact]
    public void Check_WithLowerCaseToolName_DoesNotMatchTheDefaultsOfTheRealTool()
    {
        // The original's defaults were lower-case and never matched; here the tool names are the real ones.
        Assert.Equal(PermissionDecision.Default("read"), NewChecker().Check("read", FilePath("/work/proj/a")));
    }

    [Fact]
    public void DefaultRules_AllParse()
    {
        var rules = DefaultPermissionRules.Create();

        Assert.Equal(DefaultPermissionRules.Deny.Count + DefaultPermissionRules.Ask.Count + DefaultPermissionRules.Allow.Count, rules.Count);
        Assert.All(rules.Rules, r => Assert.Equal(PermissionLayer.Defaults, r.Source.Layer));
    }

    // ---------------------------------------------------------------- layering

    [Fact]
    public void Check_WhenAnyLayerDenies_DenyWinsOverAllowInEveryHigherLayer()
    {
        var checker = NewChecker();
        checker.ReplaceLayer(PermissionLayer.User, Layer(PermissionLayer.User, deny: ["Bash(git push *)"]));
        checker.ReplaceLayer(PermissionLayer.Managed, Layer(PermissionLayer.Managed, allow: ["Bash(git push *)"]));
        checker.ReplaceLayer(PermissionLayer.Project, Layer(PermissionLayer.Project, allow: ["Bash"]));
        checker.AddSessionRule(PermissionBehavior.Allow, "Bash(git push origin main)");

        var decision = checker.Check("Bash", Command("git push origin main"));

        Assert.Equal(PermissionBehavior.Deny, decision.Behavior);
        Assert.Equal("Bash(git push *)", decision.DecidingRule?.Text);
        Assert.Equal(PermissionLayer.User, decision.Layer);
        Assert.Equal("Denied by rule 'Bash(git push *)' from /cfg/User/.forge/settings.json permissions.deny[0]", decision.Reason);
    }

    [Fact]
    public void Check_WhenAskAndAllowMatchInDifferentLayers_AskWins()
    {
        var checker = NewChecker();
        checker.AddSessionRule(PermissionBehavior.Allow, "Bash(npm *)");
        checker.ReplaceLayer(PermissionLayer.User, Layer(PermissionLayer.User, ask: ["Bash(npm publish*)"]));

        var decision = checker.Check("Bash", Command("npm publish"));

        Assert.Equal(PermissionBehavior.Ask, decision.Behavior);
        Assert.Equal(PermissionLayer.User, decision.Layer);
        Assert.Contains("requires confirmation", decision.Reason, StringComparison.Ordinal);
        Assert.Equal(PermissionBehavior.Allow, checker.Check("Bash", Command("npm test")).Behavior);
    }

    [Fact]
    public void Check_WhenSameBehaviorMatchesInSeveralLayers_ReportsHighestPrecedenceLayer()
    {
        var checker = NewChecker();
        checker.ReplaceLayer(PermissionLayer.Project, Layer(PermissionLayer.Project, allow: ["WebSearch"]));
        checker.ReplaceLayer(PermissionLayer.ProjectLocal, Layer(PermissionLayer.ProjectLocal, allow: ["WebSearch"]));

        var decision = checker.Check("WebSearch", Args(("query", "x")));

        Assert.Equal(PermissionLayer.ProjectLocal, decision.Layer);
        Assert.Equal("Allowed by rule 'WebSearch' from /cfg/ProjectLocal/.forge/settings.json permissions.allow[0]", decision.Reason);
    }

    [Fact]
    public void Check_DefaultsDenyCannotBeOverriddenButTheLayerCanBeReplaced()
    {
        var checker = NewChecker();
        checker.AddSessionRule(PermissionBehavior.Allow, "Write");
        Assert.Equal(PermissionBehavior.Deny, checker.Check("Write", FilePath("/etc/x")).Behavior);

        checker.ReplaceLayer(PermissionLayer.Defaults, PermissionRuleSet.Empty);

        Assert.Equal(PermissionBehavior.Allow, checker.Check("Write", FilePath("/etc/x")).Behavior);
    }

    [Fact]
    public void ReplaceLayer_WhenSession_Throws()
    {
        Assert.Throws<ArgumentException>(() => NewChecker().ReplaceLayer(PermissionLayer.Session, PermissionRuleSet.Empty));
    }

    // ---------------------------------------------------------------- session rules

    [Fact]
    public void AddSessionRule_AppendsInOrderAndIsIdempotent()
    {
        var checker = NewChecker();

        var rule = checker.AddSessionRule(PermissionBehavior.Allow, "Bash(ls *)");
        checker.AddSessionRule(PermissionBehavior.Deny, "WebSearch");
        var again = checker.AddSessionRule(PermissionRule.Parse("Bash(ls *)", PermissionBehavior.Allow, RuleSource.Session));

        Assert.False(again);
        Assert.Equal(["Bash(ls *)", "WebSearch"], checker.SessionRules.Select(r => r.Text));
        Assert.Equal(RuleSource.Session, rule.Source);
        Assert.Equal(PermissionLayer.Session, checker.Check("Bash", Command("ls")).Layer);
    }

    [Fact]
    public void AddSessionRule_WithAnotherBehavior_ReplacesTheEntryInPlace()
    {
        var checker = NewChecker();
        checker.AddSessionRule(PermissionBehavior.Allow, "WebSearch");
        checker.AddSessionRule(PermissionBehavior.Allow, "WebFetch");

        checker.AddSessionRule(PermissionBehavior.Deny, "WebSearch");

        Assert.Equal([("WebSearch", PermissionBehavior.Deny), ("WebFetch", PermissionBehavior.Allow)],
            checker.SessionRules.Select(r => (r.Text, r.Behavior)));
        Assert.Equal(PermissionBehavior.Deny, checker.Check("WebSearch").Behavior);
    }

    [Fact]
    public void AddSessionRule_WhenMalformed_ThrowsNamingSessionAndAddsNothing()
    {
        var checker = NewChecker();

        var error = Assert.Throws<PermissionRuleException>(() => checker.AddSessionRule(PermissionBehavior.Allow, "Bash(ls"));

        Assert.Contains("'Bash(ls' in session", error.Message, StringComparison.Ordinal);
        Assert.Empty(checker.SessionRules);
    }

    [Fact]
    public void RemoveSessionRule_RemovesByTextAndReportsWhetherItWasThere()
    {
        var checker = NewChecker();
        checker.AddSessionRule(PermissionBehavior.Deny, "WebSearch");

        Assert.True(checker.RemoveSessionRule(" WebSearch "));
        Assert.False(checker.RemoveSessionRule("WebSearch"));
        Assert.Empty(checker.SessionRules);
        Assert.Equal(PermissionDecision.Default("WebSearch"), checker.Check("WebSearch"));
    }

    [Fact]
    public void ClearSessionRules_RemovesAllAndReturnsTheCount()
    {
        var checker = NewChecker();
        checker.AddSessionRule(PermissionBehavior.Allow, "WebSearch");
        checker.AddSessionRule(PermissionBehavior.Allow, "WebFetch");
        var before = checker.Policy;

        Assert.Equal(2, checker.ClearSessionRules());
        Assert.Equal(0, checker.ClearSessionRules());
        Assert.Empty(checker.SessionRules);
        Assert.Equal(2, before.Session.Count); // an earlier snapshot is never changed
    }

    // ---------------------------------------------------------------- modes

    [Fact]
    public void Mode_AcceptEdits_AllowsEditsInsideTheWorkspaceOnly()
    {
        var checker = NewChecker();
        checker.SetMode(PermissionMode.AcceptEdits);
        checker.Update(p => p.WithDirectories(Cwd, additionalDirectories: ["/shared/docs"]));

        Assert.Equal(PermissionBehavior.Allow, checker.Check("Edit", FilePath("src/a.cs")).Behavior);
        Assert.Equal(PermissionBehavior.Allow, checker.Check("Write", FilePath("/shared/docs/x.md")).Behavior);
        Assert.Equal(PermissionBehavior.Ask, checker.Check("Write", FilePath("/tmp/x")).Behavior);
        // Claude Code's acceptEdits also runs mkdir, touch, mv and cp inside the workspace (not outside it).
        Assert.Equal(PermissionBehavior.Allow, checker.Check("Bash", Command("touch a && mkdir -p src/b && cp a src/b/")).Behavior);
        Assert.Equal(PermissionBehavior.Ask, checker.Check("Bash", Command("touch /tmp/a")).Behavior);
        Assert.Equal(PermissionBehavior.Ask, checker.Check("Bash", Command("make")).Behavior);
        Assert.Equal(PermissionBehavior.Deny, checker.Check("Edit", FilePath("/etc/hosts")).Behavior);
    }

    [Fact]
    public void Mode_AcceptEdits_StillHonoursAskRules()
    {
        var checker = NewChecker();
        checker.SetMode(PermissionMode.AcceptEdits);
        checker.AddSessionRule(PermissionBehavior.Ask, "Edit(./*.lock)");

        Assert.Equal(PermissionBehavior.Ask, checker.Check("Edit", FilePath("yarn.lock")).Behavior);
    }

    [Fact]
    public void Mode_Plan_DeniesMutatingToolsAndUnapprovedBash()
    {
        var checker = NewChecker();
        checker.AddSessionRule(PermissionBehavior.Allow, "Bash(git status)");
        checker.AddSessionRule(PermissionBehavior.Allow, "Write");
        checker.SetMode(PermissionMode.Plan);

        Assert.Equal(PermissionBehavior.Deny, checker.Check("Write", FilePath("a")).Behavior);
        Assert.Equal(PermissionBehavior.Deny, checker.Check("KillShell", Args(("shell_id", "1"))).Behavior);
        Assert.Equal(PermissionBehavior.Deny, checker.Check("Bash", Command("make")).Behavior);
        Assert.Equal(PermissionBehavior.Allow, checker.Check("Bash", Command("git status")).Behavior);
        Assert.Equal(PermissionBehavior.Allow, checker.Check("Read", FilePath("a")).Behavior);
        Assert.Equal(PermissionBehavior.Ask, checker.Check("WebFetch", Url("https://x.org")).Behavior);
        Assert.Contains("Plan mode", checker.Check("Edit", FilePath("a")).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Mode_DontAsk_TurnsEveryAskIntoDeny()
    {
        var checker = NewChecker();
        checker.AddSessionRule(PermissionBehavior.Allow, "Bash(npm *)");
        checker.SetMode(PermissionMode.DontAsk);

        Assert.Equal(PermissionBehavior.Allow, checker.Check("Bash", Command("npm test")).Behavior);
        var unapproved = checker.Check("Bash", Command("make"));
        Assert.Equal(PermissionBehavior.Deny, unapproved.Behavior);
        Assert.Contains("dontAsk", unapproved.Reason, StringComparison.Ordinal);
        var askRule = checker.Check("Bash", Command("rm -rf build"));
        Assert.Equal(PermissionBehavior.Deny, askRule.Behavior);
        Assert.Equal("Bash(rm -rf *)", askRule.DecidingRule?.Text);
    }

    [Fact]
    public void Mode_BypassPermissions_AllowsEverythingButDenyRules()
    {
        var checker = NewChecker();
        checker.SetMode(PermissionMode.BypassPermissions);

        Assert.Equal(PermissionBehavior.Allow, checker.Check("Bash", Command("make")).Behavior);
        Assert.Equal(PermissionBehavior.Allow, checker.Check("Bash", Command("rm -rf build")).Behavior);
        Assert.Equal(PermissionBehavior.Deny, checker.Check("Bash", Command("rm -rf /")).Behavior);
        Assert.Equal(PermissionBehavior.Deny, checker.Check("Write", FilePath("/etc/passwd")).Behavior);
    }

    [Fact]
    public void Mode_BypassPermissions_WhenDisabledByManagedSettings_DecidesAsDefault()
    {
        var checker = NewChecker();
        checker.Update(p => p.WithMode(PermissionMode.BypassPermissions).WithBypassPermissionsDisabled(true));

        Assert.Equal(PermissionMode.Default, checker.Policy.EffectiveMode);
        Assert.Equal(PermissionBehavior.Ask, checker.Check("Bash", Command("make")).Behavior);
        checker.Update(p => p.WithBypassPermissionsDisabled(false));
        Assert.Equal(PermissionBehavior.Allow, checker.Check("Bash", Command("make")).Behavior);
    }

    [Theory]
    [InlineData("/work/proj/.git/config")]
    [InlineData("/work/proj/.git/hooks/pre-commit")]
    [InlineData("/work/proj/sub/.git/HEAD")]
    [InlineData("/work/proj/.forge/settings.json")]
    [InlineData("/work/proj/.forge/settings.local.json")]
    [InlineData("/work/proj/.claude/settings.json")]
    [InlineData("/home/alice/.forge/settings.json")]
    public void ProtectedPaths_AskInEveryModeEvenWithAnAllowRule(string path)
    {
        var checker = NewChecker();
        checker.AddSessionRule(PermissionBehavior.Allow, "Edit");
        foreach (var mode in new[] { PermissionMode.Default, PermissionMode.AcceptEdits, PermissionMode.BypassPermissions })
        {
            checker.SetMode(mode);
            Assert.Equal(PermissionBehavior.Ask, checker.Check("Write", FilePath(path)).Behavior);
        }
        checker.SetMode(PermissionMode.DontAsk);
        Assert.Equal(PermissionBehavior.Deny, checker.Check("Write", FilePath(path)).Behavior);
    }

    [Theory]
    [InlineData("/work/proj/.gitignore")]
    [InlineData("/work/proj/src/git/x.cs")]
    [InlineData("/work/proj/.forge/skills/x/SKILL.md")]
    public void WorkingTreeFilesNextToProtectedOnes_AreNotProtected(string path)
    {
        Assert.False(PermissionPolicy.IsProtected(path));
    }

    [Theory]
    [InlineData("default", PermissionMode.Default)]
    [InlineData("manual", PermissionMode.Default)]
    [InlineData("acceptEdits", PermissionMode.AcceptEdits)]
    [InlineData("plan", PermissionMode.Plan)]
    [InlineData("dontAsk", PermissionMode.DontAsk)]
    [InlineData("bypassPermissions", PermissionMode.BypassPermissions)]
    public void PermissionModes_ParseSettingsNames(string text, PermissionMode mode)
    {
        Assert.True(PermissionModes.TryParse(text, out var parsed));
        Assert.Equal(mode, parsed);
        Assert.False(PermissionModes.TryParse("Plan", out _));
    }

    // ---------------------------------------------------------------- loading settings

    [Fact]
    public void FromSettings_KeepsGoodRulesAndReportsEachBadOneWithItsPlace()
    {
        using var doc = JsonDocument.Parse("""
            { "allow": ["Bash(npm run *)", "*", 42], "deny": ["Read(./.env)", "Bash(ls"], "ask": [], "defaultMode": "acceptEdits" }
            """);

        var result = PermissionRuleSet.FromSettings(doc.RootElement, PermissionLayer.Project, "/repo/.forge/settings.json");

        Assert.Equal(["Read(./.env)", "Bash(npm run *)"], result.Rules.Rules.Select(r => r.Text));
        Assert.Equal(PermissionMode.AcceptEdits, result.DefaultMode);
        Assert.Equal(3, result.Errors.Length);
        Assert.Equal(
            ["/repo/.forge/settings.json permissions.deny[1]", "/repo/.forge/settings.json permissions.allow[1]", "/repo/.forge/settings.json permissions.allow[2]"],
            result.Errors.Select(e => e.RuleSource.ToString()));
        Assert.Equal("/repo", result.Rules.Rules[0].Source.BaseDirectory);
    }

    [Fact]
    public void FromSettings_WhenShapesAreWrong_ReportsThem()
    {
        using var doc = JsonDocument.Parse("""{ "allow": "Bash", "defaultMode": "yolo" }""");

        var result = PermissionRuleSet.FromSettings(doc.RootElement, PermissionLayer.User, "/home/a/.forge/settings.json");

        Assert.Equal(0, result.Rules.Count);
        Assert.Null(result.DefaultMode);
        Assert.Equal(["permissions.allow", "permissions.defaultMode"], result.Errors.Select(e => e.RuleSource.Location));
    }

    // ---------------------------------------------------------------- arguments and misc

    [Fact]
    public void Check_WithBadToolName_Throws()
    {
        var checker = NewChecker();

        Assert.Throws<ArgumentNullException>(() => checker.Check(null!, default));
        Assert.Throws<ArgumentException>(() => checker.Check("", default));
    }

    [Fact]
    public void Constructor_WithRelativeDirectories_Throws()
    {
        var error = Assert.Throws<ArgumentException>(() => new PermissionChecker("relative/dir", Home));
        Assert.Contains("absolute", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void IsToolDenied_OnlyForBareDenyRules()
    {
        var checker = NewChecker();
        checker.ReplaceLayer(PermissionLayer.User, Layer(PermissionLayer.User, deny: ["WebSearch", "Bash(curl *)", "mcp__github"]));

        Assert.True(checker.IsToolDenied("WebSearch"));
        Assert.True(checker.IsToolDenied("mcp__github__create_issue"));
        Assert.False(checker.IsToolDenied("Bash"));
        Assert.False(checker.IsToolDenied("Read"));
    }

    [Fact]
    public void Check_IsEvaluatedOnTheSnapshotTakenAtTheStart()
    {
        var checker = NewChecker();
        var snapshot = checker.Policy;
        checker.AddSessionRule(PermissionBehavior.Deny, "WebSearch");

        Assert.Equal(PermissionBehavior.Ask, snapshot.Evaluate("WebSearch", default).Behavior);
        Assert.Equal(PermissionBehavior.Deny, checker.Check("WebSearch").Behavior);
    }

    private static JsonElement Parse(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.Clone();
    }
}
