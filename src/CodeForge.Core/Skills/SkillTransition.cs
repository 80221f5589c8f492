namespace CodeForge.Core.Skills;

/// <summary>Whether a transition started or ended an activation.</summary>
public enum SkillTransitionKind
{
    Activated,
    Deactivated,
}

/// <summary>
/// One change of the registry's active skill, as delivered to <see cref="SkillRegistry.Changed"/>. Sequence numbers
/// start at 1 and increase by exactly 1 per transition of a registry, in the order the transitions took effect.
/// </summary>
/// <remarks>
/// Immutable. A <see cref="SkillTransitionKind.Deactivated"/> transition carries the activation it ended.
/// </remarks>
public sealed record SkillTransition(long Sequence, SkillTransitionKind Kind, SkillActivation Activation)
{
    public Skill Skill => Activation.Skill;

    public override string ToString() => $"#{Sequence} {Kind}({Activation.Name})";
}
