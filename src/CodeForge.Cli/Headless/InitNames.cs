using CodeForge.Core.Commands;
using CodeForge.Core.Skills;

namespace CodeForge.Cli.Headless;

/// <summary>
/// What Claude Code 2.1.337 puts in the <c>slash_commands</c> and <c>skills</c> lists of its <c>system/init</c> event,
/// for custom commands and skills (user, project, plugin), read from its code and checked against its output:
/// <list type="bullet">
/// <item><c>slash_commands</c>: every command and skill the user may type, that is all but those with
/// <c>user-invocable: false</c>.</item>
/// <item><c>skills</c>: every skill with <c>user-invocable</c> not false, and the commands with
/// <c>disable-model-invocation: true</c> (not <c>user-invocable: false</c>) whose frontmatter gives a <c>description</c>
/// or <c>when_to_use</c>, and the dynamic workflows (which Claude Code lists as skills unless
/// <c>disable-model-invocation</c>). Other commands are slash commands only.</item>
/// </list>
/// Each name once.
/// </summary>
/// <remarks>Stateless; reads immutable definitions; safe from any thread.</remarks>
internal static class InitNames
{
    /// <summary>The <c>slash_commands</c> names.</summary>
    public static IEnumerable<string> SlashCommands(IEnumerable<CommandDefinition> commands, IEnumerable<Skill> skills) =>
        commands.Where(c => c.UserInvocable).Select(c => c.Name)
            .Concat(skills.Where(UserInvocable).Select(s => s.Name))
            .Distinct(StringComparer.Ordinal);

    /// <summary>The <c>skills</c> names.</summary>
    public static IEnumerable<string> Skills(IEnumerable<Skill> skills, IEnumerable<CommandDefinition> commands) =>
        skills.Where(s => UserInvocable(s) && (s.Definition.Metadata.Description.Length > 0 || s.Definition.File?.WhenToUse is not null)).Select(s => s.Name)
            .Concat(commands.Where(ListedAsSkill).Select(c => c.Name))
            .Distinct(StringComparer.Ordinal);

    /// <summary>Whether Claude Code lists the command among its skills.</summary>
    public static bool ListedAsSkill(CommandDefinition command) =>
        command is { Workflow: not null, DisableModelInvocation: false }
        || (command is { DisableModelInvocation: true, UserInvocable: true } && (command.HasDeclaredDescription || command.WhenToUse is not null));

    private static bool UserInvocable(Skill skill) => skill.Definition.File is not { UserInvocable: false };
}
