using System.Collections.Immutable;
using CodeForge.Concurrency.Tests.Infrastructure;
using CodeForge.Concurrency.Tests.Linearizability;
using CodeForge.Core.Permissions;

namespace CodeForge.Concurrency.Tests.Permissions;

/// <summary>
/// Linearizability of the session rules under real concurrency: every recorded history of Add / Remove / Clear / Check
/// from barrier-started threads must be explainable by some order of the operations on the sequential model, with each
/// Check returning exactly what the model's rules decide at that point. The same check must catch a racy checker built
/// the way the Python original is (find-index-then-remove-at, remove-then-add).
/// </summary>
[Collection(NonParallel.Name)]
public sealed class PermissionCheckerLinearizabilityTests
{
    private static readonly string[] Rules = ["A", "B", "C", "mcp__s"];
    private static readonly string[] Tools = ["A", "B", "C", "mcp__s__x"];

    public enum Kind { Add, Remove, Clear, Check }

    /// <summary>One operation; <see cref="Text"/> is a rule text for Add/Remove and a tool name for Check.</summary>
    public sealed record Op(Kind Kind, string Text, PermissionBehavior Behavior)
    {
        public override string ToString() => Kind switch
        {
            Kind.Add => $"Add({Behavior} {Text})",
            Kind.Remove => $"Remove({Text})",
            Kind.Clear => "Clear()",
            _ => $"Check({Text})",
        };
    }

    /// <summary>Outputs: Add → changed, Remove → removed, Clear → count, Check → behavior and deciding rule.</summary>
    public sealed record Result(bool Flag, int Count, PermissionBehavior Behavior, string? Rule);

    /// <summary>The model: the session rules as an ordered list of (text, behavior).</summary>
    private sealed class SessionRulesModel : SequentialModel<ImmutableList<(string Text, PermissionBehavior Behavior)>, Op, Result>
    {
        public override ImmutableList<(string Text, PermissionBehavior Behavior)> Init() => [];

        public override IEqualityComparer<ImmutableList<(string Text, PermissionBehavior Behavior)>> StateComparer { get; } = new ListComparer();

        public override string Describe(ImmutableList<(string Text, PermissionBehavior Behavior)> state) =>
            "[" + string.Join(", ", state.Select(e => $"{e.Behavior} {e.Text}")) + "]";

        public override IEnumerable<ImmutableList<(string Text, PermissionBehavior Behavior)>> Step(
            ImmutableList<(string Text, PermissionBehavior Behavior)> state, Op input, Result output)
        {
            var index = state.FindIndex(e => e.Text == input.Text);
            switch (input.Kind)
            {
                case Kind.Add:
                    if (index >= 0 && state[index].Behavior == input.Behavior)
                    {
                        return LegalIf(!output.Flag, state);
                    }
                    return output.Flag
                        ? Legal(index >= 0 ? state.SetItem(index, (input.Text, input.Behavior)) : state.Add((input.Text, input.Behavior)))
                        : Illegal;
                case Kind.Remove:
                    if (index < 0)
                    {
                        return LegalIf(!output.Flag, state);
                    }
                    return output.Flag ? Legal(state.RemoveAt(index)) : Illegal;
                case Kind.Clear:
                    return output.Count == state.Count ? Legal([]) : Illegal;
                default:
                    var (behavior, rule) = Evaluate(state, input.Text);
                    return LegalIf(output.Behavior == behavior && output.Rule == rule, state);
            }
        }

        /// <summary>Deny, then ask, then allow; first match in order; the default is ask.</summary>
        private static (PermissionBehavior, string?) Evaluate(ImmutableList<(string Text, PermissionBehavior Behavior)> rules, string tool)
        {
            foreach (var behavior in new[] { PermissionBehavior.Deny, PermissionBehavior.Ask, PermissionBehavior.Allow })
            {
                foreach (var (text, b) in rules)
                {
                    if (b == behavior && (text == tool || (text == "mcp__s" && tool.StartsWith("mcp__s__", StringComparison.Ordinal))))
                    {
                        return (behavior, text);
                    }
                }
            }
            return (PermissionBehavior.Ask, null);
        }

        private sealed class ListComparer : IEqualityComparer<ImmutableList<(string Text, PermissionBehavior Behavior)>>
        {
            public bool Equals(ImmutableList<(string Text, PermissionBehavior Behavior)>? x, ImmutableList<(string Text, PermissionBehavior Behavior)>? y) =>
                ReferenceEquals(x, y) || (x is not null && y is not null && x.SequenceEqual(y));

            public int GetHashCode(ImmutableList<(string Text, PermissionBehavior Behavior)> obj)
            {
                var hash = new HashCode();
                foreach (var e in obj)
                {
                    hash.Add(e);
                }
                return hash.ToHashCode();
            }
        }
    }

