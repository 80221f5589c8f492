namespace CodeForge.Core.Permissions;

/// <summary>The outcome of a permission check, and the list (allow, ask, deny) a rule belongs to.</summary>
public enum PermissionBehavior
{
    /// <summary>The tool call runs without asking.</summary>
    Allow,

    /// <summary>The user is asked to confirm the tool call.</summary>
    Ask,

    /// <summary>The tool call is refused.</summary>
    Deny,
}
