using System.Collections.Immutable;

namespace CodeForge.Core.Skills;

/// <summary>
/// A complete skill: metadata, the prompt added while it is active, the tools it may use, and its typed options (the
/// original's <c>SkillDefinition</c>). A SKILL.md file maps onto it as: frontmatter to <see cref="Metadata"/>, body to
/// <see cref="Prompt"/>, <c>allowed-tools</c> to <see cref="Tools"/>, the file path to <see cref="SourcePath"/>.
/// </summary>
/// <remarks>
/// Immutable and validated on construction (tools are non-blank, option names unique). Safe to share across threads.
/// </remarks>
public sealed record SkillDefinition
{
    private readonly ImmutableArray<string> _tools;
    private readonly ImmutableArray<SkillConfig> _config;

    public SkillDefinition(
        SkillMetadata metadata,
        string prompt,
        IEnumerable<string>? tools = null,
        IEnumerable<SkillConfig>? config = null,
        string? sourcePath = null,
        bool isBuiltin = false)
    {
        Metadata = metadata ?? throw new ArgumentNullException(nameof(metadata));
        Prompt = prompt ?? throw new ArgumentNullException(nameof(prompt));
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

    public SkillMetadata Metadata { get; }

    /// <summary>The system-prompt addition; <c>{{ option }}</c> placeholders are filled from the activation's config.</summary>
    public string Prompt { get; }

    /// <summary>Tool names or permission patterns the skill uses (SKILL.md <c>allowed-tools</c>, e.g. <c>Bash(git:*)</c>).</summary>
    public IReadOnlyList<string> Tools => _tools;

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
        Metadata == other.Metadata && Prompt == other.Prompt && SourcePath == other.SourcePath &&
        IsBuiltin == other.IsBuiltin && File == other.File &&
        SkillText.SequenceEqual(_tools, other._tools) && SkillText.SequenceEqual(_config, other._config);

    public override int GetHashCode() => HashCode.Combine(Metadata, Prompt, SourcePath, IsBuiltin, _tools.Length, _config.Length);
}
