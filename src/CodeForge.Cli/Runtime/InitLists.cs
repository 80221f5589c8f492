namespace CodeForge.Cli.Runtime;

/// <summary>The name lists of Claude Code's <c>system/init</c> line (the SDK session's and <c>-p</c>'s stream-json).</summary>
/// <remarks>Stateless; reads the runtime's thread-safe snapshots of skills and commands.</remarks>
internal static class InitLists
{
    /// <summary><c>slash_commands</c>: every command (dynamic workflows included), then every skill not already named.</summary>
    public static IEnumerable<string> SlashCommands(ForgeRuntime runtime) =>
        runtime.Commands.Select(c => c.Name).Concat(runtime.Skills.Select(s => s.Metadata.Name)).Distinct(StringComparer.Ordinal);

    /// <summary><c>skills</c>: the skills, and the dynamic workflows, which Claude Code 2.1.337 lists as skills too.</summary>
    public static IEnumerable<string> Skills(ForgeRuntime runtime) =>
        runtime.Skills.Select(s => s.Metadata.Name).Concat(runtime.Commands.Where(c => c.Workflow is not null && !c.DisableModelInvocation).Select(c => c.Name));
}
