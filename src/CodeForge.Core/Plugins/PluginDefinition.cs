using System.Collections.Immutable;
using System.Text.Json;
using CodeForge.Core.Commands;
using CodeForge.Core.Skills;

namespace CodeForge.Core.Plugins;

/// <summary>
/// A plugin's hooks as data for the hook runner: event name (<c>PreToolUse</c>, …) → the matcher groups exactly as in
/// <c>hooks/hooks.json</c> (each <c>{"matcher": …, "hooks": [ … ]}</c>), with <c>${CLAUDE_PLUGIN_ROOT}</c> already
/// replaced by <see cref="PluginRoot"/> in every string. Run the commands with <c>CLAUDE_PLUGIN_ROOT</c> set too.
/// </summary>
/// <remarks>Immutable (JsonElement values are cloned, not tied to a document); safe to share between threads.</remarks>
public sealed record PluginHookSet(string PluginName, string PluginRoot, string SourcePath, ImmutableSortedDictionary<string, ImmutableArray<JsonElement>> Events)
{
    /// <summary>The plugin's data folder (<c>${CLAUDE_PLUGIN_DATA}</c>, exported to the hook processes), or null.</summary>
    public string? PluginData { get; init; }
}

/// <summary>A subagent definition file of a plugin (<c>agents/*.md</c>), named <c>plugin:agent</c>, for the subagent runner.</summary>
/// <remarks>
/// Immutable; safe to share between threads. The system prompt of an agent read by <see cref="PluginReader"/> is read
/// from its file when first used (<see cref="PromptSource"/>, a <see cref="MarkdownBody"/>, whose contract covers
/// concurrent first reads), not at load.
/// </remarks>
public sealed record PluginAgent(string Name, string Path, string? Description)
{
    private readonly string? _prompt;

    /// <summary>The <c>tools</c> it may use, or null for all.</summary>
    public ImmutableArray<string>? Tools { get; init; }

    /// <summary>The <c>model</c> (an alias such as <c>sonnet</c>, or <c>inherit</c>), or null.</summary>
    public string? Model { get; init; }

    /// <summary>The system prompt: the file's body. Read from the file on first access when <see cref="PromptSource"/> is set.</summary>
    /// <exception cref="MarkdownBodyException">The file cannot be read now (the message names it).</exception>
    public string Prompt
    {
        get => _prompt ?? PromptSource?.Value ?? "";
        init => _prompt = value;
    }

    /// <summary>Where <see cref="Prompt"/> is read from on first use (unless a prompt is given), or null.</summary>
    public MarkdownBody? PromptSource { get; init; }

    /// <summary>As a Task subagent type named <c>plugin:agent</c> (its system prompt still read on first use).</summary>
    public Agent.AgentDefinition ToDefinition() =>
        _prompt is null && PromptSource is { } source
            ? new(Name, Description ?? "", Tools, Model is null or "inherit" ? null : Model, "", Path) { SystemPromptSource = source }
            : new(Name, Description ?? "", Tools, Model is null or "inherit" ? null : Model, Prompt, Path);
}

/// <summary>
/// Everything a plugin directory provides, read and validated: the manifest, skills (named <c>plugin:skill</c>),
/// commands (<c>plugin:command</c>), agents, hooks and MCP servers (name → config, <c>${CLAUDE_PLUGIN_ROOT}</c> replaced).
/// </summary>
/// <remarks>Immutable; safe to share between threads.</remarks>
public sealed record PluginDefinition
{
    public required PluginManifest Manifest { get; init; }

    /// <summary>The plugin's root directory (absolute, <c>${CLAUDE_PLUGIN_ROOT}</c>).</summary>
    public required string Root { get; init; }

    public string Name => Manifest.Name;

    /// <summary>
    /// The plugin's persistent data folder (<c>${CLAUDE_PLUGIN_DATA}</c>, see <see cref="PluginDataDirectory"/>), created
    /// on first use; null when the plugin was read without a store (validation only).
    /// </summary>
    public string? DataDirectory { get; init; }

    public ImmutableArray<SkillDefinition> Skills { get; init; } = [];

    public ImmutableArray<CommandDefinition> Commands { get; init; } = [];

    public ImmutableArray<PluginAgent> Agents { get; init; } = [];

    /// <summary>The hooks, or null when the plugin has none.</summary>
    public PluginHookSet? Hooks { get; init; }

    /// <summary>MCP server name → its configuration object.</summary>
    public ImmutableSortedDictionary<string, JsonElement> McpServers { get; init; } =
        ImmutableSortedDictionary.Create<string, JsonElement>(StringComparer.Ordinal);

    /// <summary>
    /// Where the plugin's output styles are (style files, or folders of <c>*.md</c>): the manifest's <c>outputStyles</c>
    /// paths when it gives them (then, as in Claude Code, <c>output-styles/</c> is not read), otherwise <c>output-styles/</c>.
    /// Read when a style is selected, not at start-up.
    /// </summary>
    public ImmutableArray<string> OutputStylePaths { get; init; } = [];
}

/// <summary>What reading a plugin directory gave: the plugin (null when it is broken) and every problem found.</summary>
/// <remarks>Immutable; safe to share between threads.</remarks>
public sealed record PluginReadResult(PluginDefinition? Plugin, ImmutableArray<LoadDiagnostic> Diagnostics)
{
    public bool Succeeded => Plugin is not null;
}
