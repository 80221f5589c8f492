namespace CodeForge.Core.Permissions;

/// <summary>
/// Where a rule comes from, highest precedence first. Precedence only decides which rule is reported when several rules
/// of the same behavior match: deny rules of every layer are consulted before ask rules of any layer, and those before
/// allow rules, so a deny at any layer cannot be overridden.
/// </summary>
public enum PermissionLayer
{
    /// <summary>Administrator-managed settings (optional).</summary>
    Managed,

    /// <summary>Rules added at run time ("yes, and don't ask again"), never persisted by the checker.</summary>
    Session,

    /// <summary>Command-line rules (<c>--allowedTools</c>, <c>--disallowedTools</c>).</summary>
    CommandLine,

    /// <summary><c>.forge/settings.local.json</c> (not checked in).</summary>
    ProjectLocal,

    /// <summary><c>.forge/settings.json</c> (shared with the team).</summary>
    Project,

    /// <summary><c>~/.forge/settings.json</c>.</summary>
    User,

    /// <summary>The built-in defaults (<see cref="DefaultPermissionRules"/>).</summary>
    Defaults,
}
