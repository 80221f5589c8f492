namespace CodeForge.Core.Skills;

/// <summary>The value type of a <see cref="SkillConfig"/> option.</summary>
/// <remarks>The member names mirror the type names used in skill files (string, int, bool, choice).</remarks>
#pragma warning disable CA1720 // Identifier contains type name: deliberately the skill-file vocabulary.
public enum SkillConfigType
{
    /// <summary>Any string.</summary>
    String,

    /// <summary>A whole number, stored as <see cref="long"/>; integer strings such as <c>"42"</c> are accepted.</summary>
    Int,

    /// <summary>A boolean; the strings <c>"true"</c> and <c>"false"</c> (any case) are accepted.</summary>
    Bool,

    /// <summary>One of the option's <see cref="SkillConfig.Choices"/> (ordinal comparison).</summary>
    Choice,
}
#pragma warning restore CA1720
