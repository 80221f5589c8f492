using CodeForge.Core.Permissions;

namespace CodeForge.Cli.Interactive;

/// <summary>
/// What <c>/permissions</c> says about each deny rule: whether the sandbox enforces it (and how) or only the command
/// parser checks it (and why), so a user knows which rules hold against commands the parser cannot see through.
/// </summary>
/// <remarks>Stateless; reads one immutable <see cref="PermissionPolicy"/> snapshot.</remarks>
internal static class PermissionProtection
{
    /// <summary>One line per deny rule of the user's layers (the built-in defaults are summed up in one line).</summary>
    public static IReadOnlyList<string> Lines(PermissionPolicy policy, string? protection)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var plan = policy.SandboxPlan;
        var active = policy.SandboxEnforcesDenyRules;
        var lines = new List<string>
        {
            active
                ? "Protection: bwrap sandbox — the deny rules below marked 'sandbox' hold for every command, whatever the parser sees"
                : $"Protection: {protection ?? "parser-only"} — deny rules are checked by the command parser only",
        };
        foreach (var layer in Enum.GetValues<PermissionLayer>().Where(l => l != PermissionLayer.Defaults))
        {
            foreach (var rule in policy[layer].Deny)
            {
                lines.Add($"  {rule.Text}: {How(plan, rule, active)}");
            }
        }
        if (active && plan.ConfinedBuiltIns > 0)
        {
            lines.Add($"  {plan.ConfinedBuiltIns} built-in deny rules (rm -rf /, mkfs, dd to devices): held by the sandbox's read-only system and private /dev");
        }
        return lines;
    }

    private static string How(SandboxDenyPlan plan, PermissionRule rule, bool active)
    {
        if (plan.ParserOnly.FirstOrDefault(p => ReferenceEquals(p.Rule, rule)) is { } parserOnly)
        {
            return $"parser only — the sandbox cannot enforce it: {parserOnly.Reason}";
        }
        var kind = plan.Hidden.Contains(rule) ? "sandbox: every match unreadable inside"
            : plan.ReadOnly.Contains(rule) ? "sandbox: every match read-only inside"
            : plan.Programs.Any(p => ReferenceEquals(p.Rule, rule)) ? ProgramKind(plan, rule)
            : null;
        return kind is null ? "checked when the tool is called (not a shell rule)"
            : active ? kind
            : "parser only — no sandbox is running";
    }

    private static string ProgramKind(SandboxDenyPlan plan, PermissionRule rule)
    {
        var programs = plan.Programs.Where(p => ReferenceEquals(p.Rule, rule)).Select(p => p.Program).ToList();
        var what = programs.Count == 1 ? "every copy of the program masked" : $"every copy of {string.Join(", ", programs)} masked";
        return $"sandbox: {what} — {SandboxDenyPlan.ProgramRuleLimit}";
    }
}
