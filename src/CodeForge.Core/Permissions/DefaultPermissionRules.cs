namespace CodeForge.Core.Permissions;

/// <summary>
/// The built-in rules of the <see cref="PermissionLayer.Defaults"/> layer, written with the real tool names (the Python
/// original's lower-case defaults never matched a tool). They are a safety net against catastrophic commands, not a
/// sandbox: deny rules here cannot be overridden by any other layer (replace the layer to change them).
/// </summary>
public static class DefaultPermissionRules
{
    /// <summary>
    /// Catastrophic and system-damaging calls: recursive forced removal of an absolute or home path (the agent removes
    /// trees by relative path inside the project), file systems and raw disks, and writes under system directories
    /// (also by Bash output redirection).
    /// </summary>
    public static IReadOnlyList<string> Deny { get; } =
    [
        "Bash(rm -rf /*)", "Bash(rm -fr /*)", "Bash(rm -Rf /*)", "Bash(rm -fR /*)",
        "Bash(rm -rf ~*)", "Bash(rm -fr ~*)", "Bash(rm -Rf ~*)", "Bash(rm -fR ~*)",
        "Bash(rm -rf $HOME*)", "Bash(rm -fr $HOME*)", "Bash(rm * --no-preserve-root*)",
        "Bash(mkfs*)", "Bash(dd * of=/dev/*)", "Bash(dd of=/dev/*)",
        "Edit(//dev/sd*)", "Edit(//dev/nvme*)", "Edit(//dev/hd*)", "Edit(//dev/mmcblk*)",
        "Edit(//etc/**)", "Edit(//usr/**)", "Edit(//bin/**)", "Edit(//sbin/**)", "Edit(//boot/**)",
    ];

    /// <summary>Risky commands that always ask, even when another layer allows them.</summary>
    public static IReadOnlyList<string> Ask { get; } =
    [
        "Bash(rm -rf *)", "Bash(rm -fr *)", "Bash(sudo *)", "Bash(dd *)", "Bash(git push --force*)", "Bash(git push -f*)",
    ];

    /// <summary>Read-only tools that run without asking.</summary>
    public static IReadOnlyList<string> Allow { get; } = ["Read", "Glob", "Grep", "BashOutput", "TodoWrite"];

    private static readonly Lazy<PermissionRuleSet> Shared = new(Build, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The defaults as a rule set (they always parse; a test proves it). Immutable, so one instance is shared.</summary>
    public static PermissionRuleSet Create() => Shared.Value;

    private static PermissionRuleSet Build()
    {
        var result = PermissionRuleSet.Load(PermissionLayer.Defaults, Allow, Ask, Deny);
        if (!result.Errors.IsEmpty)
        {
            throw new InvalidOperationException($"Built-in permission rule is malformed: {result.Errors[0].Message}");
        }
        return result.Rules;
    }
}
