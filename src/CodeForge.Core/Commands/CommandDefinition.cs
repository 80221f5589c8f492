using System.Collections.Immutable;
using CodeForge.Core.Skills;

namespace CodeForge.Core.Commands;

/// <summary>Where a custom command was found.</summary>
public enum CommandScope
{
    /// <summary><c>~/.claude/commands</c>, <c>~/.forge/commands</c>.</summary>
    User,

    /// <summary><c>.claude/commands</c>, <c>.forge/commands</c> in the project.</summary>
    Project,

    /// <summary>A plugin's <c>commands/</c>.</summary>
    Plugin,
}

/// <summary>
/// A custom slash command: a Markdown file whose body is the prompt (Claude Code's <c>.claude/commands/*.md</c>).
/// <c>.claude/commands/frontend/test.md</c> is <c>/frontend:test</c>; a plugin's command is <c>/plugin:name</c>.
/// </summary>
/// <remarks>Immutable; safe to share between threads.</remarks>
public sealed record CommandDefinition
{
    /// <summary>The name typed after the slash (<c>review</c>, <c>frontend:test</c>, <c>my-plugin:deploy</c>).</summary>
    public required string Name { get; init; }

    /// <summary><c>description</c>, else the first line of the body.</summary>
    public required string Description { get; init; }

    /// <summary>The prompt text (after the frontmatter).</summary>
    public required string Body { get; init; }

    /// <summary>The file it came from.</summary>
    public required string SourcePath { get; init; }

    public CommandScope Scope { get; init; }

    /// <summary><c>argument-hint</c>, e.g. <c>[pr-number] [priority]</c>.</summary>
    public string? ArgumentHint { get; init; }

    /// <summary><c>allowed-tools</c>: permission rules granted while the command's prompt runs.</summary>
    public ImmutableArray<string> AllowedTools { get; init; } = [];

    /// <summary><c>model</c>, if given.</summary>
    public string? Model { get; init; }

    /// <summary><c>disable-model-invocation</c>: only the user may run it; the model's Skill tool refuses it.</summary>
    public bool DisableModelInvocation { get; init; }

    /// <summary><c>user-invocable</c> (default true): false keeps it out of the slash commands Claude Code lists.</summary>
    public bool UserInvocable { get; init; } = true;

    /// <summary><c>when_to_use</c>, if given.</summary>
    public string? WhenToUse { get; init; }

    /// <summary>Whether the frontmatter gave a <c>description</c> (else <see cref="Description"/> is the body's first line).</summary>
    public bool HasDeclaredDescription { get; init; }

    /// <summary>The plugin it belongs to, or null.</summary>
    public string? PluginName { get; init; }

    /// <summary>The plugin's root (<c>${CLAUDE_PLUGIN_ROOT}</c>), or null.</summary>
    public string? PluginRoot { get; init; }

    /// <summary>The plugin's data folder (<c>${CLAUDE_PLUGIN_DATA}</c>), or null.</summary>
    public string? PluginData { get; init; }

    /// <summary>The dynamic workflow this command runs (its prompt calls the Workflow tool), or null for a Markdown command.</summary>
    public Plugins.WorkflowDefinition? Workflow { get; init; }

    /// <summary>
    /// The prompt for <c>/Name arguments</c> (a workflow's: <see cref="Plugins.WorkflowDefinition.RenderPrompt"/>): <c>$ARGUMENTS</c>, <c>$1</c>… (1-based) and the <c>${CLAUDE_…}</c>
    /// placeholders substituted (see <see cref="SkillArguments.Substitute"/>).
    /// </summary>
    public string Expand(string? arguments, SubstitutionContext? context = null) =>
        Workflow is { } workflow ? workflow.RenderPrompt(arguments) + "\n" : SkillArguments.Substitute(Body, arguments, (context ?? new SubstitutionContext()) with { PluginRoot = PluginRoot ?? context?.PluginRoot, PluginData = PluginData ?? context?.PluginData },
            positionalFromOne: true).Trim() + "\n";
}
