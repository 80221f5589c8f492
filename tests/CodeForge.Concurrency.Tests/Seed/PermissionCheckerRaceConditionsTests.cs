using System.Collections.Concurrent;
using System.Text.Json;
using CodeForge.Concurrency.Tests.Infrastructure;
using CodeForge.Core.Permissions;

namespace CodeForge.Concurrency.Tests.Seed;

/// <summary>
/// The seed's TestPermissionCheckerRaceConditions (tests 11–13) with the original workloads and stronger assertions:
/// exact rule sets at rest, every check result checked against what the rules allow, and per-thread monotonicity across
/// a clear.
/// </summary>
[Collection(NonParallel.Name)]
public sealed class PermissionCheckerRaceConditionsTests
{
    private static readonly JsonElement ArgValue = JsonSerializer.SerializeToElement(new Dictionary<string, string> { ["arg"] = "value" });

    private static PermissionChecker NewChecker() => new("/work/proj", "/home/alice");

    [Fact]
    public void ConcurrentSessionRuleModifications()
    {
        var checker = NewChecker();

        Stress.Pool(maxWorkers: 20, jobs: 100, i =>
        {
            var behavior = i % 2 == 0 ? PermissionBehavior.Allow : PermissionBehavior.Deny;
            var rule = checker.AddSessionRule(behavior, $"test_{i}");
            // Read-your-writes: the adding thread sees its rule decide the call at once.
            var decision = checker.Check($"test_{i}", ArgValue);
            Assert.Equal(behavior, decision.Behavior);
            Assert.Equal(rule.Text, decision.DecidingRule?.Text);
            // Every snapshot observed mid-run holds each rule at most once.
            var texts = checker.SessionRules.Select(r => r.Text).ToList();
            Assert.Equal(texts.Count, texts.Distinct(StringComparer.Ordinal).Count());
        });

        var rules = checker.SessionRules;
        Assert.Equal(100, rules.Length);
        Assert.Equal(50, rules.Count(r => r.Behavior == PermissionBehavior.Allow));
        Assert.Equal(50, rules.Count(r => r.Behavior == PermissionBehavior.Deny));
        for (var i = 0; i < 100; i++)
        {
            var matching = rules.Where(r => r.Text == $"test_{i}").ToList();
            var rule = Assert.Single(matching);
            Assert.Equal(i % 2 == 0 ? PermissionBehavior.Allow : PermissionBehavior.Deny, rule.Behavior);
            Assert.Equal(PermissionLayer.Session, rule.Source.Layer);
        }
    }

    [Fact]
    public void ConcurrentCheckAndModify()
    {
        var checker = NewChecker();
        for (var i = 0; i < 10; i++)
        {
            checker.AddSessionRule(PermissionBehavior.Allow, $"initial_{i}");
        }
        var removals = new ConcurrentBag<(int Job, bool Removed)>();
        var checks = 0;

        Stress.Pool(maxWorkers: 30, jobs: 100, i =>
        {
            if (i % 3 == 0)
            {
                if (i % 2 == 0)
                {
                    checker.AddSessionRule(PermissionBehavior.Deny, $"new_{i}");
                }
                else
                {
                    removals.Add((i, checker.RemoveSessionRule($"initial_{i % 10}")));
                }
            }
            else
            {
                // No rule names test_tool_*, so every check is the default, whatever the interleaving.
                var tool = $"test_tool_{i % 10}";
                Assert.Equal(PermissionDecision.Default(tool), checker.Check(tool, ArgValue));
                Interlocked.Increment(ref checks);
            }
        });

        // The final rule set is determined: compute it from the workload.
        var jobs = Enumerable.Range(0, 100).Where(i => i % 3 == 0).ToList();
        var removedIndices = jobs.Where(i => i % 2 == 1).Select(i => i % 10).ToHashSet();
        var expected = Enumerable.Range(0, 10).Where(j => !removedIndices.Contains(j)).Select(j => ($"initial_{j}", PermissionBehavior.Allow))
            .Concat(jobs.Where(i => i % 2 == 0).Select(i => ($"new_{i}", PermissionBehavior.Deny)))
            .ToHashSet();
        var actual = checker.SessionRules.Select(r => (r.Text, r.Behavior)).ToList();
        Assert.Equal(expected.Count, actual.Count);
        Assert.True(expected.SetEquals(actual), $"unexpected rule set: {string.Join(", ", actual)}");
        Assert.Equal(22, actual.Count); // 5 initial rules survive, 17 deny rules were added
        Assert.Equal(66, checks);
        // Each removed rule was reported removed exactly once; the repeats found nothing.
        Assert.Equal(17, removals.Count);
        Assert.Equal(removedIndices.Count, removals.Count(r => r.Removed));
        Assert.All(removedIndices, j => Assert.Single(removals, r => r.Removed && r.Job % 10 == j));
    }

    [Fact]
    public void ConcurrentClearAndCheck()
    {
        const int checkers = 10;
        const int rules = 20;
        const int checksBeforeClear = 20;
        const int checksAfterClear = 20;
        var checker = NewChecker();
        for (var i = 0; i < rules; i++)
        {
            checker.AddSessionRule(PermissionBehavior.Allow, $"test_tool_{i}");
        }
        using var readyToClear = new CountdownEvent(checkers);
        var cleared = 0;
        var removed = -1;
        var observations = new List<bool>[checkers];

        Stress.RunThreads(checkers + 1, t =>
        {
            if (t == checkers)
            {
                readyToClear.Wait(TestContext.Current.CancellationToken);
                removed = checker.ClearSessionRules();
                Volatile.Write(ref cleared, 1);
                return;
            }
            var seen = observations[t] = [];
            var sawOldStateAfterClear = false;
            var afterFlag = 0;
            for (var n = 0; afterFlag < checksAfterClear; n++)
            {
                var flag = Volatile.Read(ref cleared) == 1;
                var tool = $"test_tool_{(t + n) % rules}";
                var decision = checker.Check(tool, ArgValue);
                var allowed = decision.Behavior == PermissionBehavior.Allow;
                if (allowed)
                {
                    // The full rule set: allowed by exactly this tool's session rule.
                    Assert.Equal(tool, decision.DecidingRule?.Text);
                    Assert.Equal(PermissionLayer.Session, decision.Layer);
                    sawOldStateAfterClear |= flag;
                }
                else
                {
                    // The empty rule set: the default decision.
                    Assert.Equal(PermissionDecision.Default(tool), decision);
                }
                seen.Add(allowed);
                if (n + 1 == checksBeforeClear)
                {
                    readyToClear.Signal();
                }
                if (flag)
                {
                    afterFlag++;
                }
            }
            Assert.False(sawOldStateAfterClear, "a check that started after the clear returned saw the old rules");
        });

        Assert.Equal(rules, removed);
        Assert.Empty(checker.SessionRules);
        for (var t = 0; t < checkers; t++)
        {
            var seen = observations[t];
            // Monotone: a prefix of Allow (the full set), then only defaults (the empty set); never back.
            var firstCleared = seen.IndexOf(false);
            Assert.True(firstCleared >= checksBeforeClear, $"thread {t} saw the cleared state before the clear could start");
            Assert.All(seen.Skip(firstCleared), allowed => Assert.False(allowed));
            Assert.All(seen.Take(firstCleared), allowed => Assert.True(allowed));
        }
    }
}
