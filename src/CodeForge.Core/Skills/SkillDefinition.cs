using System.Collections.Immutable;

namespace CodeForge.Core.Skills;

/// <summary>
/// A complete skill: metadata, the prompt added while it is active, the tools it may use, and its typed options (the
/// original's <c>SkillDefinition</c>). A SKILL.md file maps onto it as: frontmatter to <see cref="Metadata"/>, body to
/// <see cref="Prompt"/>, <c>allowed-tools</c> to <see cref="Tools"/>, the file path to <see cref="SourcePath"/>.
/// </summary>
/// <remarks>
/// Immutable and validated on construction (tools are non-blank, option names unique). Safe to share across threads.
/// A definition made by <see cref="FromFile"/> reads its prompt from the file on first use (a <see cref="MarkdownBody"/>,
/// whose contract covers concurrent first reads); such a prompt compares equal by the file it comes from, never by
/// reading it.
/// </remarks>
public sealed record SkillDefinition
{
    private readonly ImmutableArray<string> _tools;
    private readonly ImmutableArray<SkillConfig> _config;
    private readonly string? _prompt;
    private readonly MarkdownBody? _body;

    public SkillDefinition(
        SkillMetadata metadata,
        string prompt,
        IEnumerable<string>? tools = null,
        IEnumerable<SkillConfig>? config = null,
        string? sourcePath = null,
        bool isBuiltin = false)
        : this(metadata, prompt ?? throw new ArgumentNullException(nameof(prompt)), null, tools, config, sourcePath, isBuiltin)
    {
    }

    private SkillDefinition(
        SkillMetadata metadata,
        string? prompt,
        MarkdownBody? body,
        IEnumerable<string>? tools,
        IEnumerable<SkillConfig>? config,
        string? sourcePath,
        bool isBuiltin)
    {
        Metadata = metadata ?? throw new ArgumentNullException(nameof(metadata));
        _prompt = prompt;
        _body = body;
        _tools = SkillText.RequireList(tools, nameof(tools), $"Tool of skill '{metadata.Name}'");
        var options = ImmutableArray.CreateBuilder<SkillConfig>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var option in config ?? [])
        {
            if (option is null)
            {
                throw new ArgumentException($"Skill '{metadata.Name}' has a null config option.", nameof(config));
            }
            if (!names.Add(option.Name))
            {
                throw new ArgumentException(
                    $"Skill '{metadata.Name}' declares config option '{option.Name}' more than once.", nameof(config));
            }
            options.Add(option);
        }
        _config = options.ToImmutable();
        SourcePath = sourcePath;
        IsBuiltin = isBuiltin;
    }

    /// <summary>
    /// A skill whose prompt is the body of a file, read when it is first needed (<see cref="MarkdownBody"/>): a SKILL.md
    /// is parsed for its frontmatter at load, and its body read on activation.
    /// </summary>
    public static SkillDefinition FromFile(SkillMetadata metadata, MarkdownBody body, IEnumerable<string>? tools = null, string? sourcePath = null)
    {
        ArgumentNullException.ThrowIfNull(body);
        return new SkillDefinition(metadata, null, body, tools, null, sourcePath ?? body.Path, false);
    }

    public SkillMetadata Metadata { get; }

    /// <summary>
    /// The system-prompt addition; <c>{{ option }}</c> placeholders are filled from the activation's config. For a
    /// definition made by <see cref="FromFile"/> the first access reads the file.
    /// </summary>
    /// <exception cref="MarkdownBodyException">The body is read from a file that cannot be read now (the message names it).</exception>
    public string Prompt => _prompt ?? _body!.Value;

    /// <summary>Where the prompt is read from when it is read lazily (<see cref="FromFile"/>), else null.</summary>
    public MarkdownBody? PromptSource => _body;

    /// <summary>Tool names or permission patterns the skill uses (SKILL.md <c>allowed-tools</c>, e.g. <c>Bash(git:*)</c>).</summary>
    public IReadOnlyList<string> Tools
    {
        get => _tools;
        init => _tools = SkillText.RequireList(value, nameof(Tools), $"Tool of skill '{Metadata.Name}'");
    }

    public IReadOnlyList<SkillConfig> Config => _config;

    /// <summary>The file the skill was loaded from, or null for skills built in code.</summary>
    public string? SourcePath { get; init; }

    public bool IsBuiltin { get; init; }

    /// <summary>What a SKILL.md declared beyond the core definition (invocation flags, directory, plugin), or null for skills built in code.</summary>
    public SkillFileInfo? File { get; init; }

    /// <summary>The option named <paramref name="name"/>, or null.</summary>
    public SkillConfig? GetConfigOption(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        foreach (var option in _config)
        {
            if (option.Name == name)
            {
                return option;
            }
        }
        return null;
    }

    public bool Equals(SkillDefinition? other) =>
        other is not null &&
        Metadata == other.Metadata && SamePrompt(other) && SourcePath == other.SourcePath &&
        IsBuiltin == other.IsBuiltin && File == other.File &&
        SkillText.SequenceEqual(_tools, other._tools) && SkillText.SequenceEqual(_config, other._config);

    public override int GetHashCode() => HashCode.Combine(Metadata, _prompt ?? _body!.Path, SourcePath, IsBuiltin, _tools.Length, _config.Length);

    // A lazy prompt is compared by its file, so comparing never reads (or fails on) a body.
    private bool SamePrompt(SkillDefinition other) =>
        _body is null ? other._body is null && _prompt == other._prompt : other._body is not null && _body.Path == other._body.Path;
}
