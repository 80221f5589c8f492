using System.Text.Json;
using CodeForge.Core.Permissions;

namespace CodeForge.Core.Tests.Permissions;

/// <summary>
/// Runs the <see cref="BypassCorpus"/> against a real workspace: no attempt may be allowed, every legitimate command must
/// be. Each failure names the entry, its rule set and mode, and the decision's reason.
/// </summary>
public sealed class BypassCorpusTests(CorpusWorkspace workspace) : IClassFixture<CorpusWorkspace>
{
    private PermissionDecision Decide(CorpusEntry entry)
    {
        var (allow, ask, deny) = BypassCorpus.RuleSets[entry.Rules];
        var loaded = PermissionRuleSet.Load(PermissionLayer.Project, allow, ask, deny, baseDirectory: workspace.Directory);
        Assert.Empty(loaded.Errors);
        var policy = PermissionPolicy.Create(workspace.Directory, workspace.Home)
            .WithLayer(PermissionLayer.Project, loaded.Rules)
            .WithMode(entry.Mode);
        var input = workspace.Expand(entry.Input);
        var arguments = entry.Tool switch
        {
            "Bash" => JsonSerializer.SerializeToElement(new Dictionary<string, string> { ["command"] = input }),
            "Glob" or "Grep" => JsonSerializer.SerializeToElement(new Dictionary<string, string> { ["path"] = input, ["pattern"] = "*" }),
            _ => JsonSerializer.SerializeToElement(new Dictionary<string, string> { ["file_path"] = input }),
        };
        return policy.Evaluate(entry.Tool, arguments);
    }

    [Fact]
    public void EveryBypassAttempt_IsDeniedOrAsked_NeverAllowed()
    {
        Assert.True(BypassCorpus.Attempts.Length >= 150, $"the corpus holds {BypassCorpus.Attempts.Length} attempts; at least 150 are required");
        var through = new List<string>();
        int denied = 0, asked = 0;
        foreach (var entry in BypassCorpus.Attempts)
        {
            var decision = Decide(entry);
            switch (decision.Behavior)
            {
                case PermissionBehavior.Deny:
                    denied++;
                    break;
                case PermissionBehavior.Ask:
                    asked++;
                    break;
                default:
                    through.Add($"{entry} => {decision.Behavior}: {decision.Reason}");
                    break;
            }
            TestContext.Current.TestOutputHelper?.WriteLine($"{decision.Behavior,-5} {entry} -- {decision.Reason}");
        }
        TestContext.Current.TestOutputHelper?.WriteLine($"{BypassCorpus.Attempts.Length} attempts: {denied} denied, {asked} asked, {through.Count} allowed");
        Assert.True(through.Count == 0, $"{through.Count} of {BypassCorpus.Attempts.Length} attempts got through:\n" + string.Join('\n', through));
    }

    [Fact]
    public void EveryLegitimateCommand_IsAllowed()
    {
        Assert.True(BypassCorpus.Legitimate.Length >= 50, $"the corpus holds {BypassCorpus.Legitimate.Length} legitimate commands; at least 50 are required");
        var refused = BypassCorpus.Legitimate
            .Select(entry => (entry, decision: Decide(entry)))
            .Where(x => !x.decision.IsAllowed)
            .Select(x => $"{x.entry} => {x.decision.Behavior}: {x.decision.Reason}")
            .ToList();
        Assert.True(refused.Count == 0, $"{refused.Count} of {BypassCorpus.Legitimate.Length} legitimate commands were not allowed:\n" + string.Join('\n', refused));
    }

    [Fact]
    public void Corpus_EntriesAreDistinctAndNameKnownRuleSets()
    {
        var all = BypassCorpus.Attempts.Concat(BypassCorpus.Legitimate).ToList();
        Assert.All(all, e => Assert.True(BypassCorpus.RuleSets.ContainsKey(e.Rules), e.ToString()));
        Assert.All(all, e => Assert.False(string.IsNullOrWhiteSpace(e.Why), e.ToString()));
        var duplicates = all.GroupBy(e => (e.Rules, e.Mode, e.Tool, e.Input)).Where(g => g.Count() > 1).Select(g => g.First().ToString()).ToList();
        Assert.True(duplicates.Count == 0, "duplicate corpus entries:\n" + string.Join('\n', duplicates));
    }
}
