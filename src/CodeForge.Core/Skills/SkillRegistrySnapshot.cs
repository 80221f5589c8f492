using System.Collections.Immutable;

namespace CodeForge.Core.Skills;

/// <summary>
/// The whole state of a <see cref="SkillRegistry"/> at one instant: the registered skills, the alias map and the active
/// skill. Every registry read is a read of one snapshot; take <see cref="SkillRegistry.Snapshot"/> once to make several
/// reads that agree with each other (e.g. list the skills and mark the active one).
/// </summary>
/// <remarks>
/// Immutable; any thread may use it at any time without locking. Invariants, true of every snapshot: at most one
/// activation (there is one <see cref="Active"/> field); the active skill is registered (the same instance); every alias
/// maps to a registered skill; <see cref="Version"/> grows by one per change of the registry.
/// </remarks>
public sealed class SkillRegistrySnapshot
{
    internal static readonly SkillRegistrySnapshot Empty = new(
        ImmutableSortedDictionary.Create<string, Skill>(StringComparer.Ordinal),
        ImmutableDictionary.Create<string, string>(StringComparer.Ordinal),
        active: null,
        version: 0);

    private readonly ImmutableSortedDictionary<string, Skill> _skills;
    private readonly ImmutableDictionary<string, string> _aliases;

    private SkillRegistrySnapshot(
        ImmutableSortedDictionary<string, Skill> skills,
        ImmutableDictionary<string, string> aliases,
        SkillActivation? active,
        long version)
    {
        _skills = skills;
        _aliases = aliases;
        Active = active;
        Version = version;
    }

    /// <summary>The current activation, or null when no skill is active.</summary>
    public SkillActivation? Active { get; }

    public Skill? ActiveSkill => Active?.Skill;

    /// <summary>The number of changes made to the registry before this snapshot.</summary>
    public long Version { get; }

    /// <summary>The number of registered skills.</summary>
    public int Count => _skills.Count;

    /// <summary>Alias to skill name, for the aliases that were free when their skill was registered.</summary>
    public IReadOnlyDictionary<string, string> Aliases => _aliases;

    /// <summary>The skill registered under <paramref name="nameOrAlias"/> (names first, then aliases), or null.</summary>
    public Skill? Get(string nameOrAlias)
    {
        ArgumentNullException.ThrowIfNull(nameOrAlias);
        if (_skills.TryGetValue(nameOrAlias, out var skill))
        {
            return skill;
        }
        return _aliases.TryGetValue(nameOrAlias, out var name) ? _skills[name] : null;
    }

    public bool Exists(string nameOrAlias) => Get(nameOrAlias) is not null;

    /// <summary>Whether the skill named (or aliased) <paramref name="nameOrAlias"/> is the active one.</summary>
    public bool IsActive(string nameOrAlias) => Active is { } active && ReferenceEquals(Get(nameOrAlias), active.Skill);

    /// <summary>The registered skills sorted by name (ordinal), optionally only those with <paramref name="tag"/> (any case).</summary>
    public IReadOnlyList<Skill> ListSkills(string? tag = null) =>
        tag is null
            ? [.. _skills.Values]
            : [.. _skills.Values.Where(s => s.Tags.Contains(tag, StringComparer.OrdinalIgnoreCase))];

    public IReadOnlyList<Skill> ListBuiltin() => [.. _skills.Values.Where(s => s.IsBuiltin)];

    public IReadOnlyList<Skill> ListCustom() => [.. _skills.Values.Where(s => !s.IsBuiltin)];

    /// <summary>Skills whose name, description or a tag contains <paramref name="query"/> (any case), sorted by name.</summary>
    public IReadOnlyList<Skill> Search(string query)
    {
        ArgumentNullException.ThrowIfNull(query);
        return [.. _skills.Values.Where(s => s.Matches(query))];
    }

    /// <summary>Every tag of every registered skill, once, sorted (ordinal).</summary>
    public IReadOnlyList<string> GetTags() =>
        [.. _skills.Values.SelectMany(s => s.Tags).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];

    public SkillRegistryStats GetStats()
    {
        var builtin = _skills.Values.Count(s => s.IsBuiltin);
        return new SkillRegistryStats(_skills.Count, builtin, _skills.Count - builtin, Active?.Name, GetTags());
    }

    public override string ToString() =>
        $"v{Version}: {_skills.Count} skill(s), active={Active?.Name ?? "none"}";

    internal bool Contains(string name) => _skills.ContainsKey(name);

    internal SkillRegistrySnapshot WithActive(SkillActivation? active) =>
        new(_skills, _aliases, active, Version + 1);

    /// <summary>Adds <paramref name="skill"/> (whose name must be free) and those of its aliases that are still free.</summary>
    internal SkillRegistrySnapshot WithSkill(Skill skill)
    {
        var skills = _skills.Add(skill.Name, skill);
        var aliases = _aliases;
        foreach (var alias in skill.Aliases)
        {
            if (!aliases.ContainsKey(alias) && !skills.ContainsKey(alias))
            {
                aliases = aliases.Add(alias, skill.Name);
            }
        }
        return new(skills, aliases, Active, Version + 1);
    }

    /// <summary>Removes the skill named <paramref name="name"/> with its aliases; clears the activation if it was active.</summary>
    internal SkillRegistrySnapshot WithoutSkill(string name)
    {
        var aliases = _aliases;
        foreach (var (alias, target) in _aliases)
        {
            if (target == name)
            {
                aliases = aliases.Remove(alias);
            }
        }
        var active = Active is { } a && a.Name == name ? null : Active;
        return new(_skills.Remove(name), aliases, active, Version + 1);
    }

    /// <summary>Removes <paramref name="remove"/> (all registered), then adds <paramref name="add"/> (names free after the removals): one version step.</summary>
    internal SkillRegistrySnapshot Exchanged(IReadOnlySet<string> remove, IReadOnlyList<Skill> add)
    {
        var skills = _skills.RemoveRange(remove);
        var aliases = _aliases;
        foreach (var (alias, target) in _aliases)
        {
            if (remove.Contains(target))
            {
                aliases = aliases.Remove(alias);
            }
        }
        foreach (var skill in add)
        {
            skills = skills.Add(skill.Name, skill);
            foreach (var alias in skill.Aliases)
            {
                if (!aliases.ContainsKey(alias) && !skills.ContainsKey(alias))
                {
                    aliases = aliases.Add(alias, skill.Name);
                }
            }
        }
        var active = Active is { } a && remove.Contains(a.Name) ? null : Active;
        return new(skills, aliases, active, Version + 1);
    }

    internal SkillRegistrySnapshot Cleared() => new(_skills.Clear(), _aliases.Clear(), null, Version + 1);
}
