using System.Collections.Immutable;
using System.Text.Json;
using CodeForge.Core.Permissions;
using CodeForge.Coyote.Tests.Infrastructure;
using Microsoft.Coyote.Specifications;

namespace CodeForge.Coyote.Tests.Permissions;

/// <summary>
/// Systematic scheduling of <see cref="PermissionChecker"/>'s session rules: three tasks add rules, one adds and then
/// removes a rule, and a reader checks a command at each of its steps. In every schedule no rule is lost, a reader never
/// sees the rule count go down while only additions complete, and the decision a reader gets agrees with the policy
/// snapshot it came from. The broken variant goes through the real checker's own <see cref="PermissionChecker.Update"/>
/// seam: <c>AddSessionRule</c> copied with its read of the policy moved out of the lock (the lock kept only for the write),
/// which is the "lock removed around the read-modify-write" regression.
/// </summary>
public sealed class PermissionCheckerCoyoteTests
{
    private static readonly JsonElement MakeDeploy = JsonElement.Parse("""{"command":"make deploy"}""");

    private delegate bool AddRule(PermissionChecker checker, PermissionRule rule);

    private static bool RealAdd(PermissionChecker checker, PermissionRule rule) => checker.AddSessionRule(rule);

    /// <summary><c>PermissionChecker.AddSessionRule(PermissionRule)</c> with the policy read outside the lock.</summary>
    private static bool ReadOutsideTheLockAdd(PermissionChecker checker, PermissionRule rule)
    {
        var current = checker.Policy;
        var rules = current.Session.Rules;
        var index = rules.IndexOf(rules.FirstOrDefault(r => r.Text == rule.Text)!);
        if (index >= 0 && rules[index].Behavior == rule.Behavior)
        {
            return false;
        }
        var next = index >= 0 ? rules.SetItem(index, rule) : rules.Add(rule);
        checker.Update(_ => current.WithLayer(PermissionLayer.Session, PermissionRuleSet.Create(next)));
        return true;
    }

    private static PermissionRule Allow(string text) => PermissionRule.Parse(text, PermissionBehavior.Allow, RuleSource.Session);

    private static async Task Scenario(AddRule add)
    {
        var checker = new PermissionChecker("/work", "/home/user", PermissionRuleSet.Empty);
        var added = new[] { Allow("Bash(make deploy)"), Allow("Bash(ls:*)"), Allow("Read(/data/**)") };
        var transient = Allow("WebFetch(domain:example.com)");

        var adders = added.Select(rule => Task.Run(() => Specification.Assert(add(checker, rule), $"adding {rule.Text} returned false"))).ToArray();
        var addRemove = Task.Run(() =>
        {
            add(checker, transient);
            Specification.Assert(checker.RemoveSessionRule(transient.Text), $"{transient.Text} was gone before its remover ran");
        });
        var reader = Task.Run(async () =>
        {
            var lastPermanent = 0;
            for (var i = 0; i < 4; i++)
            {
                var policy = checker.Policy;
                var permanent = policy.Session.Rules.Count(r => r.Text != transient.Text);
                Specification.Assert(permanent >= lastPermanent, $"a reader saw the session rules shrink from {lastPermanent} to {permanent}");
                lastPermanent = permanent;
                var allowed = policy.Evaluate("Bash", MakeDeploy).IsAllowed;
                var listed = policy.Session.Rules.Any(r => r.Text == "Bash(make deploy)");
                Specification.Assert(allowed == listed, $"'make deploy' allowed={allowed} while its rule listed={listed}");
                await Task.Yield();
            }
        });
        await Task.WhenAll(adders.Append(addRemove).Append(reader).ToArray());

        var texts = checker.SessionRules.Select(r => r.Text).Order(StringComparer.Ordinal).ToImmutableArray();
        Specification.Assert(texts.SequenceEqual(added.Select(r => r.Text).Order(StringComparer.Ordinal)),
            $"session rules at rest: [{string.Join(", ", texts)}] (a rule was lost or the removed one came back)");
        Specification.Assert(checker.Check("Bash", MakeDeploy).IsAllowed, "'make deploy' is not allowed at rest");
    }

    [Fact]
    public void SessionRuleChanges_RacingReaders_LoseNothingAndReadersSeeWholeSnapshots() =>
        CoyoteRunner.AssertNoBug(() => Scenario(RealAdd), CoyoteStrategy.Prioritization);

    [Fact]
    public void SessionRuleChanges_WhenTheReadIsOutsideTheLock_AreCaught()
    {
        var bug = CoyoteRunner.AssertFindsBug(() => Scenario(ReadOutsideTheLockAdd), CoyoteStrategy.Prioritization);

        Assert.Matches("was lost|shrink|was gone", bug);
    }
}
