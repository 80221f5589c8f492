namespace CodeForge.Core.Skills;

/// <summary>
/// What <see cref="SkillRegistry.Activate"/> returns: the new activation, or the reasons nothing changed. Deconstructs
/// like the original's <c>(skill, errors)</c> tuple: <c>var (skill, errors) = registry.Activate("pdf");</c>.
/// </summary>
/// <remarks>Immutable; safe to share across threads.</remarks>
public sealed record SkillActivationResult
{
    public SkillActivationResult(SkillActivation? activation, IReadOnlyList<string> errors)
    {
        Activation = activation;
        Errors = errors ?? throw new ArgumentNullException(nameof(errors));
    }

    /// <summary>The new activation, or null when the activation failed.</summary>
    public SkillActivation? Activation { get; }

    /// <summary>Why the activation failed; empty on success.</summary>
    public IReadOnlyList<string> Errors { get; }

    public bool Succeeded => Activation is not null;

    public Skill? Skill => Activation?.Skill;

    public void Deconstruct(out Skill? skill, out IReadOnlyList<string> errors)
    {
        skill = Skill;
        errors = Errors;
    }
}
