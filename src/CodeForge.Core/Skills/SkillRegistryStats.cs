namespace CodeForge.Core.Skills;

/// <summary>Counts over one registry snapshot (the original's <c>get_stats()</c>).</summary>
/// <remarks>Immutable; all members come from the same snapshot, so they are mutually consistent.</remarks>
public sealed record SkillRegistryStats(int Total, int Builtin, int Custom, string? Active, IReadOnlyList<string> Tags);
