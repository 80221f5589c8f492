using CodeForge.Core.Permissions;
using CsCheck;
using static CodeForge.Core.Tests.Permissions.PermissionTestKit;

namespace CodeForge.Core.Tests.Permissions;

/// <summary>
/// Model-based test of the session rules: random sequences of add / remove / clear / check against a small sequential
/// model (an ordered list of (text, behavior) and a hand-written matcher for a fixed pool of rules). CsCheck shrinks a
/// failing sequence and prints its seed.
/// </summary>
public sealed partial class PermissionCheckerTests
{
    private static readonly string[] RulePool = ["ToolA", "ToolB", "mcp__s", "mcp__s__x", "Bash(ls *)", "Bash(rm *)"];

    private static readonly (string Tool, string? Command)[] CallPool =
    [
        ("ToolA", null), ("ToolB", null), ("ToolC", null), ("mcp__s__x", null), ("mcp__s__y", null),
        ("Bash", "ls -la"), ("Bash", "rm x"), ("Bash", "ls && rm x"), ("Bash", "lsof"),
    ];

    public enum OpKind { Add, Remove, Clear, Check }

    public sealed record ModelOp(OpKind Kind, int Rule, PermissionBehavior Behavior, int Call)
    {
        public override string ToString() => Kind switch
        {
            OpKind.Add => $"Add({Behavior}, {RulePool[Rule]})",
            OpKind.Remove => $"Remove({RulePool[Rule]})",
            OpKind.Clear => "Clear()",
            _ => $"Check({CallPool[Call].Tool}, {CallPool[Call].Command ?? "-"})",
        };
    }

    /// <summary>The sequential model: whether a rule text matches a call, written independently of the grammar code.</summary>
    internal static bool ModelMatches(string rule, string tool, string? command)
    {
        switch (rule)
        {
            case "mcp__s":
                return tool.StartsWith("mcp__s__", StringComparison.Ordinal);
            case "Bash(ls *)" or "Bash(rm *)":
                if (tool != "Bash" || command is null)
                {
                    return false;
                }
                return command.Split(" && ").Any(part => ModelHitsPart(rule, part));
            default:
                return rule == tool;
        }
    }

    /// <summary>Whether "Bash(ls *)" / "Bash(rm *)" matches one simple command.</summary>
    private static bool ModelHitsPart(string rule, string part)
    {
        var word = rule[5..7];
        return part == word || part.StartsWith(word + " ", StringComparison.Ordinal);
    }

    internal static (PermissionBehavior, string?) ModelCheck(IReadOnlyList<(string Text, PermissionBehavior Behavior)> rules, string tool, string? command)
    {
        if (tool == "Bash" && command is not null)
        {
            // Deny and ask: any rule hitting any part. Allow: every part hit by some allow rule; report the first part's.
            foreach (var behavior in new[] { PermissionBehavior.Deny, PermissionBehavior.Ask })
            {
                var hit = rules.FirstOrDefault(r => r.Behavior == behavior && ModelMatches(r.Text, tool, command));
                if (hit.Text is not null)
                {
                    return (behavior, hit.Text);
                }
            }
            // Each part needs an allow rule, or is in the built-in read-only set ("ls …", marked ""); the first rule reported.
            var perPart = command.Split(" && ")
                .Select(part => rules.FirstOrDefault(r => r.Behavior == PermissionBehavior.Allow && r.Text.StartsWith("Bash(", StringComparison.Ordinal) && ModelHitsPart(r.Text, part)).Text
                                ?? (ModelHitsPart("Bash(ls *)", part) ? "" : null))
                .ToList();
            return perPart.All(t => t is not null)
                ? (PermissionBehavior.Allow, perPart.FirstOrDefault(t => t!.Length > 0))
                : (PermissionBehavior.Ask, null);
        }
        foreach (var behavior in new[] { PermissionBehavior.Deny, PermissionBehavior.Ask, PermissionBehavior.Allow })
        {
            foreach (var (text, b) in rules)
            {
                if (b == behavior && ModelMatches(text, tool, command))
                {
                    return (behavior, text);
                }
            }
        }
        return (PermissionBehavior.Ask, null);
    }

    private static readonly Gen<ModelOp> GenOp =
        Gen.Select(Gen.Int[0, 9], Gen.Int[0, RulePool.Length - 1], Gen.Int[0, 2], Gen.Int[0, CallPool.Length - 1],
            (k, r, b, c) => new ModelOp(
                k switch { < 4 => OpKind.Add, < 6 => OpKind.Remove, 6 => OpKind.Clear, _ => OpKind.Check },
                r, (PermissionBehavior)b, c));

    [Fact]
    public void SessionRules_UnderRandomOperationSequences_BehaveLikeTheModel()
    {
        GenOp.Array[1, 60].Sample(ops =>
        {
            var checker = new PermissionChecker(Cwd, Home, PermissionRuleSet.Empty);
            var model = new List<(string Text, PermissionBehavior Behavior)>();
            foreach (var op in ops)
            {
                switch (op.Kind)
                {
                    case OpKind.Add:
                        {
                            var text = RulePool[op.Rule];
                            var index = model.FindIndex(e => e.Text == text);
                            var expected = index < 0 || model[index].Behavior != op.Behavior;
                            if (index < 0)
                            {
                                model.Add((text, op.Behavior));
                            }
                            else
                            {
                                model[index] = (text, op.Behavior);
                            }
                            var changed = checker.AddSessionRule(PermissionRule.Parse(text, op.Behavior, RuleSource.Session));
                            Assert.True(expected == changed, $"{op}: changed={changed}, model says {expected}");
                            break;
                        }
                    case OpKind.Remove:
                        {
                            var removed = model.RemoveAll(e => e.Text == RulePool[op.Rule]) > 0;
                            Assert.True(removed == checker.RemoveSessionRule(RulePool[op.Rule]), op.ToString());
                            break;
                        }
                    case OpKind.Clear:
                        Assert.Equal(model.Count, checker.ClearSessionRules());
                        model.Clear();
                        break;
                    default:
                        {
                            var (tool, command) = CallPool[op.Call];
                            var decision = checker.Check(tool, command is null ? default : Command(command));
                            var expected = ModelCheck(model, tool, command);
                            Assert.True(expected == (decision.Behavior, decision.DecidingRule?.Text),
                                $"{op}: got {decision.Behavior} by {decision.DecidingRule?.Text ?? "default"}, model says {expected}");
                            if (expected == (PermissionBehavior.Ask, null))
                            {
                                Assert.Equal(PermissionDecision.DefaultReason(tool), decision.Reason);
                            }
                            break;
                        }
                }
                Assert.Equal(model, checker.SessionRules.Select(r => (r.Text, r.Behavior)).ToList());
            }
        }, iter: 400);
    }
}
