using System.Collections.Immutable;

namespace CodeForge.Core.Skills;

/// <summary>
/// What a SKILL.md file declared beyond the core <see cref="SkillDefinition"/>: Claude Code's invocation fields, where
/// the skill lives, its supporting files and the plugin it came from.
/// </summary>
/// <remarks>
/// Immutable; safe to share between threads. A loaded SKILL.md lists its <see cref="SupportingFiles"/> on first use (the
/// skill's activation), not at load: a <see cref="Lazy{T}"/> with <see cref="LazyThreadSafetyMode.ExecutionAndPublication"/>,
/// so concurrent first readers list the directory once and see the same list.
/// </remarks>
public sealed record SkillFileInfo
{
    private readonly ImmutableArray<string>? _supportingFiles;
    private readonly Lazy<ImmutableArray<string>>? _supportingFilesListing;

    /// <summary>The skill's directory (<c>${CLAUDE_SKILL_DIR}</c>).</summary>
    public required string Directory { get; init; }

    /// <summary><c>argument-hint</c>, e.g. <c>[issue-number]</c>.</summary>
    public string? ArgumentHint { get; init; }

    /// <summary><c>when_to_use</c>: added to the description in the catalogue.</summary>
    public string? WhenToUse { get; init; }

    /// <summary><c>disable-model-invocation: true</c>: only the user may run it (hidden from the catalogue and the Skill tool).</summary>
    public bool DisableModelInvocation { get; init; }

    /// <summary><c>user-invocable</c> (default true): whether <c>/name</c> runs it.</summary>
    public bool UserInvocable { get; init; } = true;

    /// <summary><c>model</c>, if given.</summary>
    public string? Model { get; init; }

    /// <summary><c>metadata</c>: arbitrary key/value pairs.</summary>
    public ImmutableDictionary<string, string> Metadata { get; init; } = ImmutableDictionary<string, string>.Empty;

    /// <summary>Other files in the skill directory, relative to it (listed for the model, never inlined).</summary>
    public ImmutableArray<string> SupportingFiles
    {
        get => _supportingFiles ?? _supportingFilesListing?.Value ?? [];
        init => _supportingFiles = value;
    }

    /// <summary>Lists <see cref="SupportingFiles"/> on first use, unless they are given (null: none).</summary>
    internal Func<ImmutableArray<string>>? ListSupportingFiles
    {
        init => _supportingFilesListing = value is null ? null : new Lazy<ImmutableArray<string>>(value, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>The plugin the skill belongs to, or null.</summary>
    public string? PluginName { get; init; }

    /// <summary>The plugin's root directory (<c>${CLAUDE_PLUGIN_ROOT}</c>), or null.</summary>
    public string? PluginRoot { get; init; }

    /// <summary>The plugin's data folder (<c>${CLAUDE_PLUGIN_DATA}</c>), or null.</summary>
    public string? PluginData { get; init; }

    /// <summary>Where the skill was found: project, user or plugin.</summary>
    public SkillScope Scope { get; init; }
}

/// <summary>Where a skill was found; a project skill overrides a user skill of the same name.</summary>
public enum SkillScope
{
    /// <summary>Under the home directory (<c>~/.claude/skills</c>, …).</summary>
    User,

    /// <summary>In the project (<c>.claude/skills</c>, …).</summary>
    Project,

    /// <summary>In an enabled plugin (namespaced <c>plugin:skill</c>).</summary>
    Plugin,
}
