using CodeForge.Core.Permissions;

namespace CodeForge.Cli.Interactive;

/// <summary>Permission modes as the interactive session shows and cycles them (Shift+Tab).</summary>
internal static class Modes
{
    /// <summary>default → acceptEdits → plan → default (bypass and dontAsk are entered by flag only, as in Claude Code).</summary>
    public static PermissionMode Next(PermissionMode mode) => mode switch
    {
        PermissionMode.Default => PermissionMode.AcceptEdits,
        PermissionMode.AcceptEdits => PermissionMode.Plan,
        _ => PermissionMode.Default,
    };

    public static string Describe(PermissionMode mode) => mode switch
    {
        PermissionMode.AcceptEdits => "accept edits",
        PermissionMode.Plan => "plan mode",
        PermissionMode.DontAsk => "don't ask",
        PermissionMode.BypassPermissions => "bypass permissions",
        _ => "default",
    };

    public static string SettingsName(PermissionMode mode) => mode.ToSettingsName();
}
