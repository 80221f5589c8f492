using System.Collections.Immutable;
using CodeForge.Core.Skills;

namespace CodeForge.Core.Commands;

/// <summary>What a prompt starting with <c>/name</c> turned into.</summary>
public enum SlashKind
{
    /// <summary>The prompt does not start with a slash command; it is sent as written.</summary>
    NotSlash,

    /// <summary>A user-invocable skill was activated; the prompt is its instructions.</summary>
    Skill,

    /// <summary>A custom command was expanded.</summary>
    Command,

    /// <summary>No skill or command has that name; the prompt is sent as written.</summary>
    Unknown,

    /// <summary>The skill exists but may not be run by the user (<c>user-invocable: false</c>); the prompt is sent as written.</summary>
    Refused,
}

/// <summary>The result of <see cref="SlashCommands.Expand"/>.</summary>
/// <param name="Kind">What happened.</param>
/// <param name="Prompt">The prompt to send to the model.</param>
/// <param name="Name">The skill or command name, when there was one.</param>
/// <param name="AllowedTools">A command's <c>allowed-tools</c>: the caller grants them for this prompt (a skill's are granted on activation).</param>
/// <param name="Message">A note for the user (unknown or refused name), or null.</param>
public sealed record SlashExpansion(SlashKind Kind, string Prompt, string? Name, ImmutableArray<string> AllowedTools, string? Message = null);

/// <summary>
/// Expands a prompt of the form <c>/name args</c>: a user-invocable skill (activated through the
/// <see cref="SkillRegistry"/>, its instructions become the prompt) wins over a custom command of the same name, as in
/// Claude Code; otherwise a command from the <see cref="CommandCatalog"/> is expanded.
/// </summary>
/// <remarks>Stateless; thread-safe (the registry and the catalogue are).</remarks>
public static class SlashCommands
{
    /// <summary>
    /// Splits <c>/name rest</c>. A name is what follows the slash up to whitespace; it may not contain another '/' (so a
    /// path such as <c>/usr/bin/env</c> is not a command).
    /// </summary>
    public static bool TryParse(string prompt, out string name, out string arguments)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        name = "";
        arguments = "";
        var text = prompt.TrimStart();
        if (text.Length < 2 || text[0] != '/')
        {
            return false;
        }
        var end = 1;
        while (end < text.Length && !char.IsWhiteSpace(text[end]))
        {
            end++;
        }
        var candidate = text[1..end];
        if (candidate.Length == 0 || candidate.Contains('/', StringComparison.Ordinal) || candidate.Contains('\\', StringComparison.Ordinal))
        {
            return false;
        }
        name = candidate;
        arguments = text[end..].Trim();
        return true;
    }

    /// <summary>Expands <paramref name="prompt"/> (see the class summary).</summary>
    public static SlashExpansion Expand(string prompt, SkillRegistry skills, CommandCatalog commands, SubstitutionContext? context = null)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        ArgumentNullException.ThrowIfNull(skills);
        ArgumentNullException.ThrowIfNull(commands);
        if (!TryParse(prompt, out var name, out var arguments))
        {
            return new SlashExpansion(SlashKind.NotSlash, prompt, null, []);
        }
        if (skills.Get(name) is null && commands.Get(name) is null)
        {
            // A short name (/pdf) finds the one plugin skill or command it names (/document-skills:pdf).
            var resolved = NamespacedNames.Resolve(name, skills.ListSkills().Where(s => s.Definition.File is not null).Select(s => s.Name)
                .Concat(commands.List().Select(c => c.Name)));
            if (resolved.IsAmbiguous)
            {
                return new SlashExpansion(SlashKind.Unknown, prompt, name, [],
                    resolved.AmbiguityMessage("skills or commands", "/" + name) + "; sending the prompt as written");
            }
            name = resolved.Name ?? name;
        }
        if (skills.Get(name) is { Definition.File: not null } skill)
        {
            if (!skill.Definition.File.UserInvocable)
            {
                return new SlashExpansion(SlashKind.Refused, prompt, name, [],
                    $"the skill '{name}' is not user-invocable (user-invocable: false); sending the prompt as written");
            }
            if (SkillTool.ReadBody(skill) is { } unreadable)
            {
                return new SlashExpansion(SlashKind.Refused, prompt, name, [],
                    $"the skill '{name}' cannot be used: {unreadable}; sending the prompt as written");
            }
            var activation = skills.Activate(skill.Name);
            if (activation.Succeeded)
            {
                return new SlashExpansion(SlashKind.Skill, SkillInstructions.Render(activation.Skill!, arguments, context), skill.Name, []);
            }
        }
        if (commands.Get(name) is { } command)
        {
            return new SlashExpansion(SlashKind.Command, command.Expand(arguments, context), command.Name, command.AllowedTools);
        }
        return new SlashExpansion(SlashKind.Unknown, prompt, name, [],
            $"no skill or command named '/{name}'; sending the prompt as written");
    }
}
