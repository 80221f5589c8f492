namespace CodeForge.Core.Skills;

/// <summary>
/// One activation of a skill: which skill, the resolved config it was activated with, when (from the registry's
/// <see cref="TimeProvider"/>), and the sequence number of its <see cref="SkillTransitionKind.Activated"/> transition,
/// which identifies the activation uniquely within its registry.
/// </summary>
/// <remarks>Immutable; safe to share across threads. It stays valid as a record after the skill is deactivated.</remarks>
public sealed record SkillActivation(
    Skill Skill, IReadOnlyDictionary<string, object> Config, DateTimeOffset ActivatedAt, long Sequence)
{
    public string Name => Skill.Name;

    /// <summary>The skill's prompt with <c>{{ option }}</c> placeholders filled from <see cref="Config"/>.</summary>
    public string GetPrompt() => Skill.RenderPrompt(Config);
}
