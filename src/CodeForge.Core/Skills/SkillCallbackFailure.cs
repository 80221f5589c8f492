namespace CodeForge.Core.Skills;

/// <summary>A <see cref="SkillRegistry.Changed"/> handler threw while a transition was delivered.</summary>
/// <remarks>Immutable. Reported through <see cref="SkillRegistry.CallbackFailed"/>; the registry itself is unaffected.</remarks>
public sealed record SkillCallbackFailure(SkillTransition Transition, Exception Exception);
