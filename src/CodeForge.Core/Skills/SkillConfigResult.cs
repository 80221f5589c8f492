namespace CodeForge.Core.Skills;

/// <summary>The outcome of <see cref="Skill.ResolveConfig"/>: the normalised values, or the validation errors.</summary>
/// <remarks>Immutable; safe to share across threads.</remarks>
public sealed record SkillConfigResult(IReadOnlyDictionary<string, object> Values, IReadOnlyList<string> Errors)
{
    public bool IsValid => Errors.Count == 0;
}