    private static Op Generate(int client, Random random)
    {
        var roll = random.Next(100);
        return roll switch
        {
            < 35 => new Op(Kind.Add, Rules[random.Next(Rules.Length)], (PermissionBehavior)random.Next(3)),
            < 55 => new Op(Kind.Remove, Rules[random.Next(Rules.Length)], default),
            < 58 => new Op(Kind.Clear, "", default),
            _ => new Op(Kind.Check, Tools[random.Next(Tools.Length)], default),
        };
    }

    /// <summary>The operations a checker must offer the test.</summary>
    private interface ISessionRules
    {
        bool Add(PermissionBehavior behavior, string text);

        bool Remove(string text);

        int Clear();

        (PermissionBehavior, string?) Check(string tool);
    }

    private sealed class RealChecker : ISessionRules
    {
        private readonly PermissionChecker _checker = new("/work/proj", "/home/alice", PermissionRuleSet.Empty);

        public bool Add(PermissionBehavior behavior, string text) =>
            _checker.AddSessionRule(PermissionRule.Parse(text, behavior, RuleSource.Session));

        public bool Remove(string text) => _checker.RemoveSessionRule(text);

        public int Clear() => _checker.ClearSessionRules();

        public (PermissionBehavior, string?) Check(string tool)
        {
            var decision = _checker.Check(tool);
            return (decision.Behavior, decision.DecidingRule?.Text);
        }
    }

    /// <summary>
    /// The original's design: one mutable list; Add = find then replace-or-append, Remove = find index then remove at it.
    /// Each step is atomic on its own (the list is never corrupted, and one thread alone behaves exactly like the model)
    /// but the compound operations are not; the window is widened with SpinWait.
    /// </summary>
    private sealed class RacyChecker : ISessionRules
    {
        private readonly object _listLock = new();
        private readonly List<(string Text, PermissionBehavior Behavior)> _rules = [];

        public bool Add(PermissionBehavior behavior, string text)
        {
            int index;
            lock (_listLock)
            {
                index = _rules.FindIndex(e => e.Text == text);
                if (index >= 0 && _rules[index].Behavior == behavior)
                {
                    return false;
                }
            }
            Thread.Sleep(1);
            lock (_listLock)
            {
                if (index >= 0 && index < _rules.Count)
                {
                    _rules[index] = (text, behavior); // may now be another rule's slot
                }
                else
                {
                    _rules.Add((text, behavior)); // may now be a duplicate
                }
            }
            return true;
        }

        public bool Remove(string text)
        {
            int index;
            lock (_listLock)
            {
                index = _rules.FindIndex(e => e.Text == text);
            }
            if (index < 0)
            {
                return false;
            }
            Thread.Sleep(1);
            lock (_listLock)
            {
                if (index < _rules.Count)
                {
                    _rules.RemoveAt(index); // may now be another rule
                }
            }
            return true;
        }

        public int Clear()
        {
            lock (_listLock)
            {
                var count = _rules.Count;
                _rules.Clear();
                return count;
            }
        }

        public (PermissionBehavior, string?) Check(string tool)
        {
            (string Text, PermissionBehavior Behavior)[] snapshot;
            lock (_listLock)
            {
                snapshot = [.. _rules];
            }
            foreach (var behavior in new[] { PermissionBehavior.Deny, PermissionBehavior.Ask, PermissionBehavior.Allow })
            {
                foreach (var (text, b) in snapshot)
                {
                    if (b == behavior && (text == tool || (text == "mcp__s" && tool.StartsWith("mcp__s__", StringComparison.Ordinal))))
                    {
                        return (behavior, text);
                    }
                }
            }
            return (PermissionBehavior.Ask, null);
        }
    }

    private static Func<Op, Result> Executor(ISessionRules rules) => op => op.Kind switch
    {
        Kind.Add => new Result(rules.Add(op.Behavior, op.Text), 0, default, null),
        Kind.Remove => new Result(rules.Remove(op.Text), 0, default, null),
        Kind.Clear => new Result(false, rules.Clear(), default, null),
        _ => rules.Check(op.Text) is var (behavior, rule) ? new Result(false, 0, behavior, rule) : throw new InvalidOperationException(),
    };

    [Fact]
    public void SessionRules_UnderConcurrentAddRemoveClearCheck_AreLinearizable()
    {
        var summary = LinearizabilityRun.AssertLinearizable(new SessionRulesModel(), () => Executor(new RealChecker()), Generate);

        TestContext.Current.SendDiagnosticMessage($"PermissionChecker: {summary}");
    }

    [Fact]
    public void SessionRules_WhenCompoundOperationsAreNotAtomic_AreCaughtAsNotLinearizable()
    {
        var summary = LinearizabilityRun.AssertFindsViolation(new SessionRulesModel(), () => Executor(new RacyChecker()), Generate);

        TestContext.Current.SendDiagnosticMessage($"RacyChecker: {summary}");
    }
}
