using System.Collections.Immutable;

namespace CodeForge.Core.Skills;

/// <summary>
/// What a skill is called and how it is found: the original's <c>SkillMetadata</c>, and the catalog part of a SKILL.md
/// frontmatter (<c>name</c>, <c>description</c>, <c>license</c>, <c>compatibility</c>).
/// </summary>
/// <remarks>
/// Immutable and validated on construction: the name and every alias are non-empty with no whitespace or control
/// characters; tags and examples are non-blank; duplicates in a list are dropped (first kept). Equality compares every
/// member, lists element by element. Safe to share across threads.
/// </remarks>
public sealed record SkillMetadata
{
    private readonly ImmutableArray<string> _tags;
    private readonly ImmutableArray<string> _aliases;
    private readonly ImmutableArray<string> _examples;

    public SkillMetadata(
        string name,
        string description,
        string author = "",
        string version = "1.0.0",
        IEnumerable<string>? tags = null,
        IEnumerable<string>? aliases = null,
        IEnumerable<string>? examples = null)
    {
        Name = SkillText.RequireName(name, nameof(name), "Skill name");
        Description = description ?? throw new ArgumentNullException(nameof(description));
        Author = author ?? throw new ArgumentNullException(nameof(author));
        ArgumentException.ThrowIfNullOrWhiteSpace(version);
        Version = version;
        _tags = SkillText.RequireList(tags, nameof(tags), $"Tag of skill '{name}'");
        _aliases = SkillText.RequireList(aliases, nameof(aliases), $"Alias of skill '{name}'", asNames: true);
        _examples = SkillText.RequireList(examples, nameof(examples), $"Example of skill '{name}'");
    }

    /// <summary>The unique skill name (ordinal, case-sensitive).</summary>
    public string Name { get; }

    /// <summary>What the skill does and when to use it (SKILL.md <c>description</c>).</summary>
    public string Description { get; }

    public string Author { get; }

    public string Version { get; }

    public IReadOnlyList<string> Tags => _tags;

    /// <summary>Other names the registry resolves to this skill, unless taken first (see <see cref="SkillRegistry.Register(Skill)"/>).</summary>
    public IReadOnlyList<string> Aliases => _aliases;

    public IReadOnlyList<string> Examples => _examples;

    /// <summary>SKILL.md <c>license</c>, if given.</summary>
    public string? License { get; init; }

    /// <summary>SKILL.md <c>compatibility</c>, if given.</summary>
    public string? Compatibility { get; init; }

    /// <summary>Case-insensitive substring match on the name, the description and each tag (the original's <c>matches_query</c>).</summary>
    public bool Matches(string query)
    {
        ArgumentNullException.ThrowIfNull(query);
        return Name.Contains(query, StringComparison.OrdinalIgnoreCase)
            || Description.Contains(query, StringComparison.OrdinalIgnoreCase)
            || _tags.Any(t => t.Contains(query, StringComparison.OrdinalIgnoreCase));
    }

    public bool Equals(SkillMetadata? other) =>
        other is not null &&
        Name == other.Name && Description == other.Description && Author == other.Author && Version == other.Version &&
        License == other.License && Compatibility == other.Compatibility &&
        SkillText.SequenceEqual(_tags, other._tags) &&
        SkillText.SequenceEqual(_aliases, other._aliases) &&
        SkillText.SequenceEqual(_examples, other._examples);

    public override int GetHashCode() =>
        HashCode.Combine(Name, Description, Author, Version, SkillText.SequenceHash(_tags), SkillText.SequenceHash(_aliases));
}
