using CodeForge.Core.Permissions;

namespace CodeForge.Cli.Interactive;

// Every view here is an immutable record of values copied from the engine: safe to share between threads.

/// <summary>A tool the model can use, as <c>/tools</c> lists it.</summary>
internal sealed record ToolView(string Name, string Description);

/// <summary>One permission rule and the layer it comes from.</summary>
internal sealed record PermissionRuleView(PermissionBehavior Behavior, string Rule, PermissionLayer Layer);

/// <summary>What <c>/permissions</c> shows: the mode, every rule by layer, and how deny rules are enforced.</summary>
internal sealed record PermissionRulesView(PermissionMode Mode, IReadOnlyList<PermissionRuleView> Rules, IReadOnlyList<string> Protection)
{
    /// <summary>The view of one policy snapshot; <paramref name="protection"/> as <see cref="IInteractiveEngine.Protection"/>.</summary>
    public static PermissionRulesView From(PermissionPolicy policy, string? protection)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var rules = new List<PermissionRuleView>();
        foreach (var layer in Enum.GetValues<PermissionLayer>())
        {
            rules.AddRange(policy[layer].Rules.Select(rule => new PermissionRuleView(rule.Behavior, rule.ToString(), layer)));
        }
        return new PermissionRulesView(policy.Mode, rules, PermissionProtection.Lines(policy, protection));
    }
}
