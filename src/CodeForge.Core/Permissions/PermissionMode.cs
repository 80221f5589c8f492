namespace CodeForge.Core.Permissions;

/// <summary>
/// The permission mode (Claude Code's <c>defaultMode</c>). Its effect on a decision, after deny rules (which always win):
/// <list type="bullet">
/// <item><see cref="Default"/>: rules, then ask.</item>
/// <item><see cref="AcceptEdits"/>: Edit, Write, MultiEdit and NotebookEdit on a path inside the working directory (or an
/// additional directory) are allowed unless an ask rule matches.</item>
/// <item><see cref="Plan"/>: Edit, Write, MultiEdit, NotebookEdit and KillShell are denied; a Bash call that would ask is
/// denied (only explicitly allowed commands run while planning); other tools follow the rules.</item>
/// <item><see cref="DontAsk"/>: whatever would ask is denied; only pre-approved calls run.</item>
/// <item><see cref="BypassPermissions"/>: everything not denied by a rule is allowed, ask rules included.</item>
/// </list>
/// </summary>
public enum PermissionMode
{
    Default,
    AcceptEdits,
    Plan,
    DontAsk,
    BypassPermissions,
}

/// <summary>Parses and prints the settings spelling of <see cref="PermissionMode"/>.</summary>
public static class PermissionModes
{
    /// <summary>The settings spelling (<c>default</c>, <c>acceptEdits</c>, <c>plan</c>, <c>dontAsk</c>, <c>bypassPermissions</c>).</summary>
    public static string ToSettingsName(this PermissionMode mode) => mode switch
    {
        PermissionMode.Default => "default",
        PermissionMode.AcceptEdits => "acceptEdits",
        PermissionMode.Plan => "plan",
        PermissionMode.DontAsk => "dontAsk",
        PermissionMode.BypassPermissions => "bypassPermissions",
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown permission mode."),
    };

    /// <summary>Parses a settings spelling (<c>manual</c> is an alias of <c>default</c>); false for anything else.</summary>
    public static bool TryParse(string? text, out PermissionMode mode)
    {
        switch (text)
        {
            case "default" or "manual":
                mode = PermissionMode.Default;
                return true;
            case "acceptEdits":
                mode = PermissionMode.AcceptEdits;
                return true;
            case "plan":
                mode = PermissionMode.Plan;
                return true;
            case "dontAsk":
                mode = PermissionMode.DontAsk;
                return true;
            case "bypassPermissions":
                mode = PermissionMode.BypassPermissions;
                return true;
            default:
                mode = PermissionMode.Default;
                return false;
        }
    }
}
