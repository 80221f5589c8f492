namespace CodeForge.Core.Permissions;

/// <summary>The result of a permission check: the behavior, the rule and layer that decided it (if a rule did), and why.</summary>
/// <remarks>Immutable; safe to share between threads.</remarks>
/// <param name="Behavior">Allow, ask or deny.</param>
/// <param name="DecidingRule">The rule that decided, or null for a mode or the default.</param>
/// <param name="Layer">The deciding rule's layer, or null.</param>
/// <param name="Reason">A sentence for the user and the model.</param>
public sealed record PermissionDecision(PermissionBehavior Behavior, PermissionRule? DecidingRule, PermissionLayer? Layer, string Reason)
{
    public bool IsAllowed => Behavior == PermissionBehavior.Allow;

    public bool NeedsConfirmation => Behavior == PermissionBehavior.Ask;

    public bool IsDenied => Behavior == PermissionBehavior.Deny;

    /// <summary>The reason given when no rule and no mode decides.</summary>
    public static string DefaultReason(string toolName) => $"No permission rule matches {toolName}; asking by default";

    /// <summary>The decision when no rule and no mode decides: ask.</summary>
    public static PermissionDecision Default(string toolName) => new(PermissionBehavior.Ask, null, null, DefaultReason(toolName));
}
