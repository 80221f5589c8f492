namespace CodeForge.Core.Permissions;

/// <summary>
/// The one answer to "does this Bash command only read?", shared by plan mode (<see cref="PermissionPolicy"/>) and the
/// read-only subagents (<c>ToolCallGate.ForReadOnlyAgent</c>): every subcommand must be a program of the built-in read-only set
/// used with read-only arguments (so <c>env rm</c>, <c>sort -o</c>, <c>find -fprintf</c>, <c>sed -i</c>, <c>git -c</c>
/// are not), nothing may be written (an output redirection other than to a device), every path must be known from the
/// text, and there must be nothing the parser cannot see through (substitutions, inline code, unparsable text).
/// </summary>
/// <remarks>Stateless and thread-safe.</remarks>
public static class BashReadOnly
{
    /// <summary>
    /// Why <paramref name="command"/> is not read-only, or null when it is. Relative paths are resolved against
    /// <paramref name="workingDirectory"/> (and <c>~</c> against <paramref name="homeDirectory"/>); where they point does
    /// not matter here (the caller's own rules decide what may be read).
    /// </summary>
    public static string? WhyNot(string command, string workingDirectory, string homeDirectory)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentException.ThrowIfNullOrEmpty(workingDirectory);
        ArgumentException.ThrowIfNullOrEmpty(homeDirectory);
        if (command.Trim().Length == 0)
        {
            return "the command is empty";
        }
        var bash = BashCommand.Parse(command);
        var analysis = BashAnalysis.Analyze(bash, Path.GetFullPath(workingDirectory), Path.GetFullPath(homeDirectory));
        if (analysis.Opaque is { } opaque)
        {
            return opaque;
        }
        for (var i = 0; i < analysis.Commands.Count; i++)
        {
            if (WhyNot(analysis, i, allowWrites: false) is { } reason)
            {
                return reason;
            }
        }
        return null;
    }

    /// <summary>
    /// Why subcommand <paramref name="index"/> of <paramref name="analysis"/> is not read-only (its program and arguments,
    /// its writes unless <paramref name="allowWrites"/>, unknown paths), or null. The caller checks
    /// <see cref="BashAnalysis.Opaque"/> and where the paths lie.
    /// </summary>
    internal static string? WhyNot(BashAnalysis analysis, int index, bool allowWrites)
    {
        var facts = analysis.Commands[index];
        if (facts.Program is null || facts.NotReadOnly is not null || facts.Opaque is not null)
        {
            return facts.NotReadOnly ?? facts.Opaque ?? "it is not a read-only command";
        }
        foreach (var p in analysis.Paths)
        {
            if (p.Subcommand != index)
            {
                continue;
            }
            if (p.Candidates is null)
            {
                return $"'{p.Written}' is only known when the command runs";
            }
            if (p.Access == PathAccess.Write && !allowWrites)
            {
                return $"it writes '{p.Written}'";
            }
        }
        return null;
    }
}
